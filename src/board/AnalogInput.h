#pragma once
// A voltage on an ADC channel (board file `type: analog`): the RDB's potentiometer, a sensor,
// a signal generator. Channel k of ADC-CONTROLLER-0 is the pad GPIO 41+k (reference §4.7), so
// the input takes that pad for itself. The machine's ADC model asks volts(t) when it samples.
#include <string_view>
#include <vector>

#include "board/AnalogSource.h"
#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"

namespace mt3620 {

class AnalogInput : public BoardDevice {
public:
    using Spec = AnalogSpec;
    static constexpr std::string_view kType = "analog";
    static constexpr unsigned kChannels = 8;        // reference §4.7
    static constexpr unsigned kFirstAdcPin = 41;    // channel k is GPIO 41+k
    static Spec parse(FieldReader& fields);
    static std::vector<ResourceClaim> claims(const Spec& spec);

    AnalogInput(const Spec& spec, BoardWiring& wiring);

    std::string_view type() const override { return kType; }

    unsigned adc() const { return adc_; }
    unsigned channel() const { return channel_; }
    unsigned pin() const { return kFirstAdcPin + channel_; }
    double volts(Picos t) const { return waveform_(t); }
    const AnalogWaveform& waveform() const { return waveform_; }

private:
    unsigned adc_;
    unsigned channel_;
    AnalogWaveform waveform_;
};

}  // namespace mt3620
