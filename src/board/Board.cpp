#include "board/Board.h"

#include "board/DeviceRegistry.h"

namespace mt3620 {

Board::Board(const BoardDescription& description, PinBank& pins, Log& log, Scheduler& scheduler,
             UartLookup uarts, I2cBusLookup i2c, SpiBusLookup spi_buses)
    : name_(description.board) {
    BoardWiring wiring{pins, log, scheduler, std::move(uarts), std::move(i2c), std::move(spi_buses)};
    for (const DeviceSpec& spec : description.devices) devices_.push_back(deviceTypeOf(spec).build(spec, wiring));
}

Board::~Board() = default;

BoardDevice* Board::device(std::string_view name) const {
    for (const auto& d : devices_)
        if (d->name() == name) return d.get();
    return nullptr;
}

Led* Board::led(std::string_view name) const { return dynamic_cast<Led*>(device(name)); }
Button* Board::button(std::string_view name) const { return dynamic_cast<Button*>(device(name)); }
AnalogInput* Board::analog(std::string_view name) const { return dynamic_cast<AnalogInput*>(device(name)); }

Button* Board::buttonForKey(char key) const {
    for (Button* b : buttons())
        if (b->key() == key) return b;
    return nullptr;
}

template <class T>
std::vector<T*> Board::all() const {
    std::vector<T*> out;
    for (const auto& d : devices_)
        if (auto* t = dynamic_cast<T*>(d.get())) out.push_back(t);
    return out;
}

std::vector<Led*> Board::leds() const { return all<Led>(); }
std::vector<Button*> Board::buttons() const { return all<Button>(); }
std::vector<AnalogInput*> Board::analogInputs() const { return all<AnalogInput>(); }

std::vector<Board::WiredPin> Board::digitalPins() const {
    std::vector<WiredPin> out;
    for (const auto& d : devices_)
        for (unsigned pin : d->digitalPins()) out.push_back({pin, d->name()});
    return out;
}

}  // namespace mt3620
