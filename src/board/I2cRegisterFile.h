#pragma once
// A generic I2C device (board file `type: i2c-register-file`): a bank of 8-bit registers at a
// 7-bit address on an ISU's bus, with the register-pointer protocol of I2cRegisterTarget
// (write the register number, then read or write from there, auto-incrementing and wrapping at
// `size`). The board file gives each register's reset value; registers it does not list reset
// to 0. Every register is read/write. Useful for a device the emulator has no model of, when
// the firmware under test only needs it to answer with plausible contents (an ID register, a
// calibration table), and for checking what the firmware wrote to it.
//
//   - type: i2c-register-file
//     name: eeprom
//     bus: ISU1
//     address: 0x50
//     size: 16                    # registers 0x00-0x0f (default 256)
//     registers: {0x00: 0x5a, 0x01: 0x01}
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"

namespace mt3620 {

class I2cTarget;
class I2cAttachment;

class I2cRegisterFile : public BoardDevice {
public:
    using Spec = I2cRegisterFileSpec;
    static constexpr std::string_view kType = "i2c-register-file";
    static constexpr unsigned kMaxRegisters = 256;  // an 8-bit register pointer
    static Spec parse(FieldReader& fields);
    static std::vector<ResourceClaim> claims(const Spec& spec);

    I2cRegisterFile(const Spec& spec, BoardWiring& wiring);
    ~I2cRegisterFile() override;

    std::string_view type() const override { return kType; }

    // The register map the I2C transport drives.
    std::uint8_t readRegister(std::uint8_t reg) const { return values_[reg % values_.size()]; }
    void writeRegister(std::uint8_t reg, std::uint8_t value) { values_[reg % values_.size()] = value; }
    bool autoIncrement() const { return true; }

    const std::string& bus() const { return bus_; }
    unsigned address() const { return address_; }
    unsigned size() const { return static_cast<unsigned>(values_.size()); }

private:
    std::string bus_;
    unsigned address_;
    std::vector<std::uint8_t> values_;
    std::unique_ptr<I2cTarget> transport_;
    std::unique_ptr<I2cAttachment> attachment_;
};

}  // namespace mt3620
