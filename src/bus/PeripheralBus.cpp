#include "bus/PeripheralBus.h"

#include <unicorn/unicorn.h>

#include <algorithm>
#include <stdexcept>

namespace mt3620 {

PeripheralBus::PeripheralBus(CoreId core, Log& log) : core_(core), log_(log) {}

void PeripheralBus::map(std::uint32_t base, MmioDevice& device, std::uint32_t owners) {
    Mapping m{base, base + device.size(), &device, owners};
    auto it = std::lower_bound(mappings_.begin(), mappings_.end(), base,
                               [](const Mapping& a, std::uint32_t b) { return a.base < b; });
    if ((it != mappings_.end() && it->base < m.end) || (it != mappings_.begin() && std::prev(it)->end > base))
        throw std::logic_error("peripheral " + device.name() + " overlaps another block");
    mappings_.insert(it, m);
    last_ = nullptr;
}

void PeripheralBus::setOwners(const MmioDevice& device, std::uint32_t owners) {
    for (Mapping& m : mappings_)
        if (m.device == &device) m.owners = owners;
}

void PeripheralBus::addWindow(std::uint32_t base, std::uint32_t size) {
    windows_.push_back(Window{this, base, size});
}

void PeripheralBus::setOwnersInRange(std::uint32_t base, std::uint32_t size, std::uint32_t owners) {
    for (Mapping& m : mappings_)
        if (m.base >= base && m.base - base < size) m.owners = owners;
}

void PeripheralBus::attach(uc_struct* uc) {
    // Cut the windows at the boundaries; each piece is one Unicorn MMIO region whose callback
    // offset is relative to the piece, so each piece gets its own Window record.
    std::vector<Window> pieces;
    std::sort(boundaries_.begin(), boundaries_.end());
    for (const Window& w : windows_) {
        std::uint64_t start = w.base;
        const std::uint64_t end = std::uint64_t{w.base} + w.size;
        for (std::uint32_t b : boundaries_) {
            if (b <= start || b >= end) continue;
            pieces.push_back(Window{this, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(b - start)});
            start = b;
        }
        pieces.push_back(Window{this, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end - start)});
    }
    windows_ = std::move(pieces);  // stable from here on: Unicorn keeps pointers to them
    for (Window& w : windows_) {
        uc_err err = uc_mmio_map(uc, w.base, w.size, &PeripheralBus::mmioRead, &w,
                                 &PeripheralBus::mmioWrite, &w);
        if (err != UC_ERR_OK)
            throw std::runtime_error("cannot map peripheral window: " + std::string(uc_strerror(err)));
    }
}

const PeripheralBus::Mapping* PeripheralBus::lookup(std::uint32_t addr) {
    if (last_ && addr >= last_->base && addr < last_->end) return last_;
    auto it = std::upper_bound(mappings_.begin(), mappings_.end(), addr,
                               [](std::uint32_t a, const Mapping& m) { return a < m.base; });
    if (it == mappings_.begin()) return nullptr;
    --it;
    if (addr >= it->end) return nullptr;
    last_ = &*it;
    return last_;
}

MmioDevice* PeripheralBus::deviceAt(std::uint32_t addr) {
    const Mapping* m = lookup(addr);
    return m ? m->device : nullptr;
}

std::uint32_t PeripheralBus::read(std::uint32_t addr, unsigned size) {
    const Mapping* m = lookup(addr);
    if (!m) {
        unassigned(addr, size, false, 0);
        return 0;
    }
    if (!(m->owners & coreBit(core_))) {
        denied(*m, addr, false);
        return 0;
    }
    std::uint32_t value = 0;
    if (!m->device->read(addr - m->base, size, value)) unhandled(*m, addr, false, 0);
    if (trace_)
        log_.trace(coreName(core_), "read  {:#010x} {}.{} -> {:#x}", addr, m->device->name(),
                   m->device->registerName(addr - m->base), value);
    return value;
}

void PeripheralBus::write(std::uint32_t addr, unsigned size, std::uint32_t value) {
    const Mapping* m = lookup(addr);
    if (!m) {
        unassigned(addr, size, true, value);
        return;
    }
    if (!(m->owners & coreBit(core_))) {
        denied(*m, addr, true);
        return;
    }
    if (trace_)
        log_.trace(coreName(core_), "write {:#010x} {}.{} <- {:#x}", addr, m->device->name(),
                   m->device->registerName(addr - m->base), value);
    if (!m->device->write(addr - m->base, size, value)) unhandled(*m, addr, true, value);
}

bool PeripheralBus::masterRead(std::uint32_t addr, unsigned size, std::uint32_t& value) {
    const Mapping* m = lookup(addr);
    if (!m || !(m->owners & coreBit(core_))) return false;
    if (!m->device->read(addr - m->base, size, value)) return false;
    if (trace_)
        log_.trace(coreName(core_), "dma read  {:#010x} {}.{} -> {:#x}", addr, m->device->name(),
                   m->device->registerName(addr - m->base), value);
    return true;
}

bool PeripheralBus::masterWrite(std::uint32_t addr, unsigned size, std::uint32_t value) {
    const Mapping* m = lookup(addr);
    if (!m || !(m->owners & coreBit(core_))) return false;
    if (trace_)
        log_.trace(coreName(core_), "dma write {:#010x} {}.{} <- {:#x}", addr, m->device->name(),
                   m->device->registerName(addr - m->base), value);
    return m->device->write(addr - m->base, size, value);
}

std::uint32_t PeripheralBus::debugRead(std::uint32_t addr, unsigned size) {
    const Mapping* m = lookup(addr);
    std::uint32_t value = 0;
    if (m) m->device->debugRead(addr - m->base, size, value);
    return value;
}

void PeripheralBus::debugWrite(std::uint32_t addr, unsigned size, std::uint32_t value) {
    if (const Mapping* m = lookup(addr)) m->device->write(addr - m->base, size, value);
}

void PeripheralBus::unassigned(std::uint32_t addr, unsigned, bool is_write, std::uint32_t value) {
    reportUnmodelled(fmt::format("address {:#010x}", addr), addr, is_write, value);
}

void PeripheralBus::unhandled(const Mapping& m, std::uint32_t addr, bool is_write, std::uint32_t value) {
    reportUnmodelled(fmt::format("register {}+{:#x} ({:#010x})", m.device->name(), addr - m.base, addr), addr,
                     is_write, value);
}

void PeripheralBus::reportUnmodelled(const std::string& what, std::uint32_t addr, bool is_write, std::uint32_t value) {
    log_.warnOnce(fmt::format("{}:{:x}", coreName(core_), addr), coreName(core_), "{} of unmodelled {} at PC {:#010x} ({})",
                  is_write ? "write" : "read", what, currentPc(),
                  is_write ? fmt::format("value {:#x} ignored", value) : std::string("reads as 0"));
}

void PeripheralBus::denied(const Mapping& m, std::uint32_t addr, bool is_write) {
    const std::string owner = owner_of_ ? owner_of_(addr) : std::string("another core");
    log_.warn(coreName(core_), "firewall: {} of {} at {:#010x} (PC {:#010x}) denied: it belongs to {}{}",
              is_write ? "write" : "read", m.device->name(), addr, currentPc(), owner,
              denials_fault_ ? "" : is_write ? " (write ignored)" : " (reads as 0)");
    if (denials_fault_ && on_denied_) on_denied_(addr, is_write);
}

std::uint64_t PeripheralBus::mmioRead(uc_struct*, std::uint64_t offset, unsigned size, void* user) {
    auto* w = static_cast<Window*>(user);
    return w->bus->read(w->base + static_cast<std::uint32_t>(offset), size);
}

void PeripheralBus::mmioWrite(uc_struct*, std::uint64_t offset, unsigned size, std::uint64_t value,
                              void* user) {
    auto* w = static_cast<Window*>(user);
    w->bus->write(w->base + static_cast<std::uint32_t>(offset), size, static_cast<std::uint32_t>(value));
}

}  // namespace mt3620
