#include "os/SpiDevice.h"

#include <cstring>
#include <vector>

#include "os/DeviceAbi.h"
#include "os/GuestMemory.h"
#include "periph/IsuSpi.h"
#include "periph/SpiBus.h"

namespace mt3620::os {

namespace {
constexpr std::uint32_t kMaxDivider = 4095;  // rs_clk_sel is 12 bits (reference 4.6)
constexpr std::uint8_t kSupportedModes = MT_SPI_CPHA | MT_SPI_CPOL | MT_SPI_CS_HIGH | MT_SPI_LSB_FIRST;

std::uint8_t reverseBits(std::uint8_t b) {
    b = static_cast<std::uint8_t>((b & 0xF0) >> 4 | (b & 0x0F) << 4);
    b = static_cast<std::uint8_t>((b & 0xCC) >> 2 | (b & 0x33) << 2);
    return static_cast<std::uint8_t>((b & 0xAA) >> 1 | (b & 0x55) << 1);
}

/// The SCK an rs_clk_sel divider gives.
std::uint32_t sckHz(std::uint32_t divider) {
    return static_cast<std::uint32_t>(IsuSpi::kHclkHz / (divider + 2));
}
}  // namespace

SpiFile::SpiFile(SpiBus& bus, unsigned isu, unsigned chip_select)
    : DeviceFile("/dev/spidev" + std::to_string(isu) + "." + std::to_string(chip_select),
                 deviceNumber(kMajorSpidev, isu * 2 + chip_select)),
      bus_(bus), chip_select_(chip_select), speed_hz_(sckHz(0)) {}

std::uint8_t SpiFile::exchange(std::uint8_t out) {
    SpiTarget* target = bus_.target(chip_select_);
    if (!target) return 0xFF;
    if (!(mode_ & MT_SPI_LSB_FIRST)) return target->exchange(out);
    return reverseBits(target->exchange(reverseBits(out)));
}

void SpiFile::transfer(std::span<Transfer> transfers) {
    SpiTarget* target = bus_.target(chip_select_);
    bool selected = false;
    for (const Transfer& t : transfers) {
        if (!selected && target) target->select();
        selected = true;
        for (std::uint32_t i = 0; i < t.length; ++i) {
            const std::uint8_t in = exchange(t.tx.empty() ? 0xFF : t.tx[i]);
            if (!t.rx.empty()) t.rx[i] = in;
        }
        if (t.cs_change) {
            if (target) target->deselect();
            selected = false;
        }
    }
    if (selected && target) target->deselect();
}

std::int64_t SpiFile::setSpeed(std::uint32_t hz) {
    if (hz < sckHz(kMaxDivider)) return -EINVAL;
    // The smallest divider whose clock does not exceed the request.
    std::uint64_t divider = (IsuSpi::kHclkHz + hz - 1) / hz;
    divider = divider < 2 ? 0 : divider - 2;
    speed_hz_ = sckHz(static_cast<std::uint32_t>(divider));
    return 0;
}

std::int64_t SpiFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    switch (request) {
        case MT_SPI_IOC_RD_MODE: return mem.writeValue<std::uint8_t>(arg, mode_) ? 0 : -EFAULT;
        case MT_SPI_IOC_WR_MODE: {
            auto m = mem.readValue<std::uint8_t>(arg);
            if (!m) return -EFAULT;
            if (*m & ~kSupportedModes) return -EINVAL;  // 3-wire, loopback, no-CS, ready: not on the MT3620
            mode_ = *m;
            return 0;
        }
        case MT_SPI_IOC_RD_LSB_FIRST:
            return mem.writeValue<std::uint8_t>(arg, (mode_ & MT_SPI_LSB_FIRST) ? 1 : 0) ? 0 : -EFAULT;
        case MT_SPI_IOC_WR_LSB_FIRST: {
            auto v = mem.readValue<std::uint8_t>(arg);
            if (!v) return -EFAULT;
            mode_ = static_cast<std::uint8_t>(*v ? (mode_ | MT_SPI_LSB_FIRST) : (mode_ & ~MT_SPI_LSB_FIRST));
            return 0;
        }
        case MT_SPI_IOC_RD_BITS_PER_WORD: return mem.writeValue<std::uint8_t>(arg, 8) ? 0 : -EFAULT;
        case MT_SPI_IOC_WR_BITS_PER_WORD: {
            auto v = mem.readValue<std::uint8_t>(arg);
            if (!v) return -EFAULT;
            return *v == 0 || *v == 8 ? 0 : -EINVAL;  // the ISU master moves bytes
        }
        case MT_SPI_IOC_RD_MAX_SPEED_HZ: return mem.writeValue<std::uint32_t>(arg, speed_hz_) ? 0 : -EFAULT;
        case MT_SPI_IOC_WR_MAX_SPEED_HZ: {
            auto v = mem.readValue<std::uint32_t>(arg);
            if (!v) return -EFAULT;
            return setSpeed(*v);
        }
        default:
            // SPI_IOC_MESSAGE(k): direction write, type 'k', number 0, size k * 32.
            if ((request & 0xC000FFFFu) == MT_SPI_IOC_MESSAGE(0)) return message(request, arg, mem);
            return -ENOTTY;
    }
}

std::int64_t SpiFile::message(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    const std::uint32_t size = (request >> 16) & 0x3FFF;
    if (size == 0 || size % MT_SPI_IOC_TRANSFER_SIZE) return -EINVAL;
    const std::uint32_t count = size / MT_SPI_IOC_TRANSFER_SIZE;
    std::vector<std::uint8_t> raw(size);
    if (!mem.read(arg, raw.data(), size)) return -EFAULT;

    struct Raw {
        std::uint32_t tx, rx, len;
        std::uint8_t bits, cs_change;
    };
    std::vector<Raw> fields(count);
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint8_t* t = raw.data() + i * MT_SPI_IOC_TRANSFER_SIZE;
        std::uint64_t tx, rx;
        std::memcpy(&tx, t, 8);
        std::memcpy(&rx, t + 8, 8);
        Raw& f = fields[i];
        std::memcpy(&f.len, t + 16, 4);
        f.bits = t[26];
        f.cs_change = t[27];
        if ((tx >> 32) || (rx >> 32)) return -EFAULT;
        f.tx = static_cast<std::uint32_t>(tx);
        f.rx = static_cast<std::uint32_t>(rx);
        if (f.bits != 0 && f.bits != 8) return -EINVAL;
        if (t[28] > 1 || t[29] > 1) return -EINVAL;  // dual/quad lines: not on the MT3620 ISUs
        total += f.len;
    }
    if (total > kMaxMessageBytes) return -EMSGSIZE;

    std::vector<std::vector<std::uint8_t>> tx(count), rx(count);
    std::vector<Transfer> transfers(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const Raw& f = fields[i];
        if (f.tx) {
            tx[i].resize(f.len);
            if (f.len && !mem.read(f.tx, tx[i].data(), f.len)) return -EFAULT;
        }
        if (f.rx) {
            if (f.len && !mem.isMapped(f.rx, f.len, kProtWrite)) return -EFAULT;
            rx[i].resize(f.len);
        }
        transfers[i] = Transfer{tx[i], rx[i], f.len, f.cs_change != 0 && i + 1 < count};
    }
    transfer(transfers);
    for (std::uint32_t i = 0; i < count; ++i)
        if (fields[i].rx && fields[i].len && !mem.write(fields[i].rx, rx[i].data(), fields[i].len)) return -EFAULT;
    return static_cast<std::int64_t>(total);
}

}  // namespace mt3620::os
