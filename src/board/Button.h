#pragma once
// A push button on a GPIO pad (board file `type: button`). It drives the pad as a board device
// (PinBank::setExternal): to its idle level while released, to the other level while pressed.
// The RDB's buttons A and B idle high and pull the pad low when pressed (reference §4.1).
// A terminal key may be bound to it; click() presses it for a moment of virtual time, which is
// what a key press without a key-release event can mean.
#include <optional>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"
#include "machine/Scheduler.h"

namespace mt3620 {

class Button : public BoardDevice {
public:
    using Spec = ButtonSpec;
    static constexpr std::string_view kType = "button";
    static Spec parse(FieldReader& fields);
    static std::vector<ResourceClaim> claims(const Spec& spec);

    /// How long click() holds the button: long enough for firmware that polls every few ms or
    /// debounces (CT's EINT sample) to see one press.
    static constexpr Picos kClickHold = 100 * kPicosPerMilli;

    /// Drives the idle level onto the pad at once.
    Button(const Spec& spec, BoardWiring& wiring);

    std::string_view type() const override { return kType; }
    std::vector<unsigned> digitalPins() const override { return {pin_}; }

    void press();
    void release();
    void toggle() { isPressed() ? release() : press(); }
    /// Presses now and releases `hold` of virtual time later.
    void click(Picos hold = kClickHold);
    bool isPressed() const { return pressed_; }

    unsigned pin() const { return pin_; }
    bool idleHigh() const { return idle_high_; }
    std::optional<char> key() const { return key_; }
    /// How many times it was pressed.
    unsigned presses() const { return presses_; }

private:
    void drive();

    unsigned pin_;
    bool idle_high_;
    std::optional<char> key_;
    PinBank& pins_;
    Log& log_;
    EventTimer release_timer_;
    bool pressed_ = false;
    unsigned presses_ = 0;
};

}  // namespace mt3620
