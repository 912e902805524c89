#include "periph/GptTimer.h"

#include <numeric>

#include <algorithm>

namespace mt3620 {

namespace {

// Control bits (reference §4.8).
constexpr std::uint32_t kEn = 1u << 0;
constexpr std::uint32_t kGpt01Repeat = 1u << 1;       // MODE: 0 one-shot, 1 repeat
constexpr std::uint32_t kGpt01Speed32k = 1u << 2;     // SPEED: 1 = 32768 Hz, 0 = 32768/33 Hz
constexpr std::uint32_t kGpt01CtrlMask = 0xF;         // EN, MODE, SPEED, RESTART/"auto clear"
constexpr std::uint32_t kGpt24Speed = 1u << 1;        // GPT2: 32 kHz; GPT4: full CPU clock
constexpr std::uint32_t kGpt3Iclr = 1u << 15;
constexpr unsigned kGpt3OscShift = 16;
constexpr std::uint32_t kGpt3OscMask = 0x3Fu << kGpt3OscShift;
constexpr std::uint32_t kGpt3CtrlReset = 0x19u << kGpt3OscShift;  // OSC_CNT_1US = 0x19: 1 MHz

constexpr std::uint64_t kWrap = std::uint64_t{1} << 32;

}  // namespace

// --- Timebase ----------------------------------------------------------------------------------

std::uint64_t GptTimer::Timebase::ticksAt(Picos t) const {
    if (t <= origin || num == 0) return 0;
    const std::uint64_t elapsed = t - origin;
    // Hot path (busy-waits read GPT3_CNT): reduce num / (den * 1e12) once, then 64-bit math.
    if (cached_num != num || cached_den != den) {
        const unsigned __int128 full_den = static_cast<unsigned __int128>(den) * kPicosPerSecond;
        const std::uint64_t g = std::gcd(num, static_cast<std::uint64_t>(full_den % num));  // = gcd(num, full_den)
        const unsigned __int128 rden = full_den / g;
        reduced_num = num / g;
        reduced_den = rden <= ~std::uint64_t{0} ? static_cast<std::uint64_t>(rden) : 0;
        cached_num = num;
        cached_den = den;
    }
    if (reduced_den != 0 && elapsed <= ~std::uint64_t{0} / reduced_num) return elapsed * reduced_num / reduced_den;
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(elapsed) * num /
                                      (static_cast<unsigned __int128>(den) * kPicosPerSecond));
}

Picos GptTimer::Timebase::timeOfTick(std::uint64_t n) const {
    if (num == 0) return kNever;
    auto scaled = static_cast<unsigned __int128>(n) * den * kPicosPerSecond;
    auto delay = (scaled + num - 1) / num;  // ceil: the tick has happened at that time
    if (delay >= kNever - origin) return kNever;
    return origin + static_cast<Picos>(delay);
}

void GptTimer::UpCounter::start(Picos now, std::uint32_t from, Timebase rate) {
    running = true;
    start_count = from;
    clock = rate;
    clock.origin = now;
}

void GptTimer::UpCounter::stop(Picos now) {
    stopped_count = countAt(now);
    running = false;
}

void GptTimer::UpCounter::rebase(Picos now, Timebase rate) {
    if (!running) return;
    start(now, countAt(now), rate);
}

// --- Construction ------------------------------------------------------------------------------

GptTimer::GptTimer(std::string name, Scheduler& scheduler, Log& log,
                   std::function<std::uint64_t()> cpu_hz)
    : RegisterBlock(std::move(name), kSize),
      scheduler_(scheduler),
      log_(log),
      cpu_hz_(std::move(cpu_hz)),
      gpt0_(scheduler, this->name() + ".gpt0", [this] { onDownExpired(gpt0_); }),
      gpt1_(scheduler, this->name() + ".gpt1", [this] { onDownExpired(gpt1_); }),
      gpt3_timer_(scheduler, this->name() + ".gpt3", [this] { onGpt3Expired(); }) {
    // GPT_ISR: status latches whether or not IER enables it ([unknown], see peripherals.md);
    // software clears bits by writing 1 (MS writes back what it read).
    define(kIsr, "GPT_ISR").readOnly()
        .onRead([this](std::uint32_t) { return isr_; })
        .onWrite([this](std::uint32_t, std::uint32_t written) {
            isr_ &= ~written;
            updateIrq01();
        });
    ier_ = &define(kIer, "GPT_IER").mask(0x3).onWrite([this](std::uint32_t, std::uint32_t) { updateIrq01(); });

    gpt0_.isr_bit = 1u << 0;
    gpt1_.isr_bit = 1u << 1;
    defineDownCounter(gpt0_, kGpt0Ctrl, kGpt0Icnt, kGpt0Cnt, "GPT0");
    defineDownCounter(gpt1_, kGpt1Ctrl, kGpt1Icnt, kGpt1Cnt, "GPT1");

    gpt2_ctrl_ = &define(kGpt2Ctrl, "GPT2_CTRL").mask(kEn | kGpt24Speed)
        .onWrite([this](std::uint32_t stored, std::uint32_t) {
            Picos now = scheduler_.now();
            bool en = stored & kEn;
            if (en && !gpt2_.running) gpt2_.start(now, gpt2_.stopped_count, gpt2Rate(stored));
            else if (!en && gpt2_.running) gpt2_.stop(now);
            else if (en && !gpt2_.clock.sameRate(gpt2Rate(stored))) gpt2_.rebase(now, gpt2Rate(stored));
        });
    // GPT2_CNT is written to set the start value, running or not.
    define(kGpt2Cnt, "GPT2_CNT").readOnly()
        .onRead([this](std::uint32_t) { return gpt2_.countAt(scheduler_.now()); })
        .onWrite([this](std::uint32_t, std::uint32_t written) {
            if (gpt2_.running) gpt2_.start(scheduler_.now(), written, gpt2_.clock);
            else gpt2_.stopped_count = written;
        });

    gpt3_ctrl_ = &define(kGpt3Ctrl, "GPT3_CTRL", kGpt3CtrlReset).mask(kEn | kGpt3Iclr | kGpt3OscMask)
        .onWrite([this](std::uint32_t stored, std::uint32_t written) { writeGpt3Ctrl(stored, written); });
    gpt3_init_ = &define(kGpt3Init, "GPT3_INIT");  // used at the next enable
    define(kGpt3Cnt, "GPT3_CNT").readOnly()
        .onRead([this](std::uint32_t) { return gpt3_.countAt(scheduler_.now()); });
    gpt3_expire_ = &define(kGpt3Expire, "GPT3_EXPIRE").onWrite([this](std::uint32_t, std::uint32_t) {
        if (gpt3_.running) armGpt3Expire();
    });

    gpt4_ctrl_ = &define(kGpt4Ctrl, "GPT4_CTRL").mask(kEn | kGpt24Speed)
        .onWrite([this](std::uint32_t stored, std::uint32_t) {
            Picos now = scheduler_.now();
            bool en = stored & kEn;
            if (en && !gpt4_.running) gpt4_.start(now, gpt4_init_->value, gpt4Rate(stored));
            else if (!en && gpt4_.running) gpt4_.stop(now);
            else if (en && !gpt4_.clock.sameRate(gpt4Rate(stored))) gpt4_.rebase(now, gpt4Rate(stored));
        });
    gpt4_init_ = &define(kGpt4Init, "GPT4_INIT");
    define(kGpt4Cnt, "GPT4_CNT").readOnly()
        .onRead([this](std::uint32_t) { return gpt4_.countAt(scheduler_.now()); });
}

void GptTimer::defineDownCounter(DownCounter& d, std::uint32_t ctrl_offset, std::uint32_t icnt_offset,
                                 std::uint32_t cnt_offset, const char* prefix) {
    std::string p = prefix;
    d.ctrl = &define(ctrl_offset, p + "_CTRL").mask(kGpt01CtrlMask)
        .onWrite([this, &d](std::uint32_t, std::uint32_t) { writeDownCtrl(d); });
    // A new ICNT takes effect at the next start or repeat reload.
    d.icnt = &define(icnt_offset, p + "_ICNT");
    define(cnt_offset, p + "_CNT").readOnly()
        .onRead([this, &d](std::uint32_t) { return downCount(d, scheduler_.now()); });
}

void GptTimer::onReset() {
    for (DownCounter* d : {&gpt0_, &gpt1_}) {
        d->expiry.cancel();
        d->running = false;
        d->stopped_count = 0;
    }
    gpt2_ = gpt3_ = gpt4_ = UpCounter{};
    gpt3_timer_.cancel();
    gpt3_pending_ = false;
    isr_ = 0;
    irq_gpt3.set(false);
    updateIrq01();
}

// --- Rates -------------------------------------------------------------------------------------

GptTimer::Timebase GptTimer::gpt01Rate(std::uint32_t ctrl) const {
    return {0, k32kHz, (ctrl & kGpt01Speed32k) ? 1 : kSlowDivider};
}

GptTimer::Timebase GptTimer::gpt2Rate(std::uint32_t ctrl) const {
    return {0, k32kHz, (ctrl & kGpt24Speed) ? 1 : kSlowDivider};
}

GptTimer::Timebase GptTimer::gpt3Rate(std::uint32_t ctrl) const {
    return {0, kOscHz, ((ctrl & kGpt3OscMask) >> kGpt3OscShift) + 1};
}

GptTimer::Timebase GptTimer::gpt4Rate(std::uint32_t ctrl) const {
    // [conflict] reference §4.8: CT-D says SPEED 1 = CPU clock, 0 = CPU/2; MTK's names suggest
    // the opposite. CT's reading is used.
    return {0, cpu_hz_ ? cpu_hz_() : 0, (ctrl & kGpt24Speed) ? 1u : 2u};
}

void GptTimer::cpuClockChanged() {
    gpt4_.rebase(scheduler_.now(), gpt4Rate(gpt4_ctrl_->value));
}

// --- GPT0 / GPT1 -------------------------------------------------------------------------------

void GptTimer::writeDownCtrl(DownCounter& d) {
    const Picos now = scheduler_.now();
    const std::uint32_t ctrl = d.ctrl->value;
    const Timebase rate = gpt01Rate(ctrl);
    if ((ctrl & kEn) && !d.running) {
        // EN from 0 to 1, or EN written 1 again after a one-shot expired: count from ICNT.
        d.running = true;
        d.clock = rate;
        d.clock.origin = now;
        d.segment_tick = 0;
        d.segment_count = d.icnt->value;
        armDown(d);
    } else if (!(ctrl & kEn) && d.running) {
        d.stopped_count = downCount(d, now);
        d.running = false;
        d.expiry.cancel();
    } else if (d.running && !d.clock.sameRate(rate)) {
        // SPEED changed while counting: continue from the current count at the new rate.
        d.segment_count = downCount(d, now);
        d.segment_tick = 0;
        d.clock = rate;
        d.clock.origin = now;
        armDown(d);
    }
}

std::uint32_t GptTimer::downCount(const DownCounter& d, Picos now) const {
    if (!d.running) return d.stopped_count;
    const std::uint64_t ticks = d.clock.ticksAt(now);
    const std::uint64_t elapsed = ticks > d.segment_tick ? ticks - d.segment_tick : 0;
    if (elapsed < d.segment_count) return static_cast<std::uint32_t>(d.segment_count - elapsed);
    // Past the expiry, before its event has fired (a read late in a core's quantum).
    if (!(d.ctrl->value & kGpt01Repeat)) return 0;
    const std::uint64_t period = std::max<std::uint32_t>(d.icnt->value, 1);
    return static_cast<std::uint32_t>(period - (elapsed - d.segment_count) % period);
}

void GptTimer::armDown(DownCounter& d) {
    Picos at = d.clock.timeOfTick(d.segment_tick + d.segment_count);
    if (at == kNever) d.expiry.cancel();
    else d.expiry.armAt(at);
}

void GptTimer::onDownExpired(DownCounter& d) {
    isr_ |= d.isr_bit;
    updateIrq01();
    if (d.ctrl->value & kGpt01Repeat) {
        // Reload ICNT and keep counting. Ticks are counted from the start, so periods never
        // drift by rounding.
        d.segment_tick += d.segment_count;
        d.segment_count = d.icnt->value;
        if (d.segment_count == 0) {
            // [unknown] A zero reload would interrupt endlessly at one instant; use one tick.
            d.segment_count = 1;
            if (!logged_zero_period_) {
                logged_zero_period_ = true;
                log_.debug(name(), "repeat timer with ICNT 0: using a period of one tick");
            }
        }
        armDown(d);
    } else {
        // One-shot: stop at 0. EN stays set ([unknown]; all drivers clear EN before re-arming).
        d.running = false;
        d.stopped_count = 0;
    }
}

void GptTimer::updateIrq01() { irq_gpt01.set((isr_ & ier_->value & 0x3) != 0); }

// --- GPT3 --------------------------------------------------------------------------------------

void GptTimer::writeGpt3Ctrl(std::uint32_t stored, std::uint32_t written) {
    const Picos now = scheduler_.now();
    // ICLR acts on a write of 1 (MTK pulses it 1 then 0; CT-D leaves it set and writes it again
    // with every read-modify-write), so it is a strobe, not a level that masks the interrupt.
    if (written & kGpt3Iclr) {
        gpt3_pending_ = false;
        irq_gpt3.set(false);
    }
    const bool en = stored & kEn;
    const Timebase rate = gpt3Rate(stored);
    if (en && !gpt3_.running) {
        gpt3_.start(now, gpt3_init_->value, rate);
        armGpt3Expire();
    } else if (!en && gpt3_.running) {
        gpt3_.stop(now);
        gpt3_timer_.cancel();
    } else if (en && !gpt3_.clock.sameRate(rate)) {
        gpt3_.rebase(now, rate);  // OSC_CNT_1US changed while counting
        armGpt3Expire();
    }
}

void GptTimer::armGpt3Expire() {
    // The interrupt comes on the tick that makes CNT equal EXPIRE. If CNT already equals
    // EXPIRE (INIT = EXPIRE = 0, as in MS's busy-wait code), that is one full wrap away.
    const std::uint64_t now_tick = gpt3_.clock.ticksAt(scheduler_.now());
    const std::uint32_t count = static_cast<std::uint32_t>(gpt3_.start_count + now_tick);
    std::uint64_t distance = static_cast<std::uint32_t>(gpt3_expire_->value - count);
    if (distance == 0) distance = kWrap;
    gpt3_expire_tick_ = now_tick + distance;
    Picos at = gpt3_.clock.timeOfTick(gpt3_expire_tick_);
    if (at == kNever) gpt3_timer_.cancel();
    else gpt3_timer_.armAt(at);
}

void GptTimer::onGpt3Expired() {
    gpt3_pending_ = true;
    irq_gpt3.set(true);
    // The counter runs on; it matches EXPIRE again after a full 32-bit wrap.
    gpt3_expire_tick_ += kWrap;
    Picos at = gpt3_.clock.timeOfTick(gpt3_expire_tick_);
    if (at != kNever) gpt3_timer_.armAt(at);
}

}  // namespace mt3620
