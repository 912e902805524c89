#pragma once
// An LED on a GPIO pad (board file `type: led`). It watches the pad's resolved level and is lit
// when that level is its active one: low for the RDB's common-anode LEDs, whose cathodes the
// GPIOs sink. Each change is logged on one line ("[  12.000500 s] LED1-red on") so a run's
// output shows what a user would see on the board.
//
// Note: an undriven pad reads low (PinBank), so an active-low LED counts as lit until the
// firmware drives its pad high. It logs nothing until the level changes.
#include <optional>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"
#include "periph/PinBank.h"

namespace mt3620 {

class Led : public BoardDevice, public PinListener {
public:
    using Spec = LedSpec;
    static constexpr std::string_view kType = "led";
    static Spec parse(FieldReader& fields);
    static std::vector<ResourceClaim> claims(const Spec& spec);

    /// Listens to the pad from now on. PinBank cannot remove listeners, so the LED must live as
    /// long as the bank may still change.
    Led(const Spec& spec, BoardWiring& wiring);

    std::string_view type() const override { return kType; }
    std::vector<unsigned> digitalPins() const override { return {pin_}; }
    void pinChanged(unsigned pin, bool level, Picos time) override;

    unsigned pin() const { return pin_; }
    bool activeLow() const { return active_low_; }
    bool isOn() const { return on_; }
    /// How many times it went on or off since it was created.
    unsigned changes() const { return changes_; }
    /// Virtual time of the last change (0 if none).
    Picos lastChange() const { return last_change_; }
    /// While the LED is driven by a fast waveform (PWM): the fraction of each period it is lit
    /// and the period, measured from its last full cycle. Empty when it is not blinking fast.
    std::optional<double> dutyCycle() const { return pwm_ ? std::optional<double>(duty_) : std::nullopt; }
    Picos pwmPeriod() const { return period_; }

    /// Changes closer together than this are a PWM waveform: logged as a duty cycle, not as
    /// one line per edge.
    static constexpr Picos kPwmThreshold = 20 * kPicosPerMilli;

private:
    void measure(bool on, Picos time);

    unsigned pin_;
    bool active_low_;
    Log& log_;
    bool on_;
    unsigned changes_ = 0;
    Picos last_change_ = 0;
    // PWM measurement
    bool pwm_ = false;
    Picos last_on_edge_ = kNever;
    Picos last_off_edge_ = kNever;
    double duty_ = 0;
    Picos period_ = 0;
    double reported_duty_ = -1;
    Picos reported_period_ = 0;
};

}  // namespace mt3620
