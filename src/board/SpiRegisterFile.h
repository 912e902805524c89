#pragma once
// A generic SPI device made of byte registers whose addresses and reset values the board file
// gives (board file `type: spi-register-file`):
//
//   - name: sensor
//     type: spi-register-file
//     bus: ISU1
//     chip-select: 1
//     registers: {0x0F: 0x69, 0x10: 0x00, 0x11: 0x00}   # address (0x00-0x7F): reset value
//     read-only: [0x0F]                                   # optional: writes to these are dropped
//
// Framing (SpiRegisterFraming): the first byte of a frame is bit 7 = read, bits 6:0 = address;
// the following bytes read or write consecutive registers (auto-increment). A register the board
// file does not list reads 0x00 and drops writes, with a warning the first time.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"
#include "board/SpiDeviceWiring.h"
#include "board/SpiRegisterFraming.h"

namespace mt3620 {

class SpiRegisterFile : public BoardDevice, public SpiRegisterFraming {
public:
    using Spec = SpiRegisterFileSpec;
    static constexpr std::string_view kType = "spi-register-file";
    static Spec parse(FieldReader& fields);
    static std::vector<ResourceClaim> claims(const Spec& spec);

    SpiRegisterFile(const Spec& spec, BoardWiring& wiring);
    std::string_view type() const override { return kType; }

    /// The register's current value (0 for one the board file does not list).
    std::uint8_t value(std::uint8_t address) const { return values_[address & kAddressMask]; }

protected:
    std::uint8_t readRegister(std::uint8_t address) override;
    void writeRegister(std::uint8_t address, std::uint8_t value) override;

private:
    enum class Access : std::uint8_t { Absent, ReadWrite, ReadOnly };
    bool present(std::uint8_t address, const char* what);

    Log& log_;
    std::array<std::uint8_t, 128> values_{};
    std::array<Access, 128> access_{};
    SpiAttachment attachment_;  // last: detached first
};

}  // namespace mt3620
