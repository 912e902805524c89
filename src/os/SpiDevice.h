#pragma once
// The SPI masters of the emulated Azure Sphere OS (docs/hl-apps.md): /dev/spidev<n>.<cs> for
// ISU n's SPI master with chip select cs (0 = CSA, 1 = CSB), with Linux's spidev interface:
// SPI_IOC_MESSAGE(k) (k transfers under one chip-select assertion, each with its own TX and/or
// RX buffer; cs_change releases chip select after a transfer), SPI_IOC_RD/WR_MODE (CPHA,
// CPOL, CS_HIGH, LSB_FIRST), SPI_IOC_RD/WR_LSB_FIRST, SPI_IOC_RD/WR_BITS_PER_WORD (8 only) and
// SPI_IOC_RD/WR_MAX_SPEED_HZ.
//
// The bytes go to the board device on that chip select of the ISU's SpiBus (the same bus and
// devices the IsuSpi controller model drives for the M4s, reference 4.6), MSB first unless
// LSB-first is set; a transfer with no TX buffer sends 0xFF (the MT3620 master's idle MOSI),
// and with nothing on the chip select MISO reads 0xFF. Like the I2C devices, a message
// completes within the syscall: its bus time is not charged to the app.
//
// Bus speed: SCK = 79.04 MHz / (rs_clk_sel + 2), rs_clk_sel 0..4095 (reference 4.6), so the
// speed set is the fastest one not above the request (39.52 MHz at most); a request below
// 19.3 kHz is EINVAL. A message longer than spidev's buffer (4096 bytes in all) is EMSGSIZE.
// Opening needs the ISU in the manifest's "SpiMaster" list (EACCES otherwise, AppDevices.cpp).
#include <cstdint>
#include <span>

#include "os/DeviceFile.h"

namespace mt3620 {
class SpiBus;
}

namespace mt3620::os {

class SpiFile : public DeviceFile {
public:
    static constexpr std::uint32_t kMaxMessageBytes = 4096;  // spidev's default bufsiz

    SpiFile(SpiBus& bus, unsigned isu, unsigned chip_select);
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;

    std::uint8_t mode() const { return mode_; }
    std::uint32_t speedHz() const { return speed_hz_; }

    struct Transfer {
        std::span<const std::uint8_t> tx;  // empty: send 0xFF
        std::span<std::uint8_t> rx;        // empty: drop what comes back
        std::uint32_t length = 0;
        bool cs_change = false;            // release chip select after this transfer
    };
    /// Runs one message on the bus, chip select asserted from the first transfer to the last.
    void transfer(std::span<Transfer> transfers);

private:
    std::int64_t message(std::uint32_t request, std::uint32_t arg, GuestMemory& mem);
    std::int64_t setSpeed(std::uint32_t hz);
    std::uint8_t exchange(std::uint8_t out);

    SpiBus& bus_;
    unsigned chip_select_;
    std::uint8_t mode_ = 0;
    std::uint32_t speed_hz_;
};

}  // namespace mt3620::os
