#include "periph/Eint.h"

#include <algorithm>

namespace mt3620 {

Eint::Eint(std::string name, PinBank& pins, IrqConfig& cfg, Scheduler& scheduler, Log& log)
    : name_(std::move(name)), pins_(pins), cfg_(cfg), scheduler_(scheduler), log_(log) {
    for (unsigned n = 0; n < kCount; ++n) {
        debounce_[n] = std::make_unique<EventTimer>(scheduler_, name_ + ".dbnc" + std::to_string(n),
                                                    [this, n] { onDebounced(n); });
        accepted_[n] = pins_.level(n);
    }
}

Eint::~Eint() = default;

Picos Eint::debounceTime(std::uint32_t dbnc_con) {
    const std::uint64_t count = dbnc_con & kCountMask;
    const unsigned prescaler = (dbnc_con & kPrescalerMask) >> kPrescalerShift;
    // count periods of a kDebounceBaseHz / 2^prescaler clock. [unknown] beyond CT-D's names:
    // whether the hardware also waits for the next clock edge is ignored.
    return cyclesToPicosCeil(count << prescaler, kDebounceBaseHz);
}

void Eint::pinChanged(unsigned pin, bool level, Picos time) {
    if (pin >= kCount) return;
    const std::uint32_t con = cfg_.debounceControl(pin);
    const Picos wait = (con & kEn) ? debounceTime(con) : 0;
    if (wait == 0) {
        // No debounce (count 0, or EINT disabled: the level is tracked so that enabling later
        // does not see a stale edge).
        debounce_[pin]->cancel();
        accept(pin, level);
        return;
    }
    // The new level must be stable for `wait`: every change restarts the wait. (`time` is the
    // PinBank's clock; never arm before the scheduler's present if the bank has none.)
    debounce_[pin]->armAt(std::max(time, scheduler_.now()) + wait);
}

void Eint::onDebounced(unsigned n) {
    // The level at the end of the wait; if it bounced back, accept() sees no change.
    accept(n, pins_.level(n));
}

void Eint::accept(unsigned n, bool level) {
    const bool previous = accepted_[n];
    accepted_[n] = level;
    if (previous == level) return;
    const std::uint32_t con = cfg_.debounceControl(n);
    if (!(con & kEn)) return;
    const bool match = (con & kDual) || (level == ((con & kPol) != 0));
    if (!match) return;
    log_.trace(name_, "EINT{} {} edge: IRQ {}", n, level ? "rising" : "falling", kFirstIrq + n);
    // An edge-type source: a pulse, which the NVIC latches as pending on its rising edge.
    irq[n].set(true);
    irq[n].set(false);
}

void Eint::reset() {
    for (unsigned n = 0; n < kCount; ++n) {
        debounce_[n]->cancel();
        accepted_[n] = pins_.level(n);
        irq[n].set(false);
    }
}

}  // namespace mt3620
