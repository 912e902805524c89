#include "cpu/SysTick.h"

namespace mt3620 {

namespace {
constexpr std::uint32_t kEnable = 1u << 0;
constexpr std::uint32_t kTickInt = 1u << 1;
constexpr std::uint32_t kClkSource = 1u << 2;
constexpr std::uint32_t kCountFlag = 1u << 16;
}  // namespace

SysTick::SysTick(std::string name, Scheduler& scheduler, Log& log, std::function<std::uint64_t()> core_hz)
    : name_(std::move(name)), scheduler_(scheduler), log_(log), core_hz_(std::move(core_hz)),
      timer_(scheduler, name_ + ".wrap", [this] { onWrap(); }) {}

void SysTick::reset() {
    timer_.cancel();
    csr_ = 0;
    rvr_ = 0;
    countflag_ = false;
    stopped_value_ = 0;
}

std::uint64_t SysTick::ticksSinceStart() const {
    Picos now = scheduler_.now();
    return now > start_time_ ? picosToCycles(now - start_time_, hz_) : 0;
}

std::uint32_t SysTick::readCvr() const {
    if (!(csr_ & kEnable)) return stopped_value_;
    std::uint64_t n = ticksSinceStart();
    if (n <= start_value_) return static_cast<std::uint32_t>(start_value_ - n);
    if (rvr_ == 0) return 0;
    // Past the first zero: a reload to RVR on the next tick, then RVR ticks down to 0 again.
    std::uint64_t m = n - start_value_;
    return rvr_ - static_cast<std::uint32_t>((m - 1) % (static_cast<std::uint64_t>(rvr_) + 1));
}

void SysTick::writeCvr(std::uint32_t) {
    countflag_ = false;
    if (csr_ & kEnable) restart(0);
    else stopped_value_ = 0;
}

std::uint32_t SysTick::readCsr() {
    std::uint32_t v = csr_ | (countflag_ ? kCountFlag : 0);
    countflag_ = false;
    return v;
}

void SysTick::writeCsr(std::uint32_t value) {
    bool was_enabled = csr_ & kEnable;
    std::uint32_t current = readCvr();
    csr_ = value & (kEnable | kTickInt | kClkSource);
    if (!(csr_ & kClkSource) && (csr_ & kEnable))
        log_.warnOnce(name_ + ".clksource", name_,
                      "CLKSOURCE = 0 (external reference) selected; the IO M4 reference clock is unknown, "
                      "counting at the core clock");
    if (csr_ & kEnable) {
        if (!was_enabled) restart(current);
        else schedule();
    } else {
        timer_.cancel();
        stopped_value_ = current;
    }
}

void SysTick::restart(std::uint32_t from_value) {
    hz_ = core_hz_();
    start_time_ = scheduler_.now();
    start_value_ = from_value;
    schedule();
}

void SysTick::schedule() {
    // Next wrap to 0: after start_value_ ticks, then every RVR + 1 ticks.
    if (hz_ == 0) return;
    std::uint64_t n = ticksSinceStart();
    std::uint64_t next;
    if (n < start_value_) next = start_value_;
    else if (rvr_ == 0) { timer_.cancel(); return; }
    else {
        std::uint64_t period = static_cast<std::uint64_t>(rvr_) + 1;
        next = start_value_ + ((n - start_value_) / period + 1) * period;
    }
    timer_.armAt(start_time_ + cyclesToPicosCeil(next, hz_));
}

void SysTick::onWrap() {
    countflag_ = true;
    if ((csr_ & kTickInt) && on_tick) on_tick();
    schedule();
}

void SysTick::clockChanged() {
    if (!(csr_ & kEnable)) return;
    std::uint32_t current = readCvr();
    hz_ = core_hz_();
    start_time_ = scheduler_.now();
    // Continue from the current count; when it is already 0 the next reload comes next tick.
    start_value_ = current;
    schedule();
}

}  // namespace mt3620
