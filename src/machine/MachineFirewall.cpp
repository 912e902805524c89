// The machine's side of the firewall (reference §5, docs/firewall.md): apps' manifests assign
// shared blocks to cores, and each core's engine and bus are set up so that it can touch only
// what it owns. Nothing here runs on the access path: denied blocks are simply inaccessible in
// the core's engine (Unicorn refuses the access before the instruction completes, a precise
// BusFault), and the bus keeps a per-block owner mask for --firewall log.
#include <fmt/format.h>

#include <algorithm>

#include "machine/Machine.h"

namespace mt3620 {

void Machine::connectFirewall(M4Subsystem& m) {
    const CoreId id = m.id;
    // Both run only when an access was refused (fault mode: the core's engine refused it; log
    // mode: the bus ignored it), so the event costs nothing on allowed accesses.
    m.core.explain_denial = [this, id](std::uint32_t addr) {
        std::string why = describeDenial(id, addr);
        if (!why.empty())
            raise(MachineEvent::Kind::FirewallDenial, id, fmt::format("access to {:#010x} denied: {}", addr, why));
        return why;
    };
    m.bus.setOwnerDescriber([this, id](std::uint32_t addr) {
        auto b = Firewall::blockAt(addr);
        std::string owner;
        if (!b) {
            owner = "another core";
        } else {
            auto holder = firewall_.holder(*b);
            owner = holder ? fmt::format("{} ({})", coreName(*holder), Firewall::blocks()[*b].name)
                           : fmt::format("no core with a manifest ({} is not in {}'s manifest)",
                                         Firewall::blocks()[*b].name, coreName(id));
        }
        raise(MachineEvent::Kind::FirewallDenial, id,
              fmt::format("access to {:#010x} denied{}: it belongs to {}", addr,
                          firewall_.mode() == FirewallMode::Log ? " (ignored, --firewall log)" : "", owner));
        return owner;
    });
}

std::string Machine::describeDenial(CoreId core, std::uint32_t addr) const {
    if (firewall_.mode() == FirewallMode::Off) return {};
    if (auto b = Firewall::blockAt(addr)) {
        if (firewall_.allows(core, addr)) return {};
        const char* block = Firewall::blocks()[*b].name;
        if (auto holder = firewall_.holder(*b))
            return fmt::format("{} belongs to {} (app '{}')", block, coreName(*holder),
                               firewall_.manifest(*holder)->name);
        return fmt::format("{} is not in the app manifest of {}", block, coreName(core));
    }
    const M4Subsystem& m = core == CoreId::M4_0 ? *m4_[0] : *m4_[1];
    if (!m.a7_ram_whole && a7_ram_.contains(addr))
        return "A7 RAM outside the intercore buffers the OS opened to this core";
    return {};
}

namespace {
std::string ownedBlocks(const Firewall& firewall, CoreId core) {
    std::vector<std::string> owned;
    for (std::size_t b = 0; b < Firewall::kBlockCount; ++b)
        if (firewall.holder(b) == core) owned.push_back(Firewall::blocks()[b].name);
    return owned.empty() ? std::string("no shared peripherals") : fmt::format("{}", fmt::join(owned, ", "));
}
}  // namespace

void Machine::claimForHlApp(const AppManifest& manifest) {
    firewall_.claim(CoreId::A7, manifest);  // throws, changing nothing, on a conflict
    applyFirewall();
    log_.info("a7", "manifest '{}' ({}): firewall gives the A7 {}", manifest.name, manifest.componentId.toString(),
              ownedBlocks(firewall_, CoreId::A7));
}

void Machine::loadRtApp(CoreId core_id, const RtAppImage& image, const AppManifest& manifest) {
    if (!manifest.isRealTime())
        throw FirewallError(fmt::format("cannot start '{}' on {}: {} declares ApplicationType \"{}\", not "
                                        "\"RealTimeCapable\"", manifest.name, coreName(core_id), manifest.source,
                                        appTypeName(manifest.type)));
    m4(core_id);  // validates the core
    firewall_.claim(core_id, manifest);  // throws, changing nothing, on a conflict
    applyFirewall();
    log_.info(coreName(core_id), "manifest '{}' ({}): firewall gives this core {}", manifest.name,
              manifest.componentId.toString(), ownedBlocks(firewall_, core_id));
    for (const std::string& w : manifest.warnings) log_.warn(coreName(core_id), "{}: {}", manifest.source, w);
    loadRtAppImage(core_id, image);
}

void Machine::startWithoutManifest(CoreId core_id) {
    m4(core_id);
    if (firewall_.hasManifest(core_id)) firewall_.release(core_id);
    applyFirewall();
    log_.info(coreName(core_id), "no app manifest: this core shares every peripheral no manifest claims, and all "
                                 "of A7 RAM (firewall rules apply only to apps started with a manifest)");
}

void Machine::setFirewallMode(FirewallMode mode) {
    firewall_.setMode(mode);
    applyFirewall();
}

void Machine::applyFirewall() {
    const FirewallMode mode = firewall_.mode();
    for (auto& mp : m4_) {
        M4Subsystem& m = *mp;
        const std::uint32_t me = coreBit(m.id);
        for (std::size_t b = 0; b < Firewall::kBlockCount; ++b) {
            const Firewall::Block& block = Firewall::blocks()[b];
            const std::uint32_t owners = mode == FirewallMode::Off ? kAllCores : firewall_.owners(b);
            m.bus.setOwnersInRange(block.base, block.size, owners);
            // In log mode accesses must reach the bus, which logs and ignores them.
            m.core.setPeripheralAccess(block.base, block.size, mode != FirewallMode::Fault || (owners & me));
        }
        m.bus.setDenialsFault(mode == FirewallMode::Fault);

        const bool whole = mode == FirewallMode::Off || !firewall_.hasManifest(m.id);
        if (whole == m.a7_ram_whole) continue;
        if (whole) {
            for (auto [addr, size] : m.a7_windows) m.core.unmapWindow(addr, size);
            m.core.mapMemory(a7_ram_, true, false);
        } else {
            m.core.unmapMemory(a7_ram_);
            for (auto [addr, size] : m.a7_windows) m.core.mapWindow(a7_ram_, addr - a7_ram_.base(), size, true);
        }
        m.a7_ram_whole = whole;
    }
}

void Machine::openA7Window(CoreId core, std::uint32_t addr, std::uint32_t size) {
    M4Subsystem& m = m4(core);
    if (addr % 4096 || size % 4096 || size == 0 || !a7_ram_.contains(addr, size))
        throw std::invalid_argument(fmt::format("A7 RAM window {:#010x}+{:#x} is not whole pages of A7 RAM", addr, size));
    for (auto [a, s] : m.a7_windows)
        if (addr < a + s && a < addr + size)
            throw std::invalid_argument(fmt::format("A7 RAM window {:#010x}+{:#x} overlaps an open one", addr, size));
    m.a7_windows.emplace_back(addr, size);
    if (!m.a7_ram_whole) m.core.mapWindow(a7_ram_, addr - a7_ram_.base(), size, true);
    log_.debug(coreName(core), "firewall: A7 RAM {:#010x}-{:#010x} opened to this core", addr, addr + size - 1);
}

void Machine::closeA7Window(CoreId core, std::uint32_t addr, std::uint32_t size) {
    M4Subsystem& m = m4(core);
    auto it = std::find(m.a7_windows.begin(), m.a7_windows.end(), std::make_pair(addr, size));
    if (it == m.a7_windows.end()) return;
    m.a7_windows.erase(it);
    if (!m.a7_ram_whole) m.core.unmapWindow(addr, size);
}

}  // namespace mt3620
