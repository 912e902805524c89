#include "board/SpiDeviceWiring.h"

#include <fmt/format.h>

#include <algorithm>

#include "board/BoardError.h"
#include "periph/SpiBus.h"

namespace mt3620 {

namespace {

/// The ISUs whose SPI master a board device may hang on (reference 4.4: ISU0-ISU4).
constexpr unsigned kIsuCount = 5;

std::vector<std::string> busNames() {
    std::vector<std::string> names;
    for (unsigned n = 0; n < kIsuCount; ++n) names.push_back("ISU" + std::to_string(n));
    return names;
}

}  // namespace

SpiWiringSpec parseSpiWiring(FieldReader& fields) {
    SpiWiringSpec spi;
    spi.bus = fields.string("bus");
    const std::vector<std::string> names = busNames();
    if (std::find(names.begin(), names.end(), spi.bus) == names.end())
        fields.fail("bus", fmt::format("unknown SPI bus '{}' (known: {})", spi.bus, fmt::join(names, ", ")));
    spi.chip_select = parseSpiChipSelect(fields);
    return spi;
}

unsigned parseSpiChipSelect(FieldReader& fields) {
    return fields.index("chip-select", SpiBus::kChipSelects - 1, "chip selects 0-1", 0);
}

ResourceClaim spiClaim(const SpiWiringSpec& spi) {
    return {fmt::format("spi {} cs {}", spi.bus, spi.chip_select),
            fmt::format("chip select {} of {}'s SPI bus", spi.chip_select, spi.bus), true, "chip-select"};
}

SpiAttachment::SpiAttachment(const SpiWiringSpec& spi, const DeviceSpecBase& device, BoardWiring& wiring,
                             SpiTarget& target)
    : bus_(wiring.spi ? wiring.spi(spi.bus) : nullptr), chip_select_(spi.chip_select) {
    auto fail = [&](const std::string& reason) {
        throw BoardError(fmt::format("device '{}' (line {}): {}", device.name, device.line, reason));
    };
    if (!wiring.spi) return;
    if (!bus_) fail(fmt::format("SPI bus '{}' is not available on this machine", spi.bus));
    if (!bus_->attach(chip_select_, &target))
        fail(fmt::format("chip select {} of {} already has a device", chip_select_, spi.bus));
}

SpiAttachment::~SpiAttachment() {
    if (bus_) bus_->detach(chip_select_);
}

}  // namespace mt3620
