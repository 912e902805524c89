#pragma once
// What the bus sees of a peripheral: a block of address space that answers reads and writes.
// Offsets are relative to the block's base. A device that does not implement an offset returns
// false so the bus can report the access (once) with the core and PC that made it.
#include <cstdint>
#include <string>

namespace mt3620 {

class MmioDevice {
public:
    MmioDevice(std::string name, std::uint32_t size) : name_(std::move(name)), size_(size) {}
    virtual ~MmioDevice() = default;
    MmioDevice(const MmioDevice&) = delete;
    MmioDevice& operator=(const MmioDevice&) = delete;

    /// `size` is 1, 2 or 4 bytes. Returns false if nothing lives at `offset`.
    virtual bool read(std::uint32_t offset, unsigned size, std::uint32_t& value) = 0;
    virtual bool write(std::uint32_t offset, unsigned size, std::uint32_t value) = 0;
    /// A debugger's read (GDB `x`, trace): the value software would read, without the read's
    /// side effects (a FIFO pop, a read-to-clear status). Devices whose reads have side effects
    /// override it; the default is a normal read.
    virtual bool debugRead(std::uint32_t offset, unsigned size, std::uint32_t& value) {
        return read(offset, size, value);
    }

    /// Register name for traces, or empty.
    virtual std::string registerName(std::uint32_t /*offset*/) const { return {}; }

    /// Back to power-on state (core reset, watchdog).
    virtual void reset() {}

    const std::string& name() const { return name_; }
    std::uint32_t size() const { return size_; }

private:
    std::string name_;
    std::uint32_t size_;
};

}  // namespace mt3620
