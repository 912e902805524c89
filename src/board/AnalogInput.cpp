#include "board/AnalogInput.h"

#include <fmt/format.h>

namespace mt3620 {

AnalogSpec AnalogInput::parse(FieldReader& fields) {
    AnalogSpec spec;
    // The MT3620 has one ADC controller ("ADC-CONTROLLER-0"); the field exists so a board file
    // reads like the app manifest.
    spec.adc = fields.index("adc", 0, "the MT3620 has one ADC controller: 0", 0);
    spec.channel = fields.index("channel", kChannels - 1, fmt::format("ADC channels 0-{}", kChannels - 1));
    FieldReader source = fields.map("source");
    spec.source = parseAnalogSource(source);
    return spec;
}

std::vector<ResourceClaim> AnalogInput::claims(const Spec& spec) {
    unsigned pin = kFirstAdcPin + spec.channel;
    return {{fmt::format("pin {}", pin), fmt::format("pin {} (ADC channel {})", pin, spec.channel), /*exclusive=*/true, "channel"}};
}

AnalogInput::AnalogInput(const Spec& spec, BoardWiring&)
    : BoardDevice(spec.name), adc_(spec.adc), channel_(spec.channel), waveform_(makeAnalogSource(spec.source)) {}

}  // namespace mt3620
