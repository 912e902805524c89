#pragma once
// A board built from its description: the live devices, wired to the machine's pads, log and
// scheduler, and found by name (or, for buttons, by terminal key). The machine connects the
// analog inputs to its ADC model by channel; a VcdWriter can trace the board's digital pads.
//
// Devices listen to the PinBank, which cannot remove listeners: keep the board alive as long as
// the bank may change.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "board/AnalogInput.h"
#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/Button.h"
#include "board/Led.h"

namespace mt3620 {

class PinBank;
class Log;
class Scheduler;

class Board {
public:
    /// A digital pad and the device wired to it.
    struct WiredPin {
        unsigned pin;
        std::string device;
    };

    /// Creates the devices in file order (buttons drive their idle level at once). `uarts`
    /// finds the chip's UARTs for UART endpoints (Machine::loadBoard passes the ISU UARTs),
    /// `i2c` the ISUs' I2C buses for I2C devices, `spi_buses` their SPI buses for SPI devices.
    Board(const BoardDescription& description, PinBank& pins, Log& log, Scheduler& scheduler,
          UartLookup uarts = {}, I2cBusLookup i2c = {}, SpiBusLookup spi_buses = {});
    ~Board();

    const std::string& name() const { return name_; }
    const std::vector<std::unique_ptr<BoardDevice>>& devices() const { return devices_; }

    /// The device called `name`, or null; the typed ones are also null for another type.
    BoardDevice* device(std::string_view name) const;
    Led* led(std::string_view name) const;
    Button* button(std::string_view name) const;
    AnalogInput* analog(std::string_view name) const;
    /// The button bound to terminal key `key`, or null.
    Button* buttonForKey(char key) const;

    std::vector<Led*> leds() const;
    std::vector<Button*> buttons() const;
    /// Analog inputs in file order, each with its ADC channel, for the machine's ADC.
    std::vector<AnalogInput*> analogInputs() const;
    /// Every digital pad a device is wired to, in file order (an LED pad once per LED).
    std::vector<WiredPin> digitalPins() const;

private:
    template <class T>
    std::vector<T*> all() const;

    std::string name_;
    std::vector<std::unique_ptr<BoardDevice>> devices_;
};

}  // namespace mt3620
