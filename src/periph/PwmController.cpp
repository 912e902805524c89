#include "periph/PwmController.h"

#include <fmt/format.h>

namespace mt3620 {

namespace {

constexpr std::uint32_t kGloCtrlMask = 0x0000'FFFEu;  // b0 is a strobe; b[31:16] reserved
constexpr std::uint32_t kCtrlMask = 0xFFFF'FF3Fu;     // b[7:6] reserved
constexpr std::uint32_t kStayMask = 0xFFF;
constexpr unsigned kDpSelShift = 8;
// Finding the next edge takes at most a few segments (two constant states of the same level are
// folded into one at the kick); this bound only guards against a generator bug.
constexpr unsigned kMaxSegmentsPerEdge = 16;

}  // namespace

PwmController::PwmController(std::string name, unsigned index, PinBank& pins, Scheduler& scheduler,
                             Log& log)
    : RegisterBlock(std::move(name), kSize), index_(index), pins_(pins), scheduler_(scheduler), log_(log) {
    if (index_ >= kControllers) {
        log_.warn(this->name(), "PWM controller index {} out of range 0-2: using 2", index_);
        index_ = kControllers - 1;
    }
    // PWM_GLO_CTRL (reference §4.2). global_kick (b0) acts on a write of 1 and reads back 0;
    // the other bits are stored. The tick clock is latched by each channel when it is kicked.
    glo_ctrl_ = &define(kGloCtrl, "PWM_GLO_CTRL", kGloCtrlReset).mask(kGloCtrlMask)
        .onWrite([this](std::uint32_t stored, std::uint32_t written) {
            for (unsigned k = 0; k < kChannels; ++k) {
                unsigned sel = (stored >> (kDpSelShift + 2 * k)) & 0x3;
                if (sel != k)
                    log_.warnOnce(this->name() + ".dp_sel", this->name(),
                                  "PWM_GLO_CTRL dp_sel (differential output) is stored but not modelled: "
                                  "each pad follows its own channel");
            }
            if (stored & (1u << 3))
                log_.warnOnce(this->name() + ".glo_rst", this->name(),
                              "PWM_GLO_CTRL global reset (b3) is stored and has no effect");
            if (written & kGlobalKick) globalKick();
        });

    for (unsigned k = 0; k < kChannels; ++k) {
        auto c = std::make_unique<Channel>(scheduler, fmt::format("{}.pwm{}", this->name(), k),
                                           [this, k] { onEdge(*channels_[k]); });
        Channel* ch = c.get();
        ch->k = k;
        ch->ctrl = &define(ctrlOffset(k), fmt::format("PWM{}_CTRL", k), kCtrlReset).mask(kCtrlMask)
            .onWrite([this, ch](std::uint32_t, std::uint32_t) { writeCtrl(*ch); });
        // The parameters take effect at the next kick.
        ch->s0 = &define(paramS0Offset(k), fmt::format("PWM{}_PARAM_S0", k));
        ch->s1 = &define(paramS1Offset(k), fmt::format("PWM{}_PARAM_S1", k));
        channels_[k] = std::move(c);
    }
}

void PwmController::onReset() {
    for (auto& c : channels_) stop(*c);
}

PwmController::ChannelState PwmController::channel(unsigned k) const {
    ChannelState s;
    if (k >= kChannels) return s;
    const Channel& c = *channels_[k];
    if (!c.running) return s;
    s.running = true;
    const Params& p = c.params[0];
    s.duty = static_cast<double>(p.on) / static_cast<double>(p.period());
    s.period = cyclesToPicos(p.period(), c.hz);
    s.inverted = c.polarity;
    return s;
}

std::uint64_t PwmController::tickHz() {
    switch ((glo_ctrl_->value & kTickSelMask) >> kTickSelShift) {
    case 0: return k32kHz;
    case 1: return k2MHz;
    case 2: return kXtalHz;
    default:
        // [unknown] Value 3 is not documented (reference §4.2).
        log_.warnOnce(name() + ".ticksel3", name(),
                      "PWM_GLO_CTRL tick clock select 3 is undocumented: using the 26 MHz XTAL");
        return kXtalHz;
    }
}

// --- Control -----------------------------------------------------------------------------------

void PwmController::writeCtrl(Channel& c) {
    // kick (b0) loads the parameters and starts the channel; it is a stored level, so every
    // write with kick = 1 and clock_en = 1 restarts the waveform, and a write with either of them
    // 0 stops it and hands the pad back to the GPIO block.
    const std::uint32_t ctrl = c.ctrl->value;
    if ((ctrl & kKick) && (ctrl & kClockEn)) start(c);
    else stop(c);
}

void PwmController::globalKick() {
    // Kicks every channel that has global_kick_enable and its clock, whatever its kick bit.
    for (auto& c : channels_) {
        const std::uint32_t ctrl = c->ctrl->value;
        if ((ctrl & kGlobalKickEnable) && (ctrl & kClockEn)) start(*c);
    }
}

void PwmController::start(Channel& c) {
    const std::uint32_t ctrl = c.ctrl->value;
    c.edge.cancel();
    c.hz = tickHz();
    c.polarity = ctrl & kPolarity;
    c.replay = ctrl & kReplay;
    c.params[0] = {c.s0->value & 0xFFFF, c.s0->value >> 16};
    c.params[1] = {c.s1->value & 0xFFFF, c.s1->value >> 16};
    c.stay[0] = (ctrl >> kS0StayShift) & kStayMask;
    c.stay[1] = (ctrl >> kS1StayShift) & kStayMask;
    if (ctrl & kIoCtrl)
        log_.warnOnce(name() + ".opendrain", name(),
                      "PWM io_ctrl = 1 (open drain) is modelled as push-pull");

    if (c.params[0].period() == 0) {
        // on = off = 0: nothing to output.
        log_.debug(name(), "PWM{} kicked with on-time = off-time = 0: disabled", c.k);
        stop(c);
        return;
    }
    if (c.stay[0] == 0) {
        // Microsoft's driver reports a channel with S0_stay_cycle = 0 as disabled.
        log_.debug(name(), "PWM{} kicked with S0_stay_cycle = 0: disabled", c.k);
        stop(c);
        return;
    }
    c.two_state = c.stay[1] > 0 && c.params[1].period() > 0;
    if (c.stay[1] > 0 && c.params[1].period() == 0)
        log_.debug(name(), "PWM{}: S1_stay_cycle {} with S1 on = off = 0; S1 ignored", c.k, c.stay[1]);
    if (c.two_state && c.replay && c.params[0].constant() && c.params[1].constant() &&
        (c.params[0].on != 0) == (c.params[1].on != 0))
        c.two_state = false;  // both states hold the same constant level: never an edge

    c.origin = scheduler_.now();
    c.state = 0;
    c.periods = 0;
    c.off_half = false;
    c.running = true;

    const Segment first = nextSegment(c);
    c.level = first.level;
    c.level_end = first.length;
    log_.debug(name(), "PWM{} (GPIO{}) kicked: S0 on {} off {} ticks at {} Hz{}{}", c.k, pin(c.k),
               c.params[0].on, c.params[0].off, c.hz, c.polarity ? ", inverted" : "",
               c.two_state ? fmt::format(", S1 on {} off {} (stay {}/{}{})", c.params[1].on,
                                         c.params[1].off, c.stay[0], c.stay[1],
                                         c.replay ? ", replay" : "")
                           : std::string{});
    pins_.setPwmOutput(pin(c.k), true, c.level);
    scheduleNextEdge(c);
}

void PwmController::stop(Channel& c) {
    c.edge.cancel();
    if (c.running) log_.debug(name(), "PWM{} (GPIO{}) stopped", c.k, pin(c.k));
    c.running = false;
    // The inactive level, for completeness; the pad goes back to the GPIO block either way.
    pins_.setPwmOutput(pin(c.k), false, (c.ctrl->value & kPolarity) != 0);
}

// --- Waveform ----------------------------------------------------------------------------------

void PwmController::enterNextState(Channel& c) {
    // Replay: S0 -> S1 -> S0 ...; otherwise S0 -> S1, and S1 lasts for ever.
    c.state = c.replay ? c.state ^ 1u : 1u;
    c.periods = 0;
    c.off_half = false;
}

PwmController::Segment PwmController::nextSegment(Channel& c) {
    const Params& p = c.params[c.state];
    const bool terminal = !c.two_state || (!c.replay && c.state == 1);
    if (p.constant()) {
        // on = 0: inactive (low) for the whole state; off = 0: active (high).
        const bool level = (p.on != 0) != c.polarity;
        if (terminal) return {level, kForever};
        Segment seg{level, std::uint64_t{c.stay[c.state] - c.periods} * p.period()};
        enterNextState(c);
        return seg;
    }
    if (!c.off_half) {
        c.off_half = true;
        return {!c.polarity, p.on};
    }
    c.off_half = false;
    Segment seg{c.polarity, p.off};
    if (!terminal && ++c.periods >= c.stay[c.state]) enterNextState(c);
    return seg;
}

void PwmController::scheduleNextEdge(Channel& c) {
    // Merge segments of the same level, so an event is armed only where the pad changes.
    std::uint64_t tick = c.level_end;
    for (unsigned i = 0; i < kMaxSegmentsPerEdge; ++i) {
        if (tick == kForever) return;  // constant from here on
        const Segment seg = nextSegment(c);
        if (seg.level != c.level) {
            c.pending = seg;
            c.pending_tick = tick;
            c.edge.armAt(c.origin + cyclesToPicosCeil(tick, c.hz));
            return;
        }
        tick = seg.length == kForever ? kForever : tick + seg.length;
    }
    log_.warn(name(), "PWM{}: no edge found in {} segments; output held", c.k, kMaxSegmentsPerEdge);
}

void PwmController::onEdge(Channel& c) {
    if (!c.running) return;
    c.level = c.pending.level;
    c.level_end = c.pending.length == kForever ? kForever : c.pending_tick + c.pending.length;
    pins_.setPwmOutput(pin(c.k), true, c.level);
    scheduleNextEdge(c);
}

}  // namespace mt3620
