#pragma once
// Voltage waveforms for analog inputs: the board file's `source:` of an `analog` device, and
// the function of virtual time the ADC model samples. Functions of time rather than scheduled
// events, so the ADC can sample at any instant without the board ticking.
#include <functional>

#include "board/BoardDescription.h"
#include "board/FieldReader.h"
#include "common/VirtualTime.h"

namespace mt3620 {

/// Volts at a virtual time.
using AnalogWaveform = std::function<double(Picos)>;

/// The ADC's input range with its internal 2.5 V reference (reference §4.7); a source must stay
/// inside it.
constexpr double kAnalogMaxVolts = 2.5;

/// The waveform a spec describes.
AnalogWaveform makeAnalogSource(const AnalogSourceSpec& spec);

/// Reads a `source:` map: {constant: V}, {sine: {offset, amplitude, period}},
/// {ramp: {from, to, period}}, {square: {low, high, period}} or {csv: path} (relative to the
/// board file's folder; loaded and checked now).
AnalogSourceSpec parseAnalogSource(FieldReader& source);

/// Reads a CSV of "time,volts" lines: time as a duration ("1.5s", "250ms") or a plain number
/// of seconds; blank lines, '#' comments and a "time,volts" header are skipped. `context` names
/// the device for messages; errors name the CSV file and line.
CsvSource loadCsvSource(const std::string& path, const BoardFileContext& context, int line);

}  // namespace mt3620
