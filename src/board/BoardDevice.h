#pragma once
// What every device on a board has in common, and what it is wired to. Board owns the devices
// through this base and finds the typed ones (Led, Button, ...) by name.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mt3620 {

class PinBank;
class Log;
class Scheduler;
class MtkUart;
class I2cBus;
class SpiBus;

/// Finds a UART of the chip by the name manifests use ("ISU0"); null if there is none.
using UartLookup = std::function<MtkUart*(std::string_view name)>;
/// Finds the I2C bus of an ISU by the name manifests use ("ISU2"); null if there is none.
using I2cBusLookup = std::function<I2cBus*(std::string_view name)>;
/// Finds the SPI bus of an ISU by the name manifests use ("ISU1"); null if there is none.
using SpiBusLookup = std::function<SpiBus*(std::string_view name)>;

/// The parts of the machine a board device connects to.
struct BoardWiring {
    PinBank& pins;
    Log& log;
    Scheduler& scheduler;
    UartLookup uart = {};  // empty when the board is built without a machine
    I2cBusLookup i2c = {};  // likewise
    SpiBusLookup spi = {};  // likewise
};

/// Something a device occupies on the board, for the board file's conflict check: a pad
/// ("pin 12") or a terminal key ("key 'a'"). Two devices may share a resource only if neither
/// claims it exclusively: LEDs merely watch their pad, so several may hang on one, but a
/// button (or an analog source) drives its pad and must have it to itself.
struct ResourceClaim {
    std::string resource;   // "pin 12": equal strings are the same resource
    std::string described;  // how the message names it: "pin 41 (ADC channel 0)"
    bool exclusive = false;
    std::string field;      // the field that claims it ("pin"), whose line a message points at
};

class BoardDevice {
public:
    explicit BoardDevice(std::string name) : name_(std::move(name)) {}
    virtual ~BoardDevice() = default;
    BoardDevice(const BoardDevice&) = delete;
    BoardDevice& operator=(const BoardDevice&) = delete;

    const std::string& name() const { return name_; }
    /// The `type:` the board file gives it ("led").
    virtual std::string_view type() const = 0;
    /// Digital pads it is wired to: what a waveform trace (VcdWriter) of the board shows.
    virtual std::vector<unsigned> digitalPins() const { return {}; }

private:
    std::string name_;
};

}  // namespace mt3620
