#pragma once
// The I2C masters of the emulated Azure Sphere OS (docs/hl-apps.md): /dev/i2c-0..4 for ISU0-4
// with Linux's i2c-dev interface: I2C_RDWR (a transaction of up to 42 messages, a repeated
// START between them, one STOP at the end), I2C_SLAVE plus read(2)/write(2), I2C_TIMEOUT,
// I2C_FUNCS, and this project's MT_I2C_SET_BUS_SPEED for I2CMaster_SetBusSpeed.
//
// The transactions run on the ISU's I2C bus (I2cBus, the same bus and board devices the ISU
// I2C controller model drives for the M4s, reference 4.5): the address byte of each message
// goes to the target at that address, which ACKs or not; a missing or refusing target ends
// the transaction with ENXIO, as i2c-dev reports an address NACK. A transaction completes
// within the syscall: its bus time (9 SCL clocks a byte) is not charged to the app.
//
// Opening needs the ISU in the manifest's "I2cMaster" list (EACCES otherwise). Bus speeds:
// 100 kHz, 400 kHz and 1 MHz (the MT3620's standard, fast and fast-plus modes); others EINVAL.
#include <memory>

#include "os/DeviceFile.h"

namespace mt3620 {
class I2cBus;
}

namespace mt3620::os {

class I2cFile : public DeviceFile {
public:
    I2cFile(I2cBus& bus, unsigned isu);
    std::int64_t read(std::span<std::uint8_t> out) override;
    std::int64_t write(std::span<const std::uint8_t> in) override;
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;
    std::uint32_t busSpeed() const { return speed_hz_; }

    struct Message {
        std::uint16_t address;
        bool read;
        std::span<std::uint8_t> data;  // bytes to send, or room for the bytes to receive
    };
    /// Runs one transaction on the bus: 0, or -ENXIO when a target does not ACK its address
    /// or a data byte written to it.
    int transfer(std::span<Message> messages);

private:
    std::int64_t rdwr(std::uint32_t arg, GuestMemory& mem);

    I2cBus& bus_;
    std::uint16_t default_address_ = 0;
    bool has_default_ = false;
    std::uint32_t speed_hz_ = 100'000;
    std::uint32_t timeout_10ms_ = 100;
};

}  // namespace mt3620::os
