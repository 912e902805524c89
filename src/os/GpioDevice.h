#pragma once
// The GPIO character device of the emulated Azure Sphere OS (docs/hl-apps.md): /dev/gpiochip0,
// whose line offsets are the MT3620 GPIO numbers, with Linux's v1 interface:
//   GPIO_GET_CHIPINFO_IOCTL             name "gpiochip0", label "mt3620-gpio", 94 lines;
//   GPIO_GET_LINEHANDLE_IOCTL           requests 1-64 lines as inputs or outputs (push-pull,
//                                       open drain, open source, active low) and returns a
//                                       new descriptor for them in the request's fd field;
//   GPIOHANDLE_GET/SET_LINE_VALUES_IOCTL on that descriptor read the pad levels / drive them.
// A line request is where the app manifest is enforced: a line the manifest's "Gpio" list
// does not grant fails with EACCES, a GPIO the MT3620 does not offer to apps with ENODEV, a
// line another handle holds with EBUSY (the errors GPIO_OpenAsOutput documents).
//
// The lines drive the same GPIO register blocks the M4 cores program (SharedPeripherals::gpio,
// reference 4.1): an output sets the block's DOUT and OE bits, an input clears OE, and a read
// returns the resolved pad level from the PinBank, so the board's LEDs and buttons see and
// answer the A7 app exactly as they do an RTApp.
#include <array>
#include <memory>
#include <vector>

#include "common/Log.h"
#include "os/DeviceFile.h"
#include "periph/PinBank.h"

namespace mt3620 {
struct SharedPeripherals;
}

namespace mt3620::os {

/// The chip's state shared by every open of /dev/gpiochip0 and every line handle.
class GpioChip {
public:
    GpioChip(SharedPeripherals& shared, std::vector<int> granted, Log& log);

    enum class Drive : std::uint8_t { PushPull, OpenDrain, OpenSource };
    /// Checks one requested line: 0, -ENODEV, -EACCES or -EBUSY.
    int checkLine(std::uint32_t pin) const;
    void claim(unsigned pin, bool on) { claimed_[pin] = on; }
    /// Makes `pin` an input (output enable off).
    void setInput(unsigned pin);
    /// Drives `pin` to logical `level` the way `drive` does it (open drain releases a high).
    void setOutput(unsigned pin, Drive drive, bool level);
    /// The resolved pad level.
    bool level(unsigned pin) const;

private:
    void writeBlock(unsigned pin, std::uint32_t set_offset, std::uint32_t reset_offset, bool on);

    SharedPeripherals& shared_;
    std::vector<int> granted_;
    Log& log_;
    std::array<bool, PinBank::kPinCount> claimed_{};
};

/// An open of /dev/gpiochip0. `install` puts a new file in the app's descriptor table and
/// returns its number (or -errno).
class GpioChipFile : public DeviceFile {
public:
    using Installer = std::function<int(std::shared_ptr<GuestFile>)>;
    GpioChipFile(std::shared_ptr<GpioChip> chip, Installer install);
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;

private:
    std::int64_t chipInfo(std::uint32_t arg, GuestMemory& mem);
    std::int64_t lineHandle(std::uint32_t arg, GuestMemory& mem);

    std::shared_ptr<GpioChip> chip_;
    Installer install_;
};

/// The descriptor GPIO_GET_LINEHANDLE_IOCTL returns: the lines it holds until closed.
class GpioLineHandle : public GuestFile {
public:
    GpioLineHandle(std::shared_ptr<GpioChip> chip, std::vector<unsigned> pins, std::uint32_t flags);
    ~GpioLineHandle() override;
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;
    GuestStat stat() const override;
    std::string describe() const override { return "anon_inode:gpio-linehandle"; }

private:
    std::shared_ptr<GpioChip> chip_;
    std::vector<unsigned> pins_;
    std::uint32_t flags_;
};

}  // namespace mt3620::os
