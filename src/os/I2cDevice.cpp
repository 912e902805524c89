#include "os/I2cDevice.h"

#include <cstring>
#include <vector>

#include "os/DeviceAbi.h"
#include "os/GuestMemory.h"
#include "periph/I2cBus.h"

namespace mt3620::os {

I2cFile::I2cFile(I2cBus& bus, unsigned isu)
    : DeviceFile("/dev/i2c-" + std::to_string(isu), deviceNumber(kMajorI2c, isu)), bus_(bus) {}

int I2cFile::transfer(std::span<Message> messages) {
    I2cTarget* current = nullptr;
    for (Message& m : messages) {
        I2cTarget* target = m.address > 0x7F ? nullptr : bus_.target(static_cast<std::uint8_t>(m.address));
        if (current && current != target) {
            current->stop();  // a repeated START to another address ends that target's part
            current = nullptr;
        }
        if (!target || !target->start(m.read)) {
            if (current) current->stop();  // the STOP after the NACKed address byte
            return -ENXIO;
        }
        current = target;
        for (std::size_t i = 0; i < m.data.size(); ++i) {
            if (m.read) {
                m.data[i] = target->read(i + 1 == m.data.size());
            } else if (!target->write(m.data[i])) {
                target->stop();
                return -ENXIO;
            }
        }
    }
    if (current) current->stop();
    return 0;
}

std::int64_t I2cFile::read(std::span<std::uint8_t> out) {
    if (!has_default_) return -EINVAL;  // i2c-dev: no I2C_SLAVE yet
    Message m{default_address_, true, out.subspan(0, std::min<std::size_t>(out.size(), 8192))};
    const int r = transfer({&m, 1});
    return r < 0 ? r : static_cast<std::int64_t>(m.data.size());
}

std::int64_t I2cFile::write(std::span<const std::uint8_t> in) {
    if (!has_default_) return -EINVAL;
    std::vector<std::uint8_t> bytes(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(in.size(), 8192)));
    Message m{default_address_, false, bytes};
    const int r = transfer({&m, 1});
    return r < 0 ? r : static_cast<std::int64_t>(bytes.size());
}

std::int64_t I2cFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    switch (request) {
        case MT_I2C_SLAVE:
            if (arg > 0x7F) return -EINVAL;
            default_address_ = static_cast<std::uint16_t>(arg);
            has_default_ = true;
            return 0;
        case MT_I2C_TENBIT: return arg ? -EINVAL : 0;  // no 10-bit addressing on the MT3620
        case MT_I2C_TIMEOUT: timeout_10ms_ = arg; return 0;
        case MT_I2C_FUNCS: {
            const std::uint32_t funcs = MT_I2C_FUNC_I2C;
            return mem.write(arg, &funcs, 4) ? 0 : -EFAULT;
        }
        case MT_I2C_RDWR: return rdwr(arg, mem);
        case MT_I2C_SET_BUS_SPEED: {
            auto hz = mem.readValue<std::uint32_t>(arg);
            if (!hz) return -EFAULT;
            if (*hz != 100'000 && *hz != 400'000 && *hz != 1'000'000) return -EINVAL;
            speed_hz_ = *hz;
            return 0;
        }
        default: return -ENOTTY;
    }
}

std::int64_t I2cFile::rdwr(std::uint32_t arg, GuestMemory& mem) {
    std::uint32_t head[2];
    if (!mem.read(arg, head, sizeof head)) return -EFAULT;
    const std::uint32_t msgs_addr = head[0], count = head[1];
    if (count == 0 || count > MT_I2C_RDWR_IOCTL_MAX_MSGS) return -EINVAL;
    struct Raw {
        std::uint16_t addr, flags, len;
        std::uint32_t buf;
    };
    std::vector<Raw> raw(count);
    std::vector<std::vector<std::uint8_t>> buffers(count);
    std::vector<Message> messages;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint8_t m[MT_I2C_MSG_SIZE];
        if (!mem.read(msgs_addr + i * MT_I2C_MSG_SIZE, m, sizeof m)) return -EFAULT;
        Raw& r = raw[i];
        std::memcpy(&r.addr, m, 2);
        std::memcpy(&r.flags, m + 2, 2);
        std::memcpy(&r.len, m + 4, 2);
        std::memcpy(&r.buf, m + 8, 4);
        if (r.flags & MT_I2C_M_TEN) return -EINVAL;
        buffers[i].resize(r.len);
        const bool rd = r.flags & MT_I2C_M_RD;
        if (!rd && r.len && !mem.read(r.buf, buffers[i].data(), r.len)) return -EFAULT;
        if (rd && r.len && !mem.isMapped(r.buf, r.len, kProtWrite)) return -EFAULT;
        messages.push_back({r.addr, rd, buffers[i]});
    }
    if (const int e = transfer(messages)) return e;
    for (std::uint32_t i = 0; i < count; ++i)
        if ((raw[i].flags & MT_I2C_M_RD) && raw[i].len && !mem.write(raw[i].buf, buffers[i].data(), raw[i].len))
            return -EFAULT;
    return count;  // i2c-dev returns the number of messages
}

}  // namespace mt3620::os
