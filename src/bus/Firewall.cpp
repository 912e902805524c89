#include "bus/Firewall.h"

#include <fmt/format.h>

namespace mt3620 {

const char* firewallModeName(FirewallMode mode) {
    switch (mode) {
        case FirewallMode::Fault: return "fault";
        case FirewallMode::Log: return "log";
        case FirewallMode::Off: return "off";
    }
    return "?";
}

std::optional<FirewallMode> parseFirewallMode(const std::string& text) {
    if (text == "fault") return FirewallMode::Fault;
    if (text == "log") return FirewallMode::Log;
    if (text == "off") return FirewallMode::Off;
    return std::nullopt;
}

namespace {
constexpr std::uint32_t kFirstBlock = 0x3800'0000;  // ADC (reference §2.1)
constexpr std::uint32_t kBlockSize = 0x1'0000;
constexpr std::size_t kAdc = 0, kGroup0 = 1, kIsu0 = 7, kI2s0 = 13;
}  // namespace

const std::array<Firewall::Block, Firewall::kBlockCount>& Firewall::blocks() {
    static const std::array<Block, kBlockCount> table = {{
        {"ADC", 0x3800'0000, kBlockSize},
        {"GPIO-GROUP-0", 0x3801'0000, kBlockSize}, {"GPIO-GROUP-1", 0x3802'0000, kBlockSize},
        {"GPIO-GROUP-2", 0x3803'0000, kBlockSize}, {"GPIO-GROUP-3", 0x3804'0000, kBlockSize},
        {"GPIO-GROUP-4", 0x3805'0000, kBlockSize}, {"GPIO-GROUP-5", 0x3806'0000, kBlockSize},
        {"ISU0", 0x3807'0000, kBlockSize}, {"ISU1", 0x3808'0000, kBlockSize},
        {"ISU2", 0x3809'0000, kBlockSize}, {"ISU3", 0x380A'0000, kBlockSize},
        {"ISU4", 0x380B'0000, kBlockSize}, {"ISU5", 0x380C'0000, kBlockSize},
        {"I2S0", 0x380D'0000, kBlockSize}, {"I2S1", 0x380E'0000, kBlockSize},
    }};
    return table;
}

std::optional<std::size_t> Firewall::blockAt(std::uint32_t addr) {
    const std::uint32_t slot = (addr - kFirstBlock) / kBlockSize;  // wraps to huge below the table
    if (slot >= kBlockCount) return std::nullopt;
    return slot;
}

std::optional<std::size_t> Firewall::blockOfGpio(int pin) {
    // Reference §4.1 pin -> block table.
    if (pin >= 0 && pin <= 23) return kGroup0 + static_cast<std::size_t>(pin / 4);
    if (pin >= 26 && pin <= 40) return kIsu0 + static_cast<std::size_t>((pin - 26) / 5);
    if (pin >= 41 && pin <= 48) return kAdc;
    if (pin >= 56 && pin <= 65) return kI2s0 + static_cast<std::size_t>((pin - 56) / 5);
    if (pin >= 66 && pin <= 80) return kIsu0 + 3 + static_cast<std::size_t>((pin - 66) / 5);
    return std::nullopt;
}

std::vector<Firewall::Claim> Firewall::claimsOf(const AppManifest& manifest) {
    const auto& c = manifest.capabilities;
    std::vector<Claim> out;
    for (int pin : c.gpio)
        if (auto b = blockOfGpio(pin)) out.push_back({*b, fmt::format("GPIO {}", pin)});
    auto isus = [&](const std::vector<int>& list, const char* kind) {
        for (int n : list) out.push_back({kIsu0 + static_cast<std::size_t>(n), fmt::format("ISU{} ({})", n, kind)});
    };
    isus(c.uart, "Uart");
    isus(c.i2cMaster, "I2cMaster");
    isus(c.spiMaster, "SpiMaster");
    for (int n : c.i2sSubordinate) out.push_back({kI2s0 + static_cast<std::size_t>(n), fmt::format("I2S{}", n)});
    for (int n : c.adc) out.push_back({kAdc, fmt::format("ADC-CONTROLLER-{}", n)});
    for (int n : c.pwm) out.push_back({kGroup0 + static_cast<std::size_t>(n), fmt::format("PWM-CONTROLLER-{}", n)});
    for (int n : c.externalInterrupt)
        if (auto b = blockOfGpio(n)) out.push_back({*b, fmt::format("EINT{}", n)});
    return out;
}

void Firewall::claim(CoreId core, const AppManifest& manifest) {
    const std::vector<Claim> claims = claimsOf(manifest);
    for (const Claim& cl : claims) {
        const auto& h = holder_[cl.block];
        if (!h || *h == core) continue;
        const AppManifest& other = *apps_[index(*h)];
        throw FirewallError(fmt::format("cannot start '{}' on {}: {} is in use by '{}' on {} (block {}, claimed through {})",
                                        manifest.name, coreName(core), cl.what, other.name, coreName(*h),
                                        blocks()[cl.block].name, holder_what_[cl.block]));
    }
    release(core);
    apps_[index(core)] = manifest;
    for (const Claim& cl : claims) {
        if (holder_[cl.block]) continue;  // listed twice (e.g. a pin and its PWM controller)
        holder_[cl.block] = core;
        holder_what_[cl.block] = cl.what;
    }
    ++generation_;
}

void Firewall::release(CoreId core) {
    apps_[index(core)].reset();
    for (std::size_t b = 0; b < kBlockCount; ++b) {
        if (holder_[b] == core) {
            holder_[b].reset();
            holder_what_[b].clear();
        }
    }
    ++generation_;
}

std::optional<CoreId> Firewall::holder(std::size_t block) const { return holder_[block]; }

std::uint32_t Firewall::owners(std::size_t block) const {
    if (holder_[block]) return coreBit(*holder_[block]);
    std::uint32_t mask = coreBit(CoreId::A7);
    for (CoreId c : {CoreId::M4_0, CoreId::M4_1})
        if (!hasManifest(c)) mask |= coreBit(c);
    return mask;
}

bool Firewall::allows(CoreId core, std::uint32_t addr) const {
    auto b = blockAt(addr);
    return !b || (owners(*b) & coreBit(core));
}

}  // namespace mt3620
