#include "os/GpioDevice.h"

#include <algorithm>
#include <cstring>

#include "image/AppManifest.h"
#include "machine/Machine.h"
#include "os/DeviceAbi.h"
#include "os/GuestMemory.h"
#include "periph/GpioBlock.h"

namespace mt3620::os {

GpioChip::GpioChip(SharedPeripherals& shared, std::vector<int> granted, Log& log)
    : shared_(shared), granted_(std::move(granted)), log_(log) {}

int GpioChip::checkLine(std::uint32_t pin) const {
    if (pin >= PinBank::kPinCount || !manifestGpioAvailable(static_cast<int>(pin))) return -ENODEV;
    if (std::find(granted_.begin(), granted_.end(), static_cast<int>(pin)) == granted_.end()) return -EACCES;
    if (claimed_[pin]) return -EBUSY;
    return 0;
}

void GpioChip::writeBlock(unsigned pin, std::uint32_t set_offset, std::uint32_t reset_offset, bool on) {
    // The block that holds the pin, as the OS's pin controller driver programs it (reference 4.1).
    const GpioBlockInfo* info = GpioBlock::blockForPin(pin);
    for (std::size_t i = 0; info && i < shared_.gpio_bases.size(); ++i) {
        if (shared_.gpio_bases[i] != info->base) continue;
        GpioBlock& block = *shared_.gpio[i];
        block.write(on ? set_offset : reset_offset, 4, 1u << (pin - block.firstPin()));
        return;
    }
    log_.warnOnce("a7.gpio." + std::to_string(pin), "a7",
                  "GPIO {} has no modelled register block: the A7 drives its pad directly", pin);
}

void GpioChip::setInput(unsigned pin) {
    if (GpioBlock::blockForPin(pin)) writeBlock(pin, GpioBlock::kOeSet, GpioBlock::kOeReset, false);
    else shared_.pins.setGpioOutput(pin, false, false);
}

void GpioChip::setOutput(unsigned pin, Drive drive, bool level) {
    // Open drain drives only a low and lets a high float (output enable off); open source the
    // other way round. DOUT is written before OE so the pad never shows a stale level.
    const bool enable = drive == Drive::PushPull || (drive == Drive::OpenDrain ? !level : level);
    if (!GpioBlock::blockForPin(pin)) {
        shared_.pins.setGpioOutput(pin, enable, level);
        return;
    }
    writeBlock(pin, GpioBlock::kDoutSet, GpioBlock::kDoutReset, level);
    writeBlock(pin, GpioBlock::kOeSet, GpioBlock::kOeReset, enable);
}

bool GpioChip::level(unsigned pin) const { return shared_.pins.level(pin); }

GpioChipFile::GpioChipFile(std::shared_ptr<GpioChip> chip, Installer install)
    : DeviceFile(MT_GPIO_CHIP_PATH, deviceNumber(kMajorGpioChip, 0)), chip_(std::move(chip)),
      install_(std::move(install)) {}

std::int64_t GpioChipFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    switch (request) {
        case MT_GPIO_GET_CHIPINFO_IOCTL: return chipInfo(arg, mem);
        case MT_GPIO_GET_LINEHANDLE_IOCTL: return lineHandle(arg, mem);
        default: return -ENOTTY;
    }
}

std::int64_t GpioChipFile::chipInfo(std::uint32_t arg, GuestMemory& mem) {
    std::uint8_t info[MT_GPIOCHIP_INFO_SIZE] = {};
    std::strcpy(reinterpret_cast<char*>(info), "gpiochip0");
    std::strcpy(reinterpret_cast<char*>(info + 32), "mt3620-gpio");
    const std::uint32_t lines = PinBank::kPinCount;
    std::memcpy(info + 64, &lines, 4);
    return mem.write(arg, info, sizeof info) ? 0 : -EFAULT;
}

std::int64_t GpioChipFile::lineHandle(std::uint32_t arg, GuestMemory& mem) {
    std::uint8_t req[MT_GPIOHANDLE_REQUEST_SIZE];
    if (!mem.read(arg, req, sizeof req)) return -EFAULT;
    auto u32 = [&](std::size_t off) {
        std::uint32_t v;
        std::memcpy(&v, req + off, 4);
        return v;
    };
    const std::uint32_t flags = u32(MT_GPIOHANDLE_REQ_FLAGS_OFF);
    const std::uint32_t lines = u32(MT_GPIOHANDLE_REQ_LINES_OFF);
    const bool in = flags & MT_GPIOHANDLE_REQUEST_INPUT, out = flags & MT_GPIOHANDLE_REQUEST_OUTPUT;
    const bool od = flags & MT_GPIOHANDLE_REQUEST_OPEN_DRAIN, os = flags & MT_GPIOHANDLE_REQUEST_OPEN_SOURCE;
    constexpr std::uint32_t kKnown = 0x1F;
    if (lines == 0 || lines > MT_GPIOHANDLES_MAX || (flags & ~kKnown) || (in && out) || (od && os) ||
        ((od || os) && !out))
        return -EINVAL;

    std::vector<unsigned> pins;
    for (std::uint32_t i = 0; i < lines; ++i) {
        const std::uint32_t pin = u32(4 * i);
        if (std::find(pins.begin(), pins.end(), pin) != pins.end()) return -EBUSY;
        if (int e = chip_->checkLine(pin)) return e;
        pins.push_back(pin);
    }
    auto handle = std::make_shared<GpioLineHandle>(chip_, pins, flags);
    const GpioChip::Drive drive = od ? GpioChip::Drive::OpenDrain : os ? GpioChip::Drive::OpenSource
                                                                       : GpioChip::Drive::PushPull;
    const bool active_low = flags & MT_GPIOHANDLE_REQUEST_ACTIVE_LOW;
    for (std::uint32_t i = 0; i < lines; ++i) {
        if (out) chip_->setOutput(pins[i], drive, (req[MT_GPIOHANDLE_REQ_DEFAULTS_OFF + i] != 0) != active_low);
        else if (in) chip_->setInput(pins[i]);
    }
    const int fd = install_(handle);
    if (fd < 0) return fd;
    const std::int32_t fd_value = fd;
    if (!mem.write(arg + MT_GPIOHANDLE_REQ_FD_OFF, &fd_value, 4)) return -EFAULT;
    return 0;
}

GpioLineHandle::GpioLineHandle(std::shared_ptr<GpioChip> chip, std::vector<unsigned> pins, std::uint32_t flags)
    : chip_(std::move(chip)), pins_(std::move(pins)), flags_(flags) {
    for (unsigned p : pins_) chip_->claim(p, true);
}

GpioLineHandle::~GpioLineHandle() {
    // The lines go back to the chip; the pads keep their last state, as on the device.
    for (unsigned p : pins_) chip_->claim(p, false);
}

std::int64_t GpioLineHandle::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    const bool active_low = flags_ & MT_GPIOHANDLE_REQUEST_ACTIVE_LOW;
    std::uint8_t values[MT_GPIOHANDLE_DATA_SIZE] = {};
    if (request == MT_GPIOHANDLE_GET_LINE_VALUES_IOCTL) {
        for (std::size_t i = 0; i < pins_.size(); ++i) values[i] = chip_->level(pins_[i]) != active_low;
        return mem.write(arg, values, sizeof values) ? 0 : -EFAULT;
    }
    if (request == MT_GPIOHANDLE_SET_LINE_VALUES_IOCTL) {
        if (!mem.read(arg, values, sizeof values)) return -EFAULT;
        // Azure Sphere: setting an input "has no effect" (GPIO_SetValue succeeds).
        if (!(flags_ & MT_GPIOHANDLE_REQUEST_OUTPUT)) return 0;
        const GpioChip::Drive drive = (flags_ & MT_GPIOHANDLE_REQUEST_OPEN_DRAIN)    ? GpioChip::Drive::OpenDrain
                                      : (flags_ & MT_GPIOHANDLE_REQUEST_OPEN_SOURCE) ? GpioChip::Drive::OpenSource
                                                                                      : GpioChip::Drive::PushPull;
        for (std::size_t i = 0; i < pins_.size(); ++i) chip_->setOutput(pins_[i], drive, (values[i] != 0) != active_low);
        return 0;
    }
    return -ENOTTY;
}

GuestStat GpioLineHandle::stat() const {
    GuestStat st;
    st.mode = 0600;  // an anonymous inode: no file type bits, as Linux shows them
    st.dev = 0xd;
    return st;
}

}  // namespace mt3620::os
