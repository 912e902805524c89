#pragma once
// Base of the emulated OS's character device files (/dev/gpiochip0, /dev/ttyISU0, ...): what
// fstat and readlink show of them. The device itself overrides read/write/ioctl/pollEvents.
#include <cstring>
#include <string>

#include "os/GuestFile.h"
#include "os/GuestFs.h"

namespace mt3620::os {

class DeviceFile : public GuestFile {
public:
    DeviceFile(std::string guest_path, std::uint32_t rdev) : guest_path_(std::move(guest_path)), rdev_(rdev) {}
    GuestStat stat() const override {
        GuestStat st;
        st.ino = guestInode(guest_path_);
        st.mode = kModeChr | 0600;
        st.rdev = rdev_;
        return st;
    }
    std::string describe() const override { return guest_path_; }

private:
    std::string guest_path_;
    std::uint32_t rdev_;
};

/// Linux device numbers as stat() shows them (major << 8 | minor, the old 16-bit encoding the
/// kernel still reports for small numbers). Majors follow Linux's for the same devices.
/// The 32-bit field at byte `off` of a guest ioctl struct copied to `s` (the guest is
/// little-endian, like the host).
inline std::uint32_t field(const std::uint8_t* s, int off) {
    std::uint32_t v;
    std::memcpy(&v, s + off, 4);
    return v;
}

constexpr std::uint32_t deviceNumber(std::uint32_t major, std::uint32_t minor) { return (major << 8) | minor; }
constexpr std::uint32_t kMajorTtyIsu = 204, kMajorI2c = 89, kMajorSpidev = 153, kMajorGpioChip = 254,
                        kMajorMisc = 10;

}  // namespace mt3620::os
