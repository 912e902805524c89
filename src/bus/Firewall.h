#pragma once
// The MT3620's core-to-peripheral firewall (reference §5): which core may touch which shared
// peripheral block, assigned from the apps' manifests when they start.
//
// The unit of ownership is a 64 KiB peripheral block at 0x3800_0000-0x380E_FFFF (reference §2.1,
// §4.1): a GPIO/PWM group (pins 4n..4n+3 and PWM controller n), an ISU (its pins and all of its
// functions), the ADC (with GPIO 41-48) and the I2S interfaces (with their pins). A manifest
// claims a block through any of the things it lists that live in it (reference §5: "requesting
// PWM-CONTROLLER-n takes GPIO 4n..4n+3", "the ISU functions share ISU pins"); EINT n claims the
// group of GPIO n, the pin it listens to.
//
// Rules: a block claimed by a core's manifest belongs to that core only. An unclaimed block is
// shared by every core that runs without a manifest (the emulator's behaviour before manifests
// existed: nothing is firewalled for such a core) and by the A7. Per-core blocks (TCM, SYSRAM,
// 0x2100_0000-0x2108_FFFF, the SCS) are never in the table: each core has its own instance.
// docs/firewall.md explains the choices.
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "image/AppManifest.h"
#include "machine/CoreId.h"

namespace mt3620 {

/// What a denied access does (--firewall).
enum class FirewallMode {
    Fault,  // a precise BusFault on the M4 (CFSR.PRECISERR|BFARVALID, BFAR = address); default
    Log,    // the access is ignored (reads 0) and logged
    Off,    // everything is allowed (ownership is still assigned and conflicts refused)
};
/// "fault", "log" or "off".
const char* firewallModeName(FirewallMode mode);
std::optional<FirewallMode> parseFirewallMode(const std::string& text);

/// An app that cannot start because its manifest claims what another core holds.
class FirewallError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Firewall {
public:
    /// One firewalled block.
    struct Block {
        const char* name;     // "GPIO-GROUP-0", "ISU0", "ADC", "I2S0", ...
        std::uint32_t base;   // 64 KiB aligned
        std::uint32_t size;   // 0x10000
    };
    static constexpr std::size_t kBlockCount = 15;
    /// In address order: ADC, GPIO-GROUP-0..5, ISU0..ISU5, I2S0, I2S1 (ISU5 holds GPIO 76-80).
    static const std::array<Block, kBlockCount>& blocks();
    /// The block containing `addr`, if any (a table lookup: the blocks are 64 KiB slots).
    static std::optional<std::size_t> blockAt(std::uint32_t addr);
    /// The block GPIO `pin` belongs to (reference §4.1), if it is in one.
    static std::optional<std::size_t> blockOfGpio(int pin);

    /// One thing a manifest claims, with the block it lands in.
    struct Claim {
        std::size_t block;
        std::string what;  // as a user names it: "GPIO 8", "ISU0 (Uart)", "PWM-CONTROLLER-2"
    };
    /// Everything `manifest` claims, in manifest order.
    static std::vector<Claim> claimsOf(const AppManifest& manifest);

    /// Assigns what `manifest` names to `core` (replacing that core's earlier claims).
    /// Throws FirewallError, changing nothing, when another core holds one of the blocks:
    ///   "cannot start 'Blink' on m4-1: GPIO 8 is in use by 'Pwm' on m4-0 (block GPIO-GROUP-2,
    ///    claimed through PWM-CONTROLLER-2)"
    void claim(CoreId core, const AppManifest& manifest);
    /// Forgets `core`'s manifest and claims (its app stopped).
    void release(CoreId core);
    bool hasManifest(CoreId core) const { return apps_[index(core)].has_value(); }
    const std::optional<AppManifest>& manifest(CoreId core) const { return apps_[index(core)]; }

    /// The core that claimed `block`, if any.
    std::optional<CoreId> holder(std::size_t block) const;
    /// Cores allowed to access `block` now (a core mask, see the rules above).
    std::uint32_t owners(std::size_t block) const;
    /// Whether `core` may access address `addr` of a shared block (true outside the table).
    bool allows(CoreId core, std::uint32_t addr) const;

    FirewallMode mode() const { return mode_; }
    void setMode(FirewallMode mode) { mode_ = mode; }

    /// Bumped on every change, so users of the table (the cores' engines) can re-apply it.
    unsigned generation() const { return generation_; }

private:
    static std::size_t index(CoreId core) { return static_cast<std::size_t>(core); }

    FirewallMode mode_ = FirewallMode::Fault;
    std::array<std::optional<AppManifest>, kCoreCount> apps_;
    std::array<std::optional<CoreId>, kBlockCount> holder_{};
    std::array<std::string, kBlockCount> holder_what_{};  // what the holder claimed there
    unsigned generation_ = 0;
};

}  // namespace mt3620
