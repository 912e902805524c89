#include "board/Button.h"

#include <fmt/format.h>

#include "common/Log.h"
#include "periph/PinBank.h"

namespace mt3620 {

ButtonSpec Button::parse(FieldReader& fields) {
    ButtonSpec spec;
    spec.pin = fields.index("pin", PinBank::kPinCount - 1, fmt::format("GPIO 0-{}", PinBank::kPinCount - 1));
    spec.idle_high = fields.level("idle", /*default_high=*/true);
    if (std::optional<std::string> key = fields.optionalString("key")) {
        // One printable, non-blank character: what a terminal delivers for one key stroke.
        if (key->size() != 1 || (*key)[0] <= ' ' || (*key)[0] > '~')
            fields.fail("key", fmt::format("key must be one printable character, not '{}'", *key));
        spec.key = (*key)[0];
    }
    return spec;
}

std::vector<ResourceClaim> Button::claims(const Spec& spec) {
    std::string pin = fmt::format("pin {}", spec.pin);
    std::vector<ResourceClaim> claims = {{pin, pin, /*exclusive=*/true, "pin"}};
    if (spec.key) {
        std::string key = fmt::format("key '{}'", *spec.key);
        claims.push_back({key, key, /*exclusive=*/true, "key"});
    }
    return claims;
}

Button::Button(const Spec& spec, BoardWiring& wiring)
    : BoardDevice(spec.name), pin_(spec.pin), idle_high_(spec.idle_high), key_(spec.key),
      pins_(wiring.pins), log_(wiring.log),
      release_timer_(wiring.scheduler, "button " + spec.name + " release", [this] { release(); }) {
    drive();
}

void Button::press() {
    release_timer_.cancel();
    if (pressed_) return;
    pressed_ = true;
    ++presses_;
    log_.info(name(), "pressed");
    drive();
}

void Button::release() {
    release_timer_.cancel();
    if (!pressed_) return;
    pressed_ = false;
    log_.info(name(), "released");
    drive();
}

void Button::click(Picos hold) {
    press();
    release_timer_.armAfter(hold);
}

void Button::drive() { pins_.setExternal(pin_, pressed_ ? !idle_high_ : idle_high_); }

}  // namespace mt3620
