#pragma once
// Nested Vectored Interrupt Controller state of one Cortex-M4 (ARMv7-M B3.4), without any
// Unicorn dependency so the priority logic can be unit-tested on its own.
//
// Exception numbers follow the architecture: 1 Reset, 2 NMI, 3 HardFault, 4 MemManage,
// 5 BusFault, 6 UsageFault, 11 SVCall, 12 DebugMonitor, 14 PendSV, 15 SysTick, 16 + n for
// external interrupt n. The MT3620 IO M4 has 80 external interrupts (reference section 3) and
// implements 3 priority bits (reference 2.4: __NVIC_PRIO_BITS 3).
#include <array>
#include <bitset>
#include <cstdint>
#include <functional>
#include <optional>

#include "periph/Signals.h"

namespace mt3620 {

namespace exc {
constexpr unsigned kReset = 1, kNmi = 2, kHardFault = 3, kMemManage = 4, kBusFault = 5, kUsageFault = 6,
                   kSvCall = 11, kDebugMonitor = 12, kPendSv = 14, kSysTick = 15, kFirstIrq = 16;
}

class Nvic : public IrqController {
public:
    static constexpr unsigned kIrqCount = 80;
    static constexpr unsigned kExceptionCount = exc::kFirstIrq + kIrqCount;
    static constexpr unsigned kPriorityBits = 3;
    static constexpr std::uint8_t kPriorityMask = static_cast<std::uint8_t>(0xFF << (8 - kPriorityBits));
    /// Execution priority when nothing is active and nothing masks: lower than any exception.
    static constexpr int kThreadPriority = 256;

    Nvic();

    // --- peripheral side (IrqController) ---
    /// An interrupt line changed level. Level-sensitive lines (the default) stay pending while
    /// high; edge-sensitive ones pend on a rising edge only (IRQ_SENS, reference 4.10).
    void setIrqLevel(unsigned irq, bool level) override;
    void setLevelSensitive(unsigned irq, bool level_sensitive);

    // --- register side ---
    bool enabled(unsigned exception) const;
    void setEnabled(unsigned exception, bool on);
    bool pending(unsigned exception) const { return pending_[exception]; }
    void setPending(unsigned exception);
    void clearPending(unsigned exception);
    bool active(unsigned exception) const { return active_[exception]; }
    /// Raw 8-bit priority field (only the top 3 bits are stored).
    std::uint8_t priorityField(unsigned exception) const { return priority_[exception]; }
    void setPriorityField(unsigned exception, std::uint8_t value);
    /// Effective priority: -3 Reset, -2 NMI, -1 HardFault, otherwise the programmed field.
    int priority(unsigned exception) const;
    /// Group priority under AIRCR.PRIGROUP.
    int groupPriority(unsigned exception) const;
    unsigned priorityGrouping() const { return prigroup_; }
    void setPriorityGrouping(unsigned prigroup) { prigroup_ = prigroup & 7; }

    // --- core side ---
    /// Execution priority from the active exceptions and the mask registers (B1.5.4).
    int executionPriority(bool primask, bool faultmask, std::uint8_t basepri) const;
    /// Same, ignoring one active exception (the one returning), for tail-chaining decisions.
    int executionPriorityWithout(unsigned returning, bool primask, bool faultmask, std::uint8_t basepri) const;
    /// The pending, enabled exception of highest priority, if any (ties: lowest number).
    std::optional<unsigned> highestPending() const;
    /// The exception to take now, if its group priority beats `execution_priority`.
    std::optional<unsigned> exceptionToTake(int execution_priority) const;
    /// True if some enabled exception is pending at all (WFI wake-up ignores PRIMASK).
    bool anyPendingEnabled() const { return highestPending().has_value(); }

    /// Exception entry: pending -> active.
    void activate(unsigned exception);
    /// Exception return: clears active; a level-sensitive line still high pends again.
    void deactivate(unsigned exception);
    /// Number of active exceptions (nesting depth).
    unsigned activeCount() const { return static_cast<unsigned>(active_.count()); }
    /// Lowest-numbered active exception with the highest priority, for ICSR.VECTACTIVE-like uses.
    std::optional<unsigned> highestActive() const;

    /// Called whenever pending/enabled state changes, so the core can re-check.
    std::function<void()> on_change;

    void reset();

private:
    bool isIrq(unsigned e) const { return e >= exc::kFirstIrq && e < kExceptionCount; }
    void changed() {
        if (on_change) on_change();
    }

    std::bitset<kExceptionCount> pending_;
    std::bitset<kExceptionCount> active_;
    std::bitset<kExceptionCount> enabled_;  // only IRQs use this; system exceptions see SHCSR
    std::array<std::uint8_t, kExceptionCount> priority_{};
    std::bitset<kIrqCount> level_;           // current line levels
    std::bitset<kIrqCount> level_sensitive_;
    unsigned prigroup_ = 0;
};

}  // namespace mt3620
