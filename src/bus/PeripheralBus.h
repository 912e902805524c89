#pragma once
// One core's view of peripheral address space, in the manner of QEMU's memory API: register
// blocks are placed at addresses, the bus decodes an access to the block that owns it, checks
// the firewall, and calls the model. The core never knows which device it talks to.
//
// Unicorn sees a few large MMIO windows (uc_mmio_map needs 4 KiB granularity, but several
// MT3620 blocks share a page, e.g. the ISU's I2C/SPI/UART at +0x200/+0x300/+0x500); the bus
// splits them. An address no model claims is logged once (core, PC, address) and reads 0.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/Log.h"
#include "machine/CoreId.h"
#include "periph/MmioDevice.h"

struct uc_struct;

namespace mt3620 {

class PeripheralBus {
public:
    /// Why an access did not reach a model normally.
    enum class Denial { None, Firewall };

    PeripheralBus(CoreId core, Log& log);

    /// Places `device` at `base` for this core. `owners` is the firewall rule (a core mask).
    void map(std::uint32_t base, MmioDevice& device, std::uint32_t owners = kAllCores);
    /// Changes the firewall rule of an already placed device.
    void setOwners(const MmioDevice& device, std::uint32_t owners);
    /// Declares an address window Unicorn should route to this bus (page aligned).
    void addWindow(std::uint32_t base, std::uint32_t size);
    /// Makes attach() start a separate Unicorn region at `addr` (page aligned), so that an
    /// address range between boundaries can have its own access rights (the firewall protects
    /// whole regions: splitting a Unicorn MMIO region later would shift its callback offsets).
    void addBoundary(std::uint32_t addr) { boundaries_.push_back(addr); }
    /// Maps every window into `uc` with uc_mmio_map.
    void attach(uc_struct* uc);

    std::uint32_t read(std::uint32_t addr, unsigned size);
    void write(std::uint32_t addr, unsigned size, std::uint32_t value);
    /// The debugger's accesses: the firewall does not apply (nothing is denied or logged).
    std::uint32_t debugRead(std::uint32_t addr, unsigned size);
    void debugWrite(std::uint32_t addr, unsigned size, std::uint32_t value);

    /// An access by another bus master of this core (its DMA): no fault and no warning, only
    /// the trace. False when no model answers at `addr` or the firewall denies it.
    bool masterRead(std::uint32_t addr, unsigned size, std::uint32_t& value);
    bool masterWrite(std::uint32_t addr, unsigned size, std::uint32_t value);

    /// Logs every access (--trace).
    void setTrace(bool on) { trace_ = on; }
    /// Called on a firewall denial when denials fault; the core turns it into a bus fault.
    void setDenialHandler(std::function<void(std::uint32_t addr, bool is_write)> fn) {
        on_denied_ = std::move(fn);
    }
    /// Whether a denied access faults (handler above) or is only logged (--firewall log).
    void setDenialsFault(bool on) { denials_fault_ = on; }
    /// Names the core that owns an address, for denial log lines (slow path only).
    void setOwnerDescriber(std::function<std::string(std::uint32_t addr)> fn) { owner_of_ = std::move(fn); }
    /// Sets the firewall rule of every block placed in [base, base + size).
    void setOwnersInRange(std::uint32_t base, std::uint32_t size, std::uint32_t owners);
    /// Supplies the PC of the access for log lines (slow path only).
    void setPcSource(std::function<std::uint32_t()> fn) { pc_source_ = std::move(fn); }

    MmioDevice* deviceAt(std::uint32_t addr);

private:
    struct Mapping {
        std::uint32_t base;
        std::uint32_t end;  // exclusive (64-bit safe: blocks never reach 4 GiB)
        MmioDevice* device;
        std::uint32_t owners;
    };
    struct Window {
        PeripheralBus* bus;
        std::uint32_t base;
        std::uint32_t size;
    };

    const Mapping* lookup(std::uint32_t addr);
    void unassigned(std::uint32_t addr, unsigned size, bool is_write, std::uint32_t value);
    void unhandled(const Mapping& m, std::uint32_t addr, bool is_write, std::uint32_t value);
    void reportUnmodelled(const std::string& what, std::uint32_t addr, bool is_write, std::uint32_t value);
    void denied(const Mapping& m, std::uint32_t addr, bool is_write);
    std::uint32_t currentPc() const { return pc_source_ ? pc_source_() : 0; }

    static std::uint64_t mmioRead(uc_struct* uc, std::uint64_t offset, unsigned size, void* user);
    static void mmioWrite(uc_struct* uc, std::uint64_t offset, unsigned size, std::uint64_t value,
                          void* user);

    CoreId core_;
    Log& log_;
    std::vector<Mapping> mappings_;  // sorted by base
    std::vector<Window> windows_;    // stable after attach()
    const Mapping* last_ = nullptr;
    bool trace_ = false;
    std::function<void(std::uint32_t, bool)> on_denied_;
    std::function<std::uint32_t()> pc_source_;
    std::function<std::string(std::uint32_t)> owner_of_;
    bool denials_fault_ = true;
    std::vector<std::uint32_t> boundaries_;
};

}  // namespace mt3620
