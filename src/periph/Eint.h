#pragma once
// External interrupts EINT0-23 on GPIO0-23 (reference §4.10 DBNC_CON, §3: EINT n → IRQ 20+n).
//
// The EINT block has no registers of its own: its settings are DBNC_CON[n] in the IRQ
// configuration block (IrqConfig::debounceControl): b[3:0] debounce count, b[6:4] prescaler,
// b7 DUAL (both edges), b8 POL (1 = rising/high), b9 EN.
//
// It listens to the PinBank. A change of GPIO n's pad is first debounced: with count > 0 the
// new level must stay unchanged for count × prescaler period before it is accepted (one
// EventTimer per EINT, re-armed on every change); with count 0 it is accepted at once. An
// accepted change that matches the trigger (DUAL: either edge; else POL=1 rising, POL=0
// falling) while EN is set is an interrupt: irq[n] pulses high then low, and the NVIC latches
// the rising edge as pending. Level-triggered operation is not modelled (docs/peripherals.md).
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/IrqConfig.h"
#include "periph/PinBank.h"
#include "periph/Signals.h"

namespace mt3620 {

class Eint : public PinListener {
public:
    static constexpr unsigned kCount = 24;      // EINT0..23 = GPIO0..23
    static constexpr unsigned kFirstIrq = 20;   // EINT n → NVIC IRQ 20+n (reference §3)

    // DBNC_CON fields (reference §4.10).
    static constexpr std::uint32_t kCountMask = 0xF;
    static constexpr unsigned kPrescalerShift = 4;
    static constexpr std::uint32_t kPrescalerMask = 0x7u << kPrescalerShift;
    static constexpr std::uint32_t kDual = 1u << 7;
    static constexpr std::uint32_t kPol = 1u << 8;
    static constexpr std::uint32_t kEn = 1u << 9;

    /// Debounce clock for prescaler 0: 8 kHz; prescaler p divides it by 2^p (CT-D GPIO.h
    /// gpio_eint_dbnc_freq_e: 8 kHz, 4 kHz, ... 62.5 Hz).
    static constexpr std::uint64_t kDebounceBaseHz = 8000;

    Eint(std::string name, PinBank& pins, IrqConfig& cfg, Scheduler& scheduler, Log& log);
    ~Eint() override;

    /// The machine connects irq[n] to IRQ 20+n of each NVIC.
    std::array<IrqLine, kCount> irq;

    /// PinListener: GPIO `pin` changed to `level` at `time`. Pins >= 24 are ignored.
    void pinChanged(unsigned pin, bool level, Picos time) override;

    /// Cancels pending debounce timers and takes each pad's current level as accepted.
    void reset();

    /// How long a new level must be stable for a DBNC_CON value: count × 2^prescaler / 8 kHz
    /// (0 when the count is 0).
    static Picos debounceTime(std::uint32_t dbnc_con);

    /// The last level of GPIO n that passed the debounce filter.
    bool acceptedLevel(unsigned n) const { return n < kCount && accepted_[n]; }

    const std::string& name() const { return name_; }

private:
    void accept(unsigned n, bool level);
    void onDebounced(unsigned n);

    std::string name_;
    PinBank& pins_;
    IrqConfig& cfg_;
    Scheduler& scheduler_;
    Log& log_;
    std::array<bool, kCount> accepted_{};
    std::array<std::unique_ptr<EventTimer>, kCount> debounce_;
};

}  // namespace mt3620
