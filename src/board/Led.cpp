#include "board/Led.h"

#include <fmt/format.h>

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
    on_ = on;
    ++changes_;
    last_change_ = time;
    log_.info(name(), "{}", on ? "on" : "off");
}

}  // namespace mt3620
