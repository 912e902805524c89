#pragma once
// The ARMv7-M SysTick timer (B3.3): a 24-bit down-counter clocked by the core clock. The
// count is computed from virtual time, never ticked; an EventTimer fires at each wrap to 0 to
// set COUNTFLAG and pend the SysTick exception when TICKINT is set.
#include <cstdint>
#include <functional>
#include <string>

#include "common/Log.h"
#include "machine/Scheduler.h"

namespace mt3620 {

class SysTick {
public:
    SysTick(std::string name, Scheduler& scheduler, Log& log, std::function<std::uint64_t()> core_hz);

    std::uint32_t readCsr();  // clears COUNTFLAG
    void writeCsr(std::uint32_t value);
    std::uint32_t readRvr() const { return rvr_; }
    void writeRvr(std::uint32_t value) { rvr_ = value & 0xFFFFFF; }
    std::uint32_t readCvr() const;
    void writeCvr(std::uint32_t);  // any write clears the counter and COUNTFLAG
    /// CALIB: NOREF = 1 (no separate reference clock on the IO M4: [unknown], see docs),
    /// SKEW = 1, TENMS = 0.
    std::uint32_t readCalib() const { return 0xC0000000u; }

    /// The core clock changed: keep the current count, continue at the new rate.
    void clockChanged();
    void reset();

    /// Called on each wrap to 0 with TICKINT set (pends exception 15).
    std::function<void()> on_tick;

private:
    void restart(std::uint32_t from_value);
    void schedule();
    void onWrap();
    std::uint64_t ticksSinceStart() const;

    std::string name_;
    Scheduler& scheduler_;
    Log& log_;
    std::function<std::uint64_t()> core_hz_;
    EventTimer timer_;
    std::uint32_t csr_ = 0;  // ENABLE b0, TICKINT b1, CLKSOURCE b2 (COUNTFLAG kept separately)
    std::uint32_t rvr_ = 0;
    bool countflag_ = false;
    // While enabled: the counter held `start_value_` at `start_time_`.
    Picos start_time_ = 0;
    std::uint32_t start_value_ = 0;
    std::uint64_t hz_ = 0;
    std::uint32_t stopped_value_ = 0;  // counter value while disabled
};

}  // namespace mt3620
