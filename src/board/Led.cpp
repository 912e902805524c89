#include "board/Led.h"

#include <fmt/format.h>

#include <cmath>

#include "common/Log.h"

namespace mt3620 {

namespace {
const std::string kPinRange = fmt::format("GPIO 0-{}", PinBank::kPinCount - 1);
}

LedSpec Led::parse(FieldReader& fields) {
    LedSpec spec;
    spec.pin = fields.index("pin", PinBank::kPinCount - 1, kPinRange);
    spec.active_low = !fields.level("active", /*default_high=*/true);
    return spec;
}

std::vector<ResourceClaim> Led::claims(const Spec& spec) {
    std::string pin = fmt::format("pin {}", spec.pin);
    return {{pin, pin, /*exclusive=*/false, "pin"}};
}

Led::Led(const Spec& spec, BoardWiring& wiring)
    : BoardDevice(spec.name), pin_(spec.pin), active_low_(spec.active_low), log_(wiring.log),
      on_(wiring.pins.level(spec.pin) != spec.active_low) {
    wiring.pins.addListener(this);
}

void Led::pinChanged(unsigned pin, bool level, Picos time) {
    if (pin != pin_) return;
    bool on = level != active_low_;
    if (on == on_) return;
    const Picos previous = last_change_;
    const bool had_change = changes_ > 0;
    on_ = on;
    ++changes_;
    last_change_ = time;
    if (pwm_ && had_change && time - previous >= kPwmThreshold) {
        pwm_ = false;  // the fast waveform ended
        last_on_edge_ = last_off_edge_ = kNever;
        reported_duty_ = -1;
        log_.info(name(), "PWM stopped");
    }
    if (!pwm_) log_.info(name(), "{}", on ? "on" : "off");
    measure(on, time);
}

void Led::measure(bool on, Picos time) {
    // A full period ends at each turn-on edge: lit from the previous turn-on to the turn-off.
    if (on) {
        if (last_on_edge_ != kNever && last_off_edge_ != kNever && last_off_edge_ > last_on_edge_ &&
            time - last_on_edge_ < kPwmThreshold) {
            period_ = time - last_on_edge_;
            duty_ = static_cast<double>(last_off_edge_ - last_on_edge_) / static_cast<double>(period_);
            pwm_ = true;
            // One log line when the waveform changes noticeably, not one per edge.
            if (std::abs(duty_ - reported_duty_) > 0.005 || period_ != reported_period_) {
                reported_duty_ = duty_;
                reported_period_ = period_;
                log_.info(name(), "PWM {:.1f}% lit at {:.1f} Hz", duty_ * 100.0,
                          static_cast<double>(kPicosPerSecond) / static_cast<double>(period_));
            }
        }
        last_on_edge_ = time;
    } else {
        last_off_edge_ = time;
    }
}

}  // namespace mt3620
