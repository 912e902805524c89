#pragma once
// The MT3620's GPIO pads, as one bank of typed connections between the chip's pin-level
// models (GPIO, PWM) and what the board file wires to them (LEDs, buttons). Neither side knows
// the other: models drive outputs, board devices drive inputs, and listeners (LEDs, the VCD
// writer, the EINT block) hear the resolved pad level change.
//
// Resolution of a pad's level, strongest first:
//   1. the chip drives it: PWM output when that PWM channel is enabled, else the GPIO output
//      when OE is set;
//   2. a board device drives it (a button, a signal source);
//   3. the pull-up or pull-down configured in the GPIO block;
//   4. otherwise low.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/VirtualTime.h"

namespace mt3620 {

class PinListener {
public:
    virtual ~PinListener() = default;
    /// `pin` changed to `level` at virtual time `time`.
    virtual void pinChanged(unsigned pin, bool level, Picos time) = 0;
};

class PinBank {
public:
    static constexpr unsigned kPinCount = 94;  // GPIO0..GPIO93 (reference 4.1)
    enum class Pull : std::uint8_t { None, Up, Down };
    enum class Driver : std::uint8_t { Gpio, Pwm };

    /// Time source for change notifications (the machine's scheduler).
    explicit PinBank(const class TimeSource* time = nullptr) : time_(time) {}
    void setTimeSource(const class TimeSource* time) { time_ = time; }

    // --- chip side ---
    /// GPIO output: `enabled` is OE, `level` is DOUT.
    void setGpioOutput(unsigned pin, bool enabled, bool level) { update(pin, [&](Pad& p) { p.gpio_oe = enabled; p.gpio_level = level; }); }
    /// PWM output on a pin while the channel is enabled; disabled hands the pad back to GPIO.
    void setPwmOutput(unsigned pin, bool enabled, bool level) { update(pin, [&](Pad& p) { p.pwm_on = enabled; p.pwm_level = level; }); }
    void setPull(unsigned pin, Pull pull) { update(pin, [&](Pad& p) { p.pull = pull; }); }

    // --- board side ---
    /// A board device drives the pad (true/false), or lets go of it (nullopt).
    void setExternal(unsigned pin, std::optional<bool> level) { update(pin, [&](Pad& p) { p.external = level; }); }

    // --- observers ---
    bool level(unsigned pin) const { return pin < kPinCount && resolve(pads_[pin]); }
    /// True if the chip drives the pad (GPIO OE or an enabled PWM channel).
    bool chipDriven(unsigned pin) const { return pin < kPinCount && (pads_[pin].pwm_on || pads_[pin].gpio_oe); }
    void addListener(PinListener* listener) { listeners_.push_back(listener); }

private:
    struct Pad {
        bool gpio_oe = false;
        bool gpio_level = false;
        bool pwm_on = false;
        bool pwm_level = false;
        std::optional<bool> external;
        Pull pull = Pull::None;
    };
    static bool resolve(const Pad& p) {
        if (p.pwm_on) return p.pwm_level;
        if (p.gpio_oe) return p.gpio_level;
        if (p.external) return *p.external;
        return p.pull == Pull::Up;
    }
    template <class F>
    void update(unsigned pin, F&& change) {
        if (pin >= kPinCount) return;
        Pad& p = pads_[pin];
        bool before = resolve(p);
        change(p);
        bool after = resolve(p);
        if (before == after) return;
        Picos t = now();
        for (PinListener* l : listeners_) l->pinChanged(pin, after, t);
    }
    Picos now() const;

    const class TimeSource* time_;
    std::array<Pad, kPinCount> pads_{};
    std::vector<PinListener*> listeners_;
};

}  // namespace mt3620
