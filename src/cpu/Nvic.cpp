#include "cpu/Nvic.h"

namespace mt3620 {

Nvic::Nvic() { reset(); }

void Nvic::reset() {
    pending_.reset();
    active_.reset();
    enabled_.reset();
    priority_.fill(0);
    level_.reset();
    level_sensitive_.set();
    prigroup_ = 0;
    // NMI, HardFault, SVCall, PendSV, SysTick are always enabled; the configurable faults
    // (MemManage, BusFault, UsageFault) and DebugMonitor are enabled through SHCSR/DEMCR.
    for (unsigned e : {exc::kNmi, exc::kHardFault, exc::kSvCall, exc::kPendSv, exc::kSysTick}) enabled_.set(e);
}

void Nvic::setIrqLevel(unsigned irq, bool level) {
    if (irq >= kIrqCount) return;
    bool rising = level && !level_[irq];
    level_[irq] = level;
    if (rising) setPending(exc::kFirstIrq + irq);
}

void Nvic::setLevelSensitive(unsigned irq, bool level_sensitive) {
    if (irq < kIrqCount) level_sensitive_[irq] = level_sensitive;
}

bool Nvic::enabled(unsigned e) const { return e < kExceptionCount && enabled_[e]; }

void Nvic::setEnabled(unsigned e, bool on) {
    if (e >= kExceptionCount || enabled_[e] == on) return;
    enabled_[e] = on;
    changed();
}

void Nvic::setPending(unsigned e) {
    if (e >= kExceptionCount) return;
    pending_[e] = true;
    changed();
}

void Nvic::clearPending(unsigned e) {
    if (e >= kExceptionCount) return;
    pending_[e] = false;
    // A level-sensitive interrupt whose line is still asserted pends again at once.
    if (isIrq(e) && level_sensitive_[e - exc::kFirstIrq] && level_[e - exc::kFirstIrq]) pending_[e] = true;
    changed();
}

void Nvic::setPriorityField(unsigned e, std::uint8_t value) {
    if (e >= kExceptionCount || e <= exc::kHardFault) return;  // fixed priorities
    priority_[e] = value & kPriorityMask;
    changed();
}

int Nvic::priority(unsigned e) const {
    if (e == exc::kReset) return -3;
    if (e == exc::kNmi) return -2;
    if (e == exc::kHardFault) return -1;
    return priority_[e];
}

int Nvic::groupPriority(unsigned e) const {
    int p = priority(e);
    if (p < 0) return p;
    // PRIGROUP n: bits [7:n+1] are the group priority, bits [n:0] the subpriority.
    int sub_mask = (2 << prigroup_) - 1;
    return p & ~sub_mask;
}

int Nvic::executionPriorityWithout(unsigned returning, bool primask, bool faultmask, std::uint8_t basepri) const {
    int highest = kThreadPriority;
    for (unsigned e = 1; e < kExceptionCount; ++e)
        if (active_[e] && e != returning) highest = std::min(highest, groupPriority(e));
    if (basepri & kPriorityMask) {
        int sub_mask = (2 << prigroup_) - 1;
        highest = std::min(highest, static_cast<int>(basepri & kPriorityMask) & ~sub_mask);
    }
    if (primask) highest = std::min(highest, 0);
    if (faultmask) highest = std::min(highest, -1);
    return highest;
}

int Nvic::executionPriority(bool primask, bool faultmask, std::uint8_t basepri) const {
    return executionPriorityWithout(kExceptionCount, primask, faultmask, basepri);
}

std::optional<unsigned> Nvic::highestPending() const {
    std::optional<unsigned> best;
    for (unsigned e = 1; e < kExceptionCount; ++e) {
        if (!pending_[e] || !enabled_[e]) continue;
        // Lower priority value wins; between equal priorities the lower exception number.
        if (!best || priority(e) < priority(*best)) best = e;
    }
    return best;
}

std::optional<unsigned> Nvic::exceptionToTake(int execution_priority) const {
    auto e = highestPending();
    if (e && groupPriority(*e) < execution_priority) return e;
    return std::nullopt;
}

void Nvic::activate(unsigned e) {
    if (e >= kExceptionCount) return;
    pending_[e] = false;
    active_[e] = true;
}

void Nvic::deactivate(unsigned e) {
    if (e >= kExceptionCount) return;
    active_[e] = false;
    if (isIrq(e) && level_sensitive_[e - exc::kFirstIrq] && level_[e - exc::kFirstIrq]) pending_[e] = true;
    changed();
}

std::optional<unsigned> Nvic::highestActive() const {
    std::optional<unsigned> best;
    for (unsigned e = 1; e < kExceptionCount; ++e)
        if (active_[e] && (!best || priority(e) < priority(*best))) best = e;
    return best;
}

}  // namespace mt3620
