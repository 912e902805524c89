#include "board/AnalogSource.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numbers>

namespace mt3620 {

namespace {

/// Position within the current period, as a fraction in [0, 1).
double phase(Picos t, Picos period) { return static_cast<double>(t % period) / static_cast<double>(period); }

double interpolate(const std::vector<std::pair<Picos, double>>& points, Picos t) {
    // First sample later than t; the segment before it holds t.
    auto after = std::upper_bound(points.begin(), points.end(), t,
                                  [](Picos time, const auto& p) { return time < p.first; });
    if (after == points.begin()) return points.front().second;
    if (after == points.end()) return points.back().second;
    const auto& [t0, v0] = *(after - 1);
    const auto& [t1, v1] = *after;
    double f = static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
    return v0 + (v1 - v0) * f;
}

std::string rangeText() { return fmt::format("0-{} V, the ADC's input range", kAnalogMaxVolts); }

/// A level read from a field, inside the ADC's range.
double volts(FieldReader& f, std::string_view key) {
    double v = f.number(key);
    if (v < 0 || v > kAnalogMaxVolts)
        f.fail(key, fmt::format("{} {} V is out of range ({})", f.fieldName(key), v, rangeText()));
    return v;
}

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

}  // namespace

AnalogWaveform makeAnalogSource(const AnalogSourceSpec& spec) {
    struct Maker {
        AnalogWaveform operator()(const ConstantSource& s) const {
            return [v = s.volts](Picos) { return v; };
        }
        AnalogWaveform operator()(const SineSource& s) const {
            return [s](Picos t) { return s.offset + s.amplitude * std::sin(2 * std::numbers::pi * phase(t, s.period)); };
        }
        AnalogWaveform operator()(const RampSource& s) const {
            return [s](Picos t) { return s.from + (s.to - s.from) * phase(t, s.period); };
        }
        AnalogWaveform operator()(const SquareSource& s) const {
            return [s](Picos t) { return t % s.period < s.period / 2 ? s.high : s.low; };
        }
        AnalogWaveform operator()(const CsvSource& s) const {
            return [points = s.points](Picos t) { return interpolate(points, t); };
        }
    };
    return std::visit(Maker{}, spec);
}

AnalogSourceSpec parseAnalogSource(FieldReader& source) {
    static constexpr std::string_view kKinds = "constant, sine, ramp, square, csv";
    std::string kind = source.onlyKey(kKinds);
    AnalogSourceSpec spec;
    if (kind == "constant") {
        spec = ConstantSource{volts(source, "constant")};
    } else if (kind == "sine") {
        FieldReader f = source.map("sine");
        SineSource s;
        s.offset = f.number("offset");
        s.amplitude = f.number("amplitude");
        s.period = f.period("period");
        if (s.amplitude < 0) f.fail("amplitude", "source.sine.amplitude must not be negative");
        if (s.offset - s.amplitude < 0 || s.offset + s.amplitude > kAnalogMaxVolts)
            f.failHere(fmt::format("source.sine swings from {} V to {} V, out of range ({})", s.offset - s.amplitude,
                                   s.offset + s.amplitude, rangeText()));
        f.finish();
        spec = s;
    } else if (kind == "ramp") {
        FieldReader f = source.map("ramp");
        RampSource s;
        s.from = volts(f, "from");
        s.to = volts(f, "to");
        s.period = f.period("period");
        f.finish();
        spec = s;
    } else if (kind == "square") {
        FieldReader f = source.map("square");
        SquareSource s;
        s.low = volts(f, "low");
        s.high = volts(f, "high");
        s.period = f.period("period");
        f.finish();
        spec = s;
    } else if (kind == "csv") {
        std::filesystem::path rel = source.string("csv");
        std::filesystem::path full = source.context().base_dir / rel;
        spec = loadCsvSource(full.string(), source.context(), source.lineOf("csv"));
    } else {
        source.fail(kind, fmt::format("unknown source kind '{}' (known: {})", kind, kKinds));
    }
    source.finish();
    return spec;
}

CsvSource loadCsvSource(const std::string& path, const BoardFileContext& context, int line) {
    std::ifstream in(path);
    if (!in) context.fail(line, fmt::format("cannot read CSV file '{}': {}", path, std::strerror(errno)));

    // Errors in the CSV point at its own line, and still say which device and board line.
    BoardFileContext csv{path, context.base_dir,
                         fmt::format("{} ({}:{})", context.device.empty() ? "csv" : context.device, context.file, line)};
    CsvSource source;
    source.path = path;
    std::string text;
    int number = 0;
    bool first_content = true;
    while (std::getline(in, text)) {
        ++number;
        std::string l = trim(text);
        if (l.empty() || l[0] == '#') continue;
        bool header = first_content && [&] {
            std::string lower;
            for (char c : l)
                if (!std::isspace(static_cast<unsigned char>(c))) lower += static_cast<char>(std::tolower(c));
            return lower == "time,volts";
        }();
        first_content = false;
        if (header) continue;

        auto malformed = [&](const std::string& why) {
            csv.fail(number, fmt::format("malformed CSV line '{}': {} (expected 'time,volts', such as '1.5s,1.25')", l, why));
        };
        std::size_t comma = l.find(',');
        if (comma == std::string::npos || l.find(',', comma + 1) != std::string::npos)
            malformed("it needs exactly two fields");
        std::string time_text = trim(std::string_view(l).substr(0, comma));
        std::string volts_text = trim(std::string_view(l).substr(comma + 1));

        // A duration with a unit, or a plain number of seconds (parsed the same exact way).
        std::optional<Picos> t = parseDuration(time_text);
        if (!t && !time_text.empty() && (std::isdigit(static_cast<unsigned char>(time_text.back())) || time_text.back() == '.'))
            t = parseDuration(time_text + "s");
        if (!t) malformed(fmt::format("'{}' is not a time", time_text));

        char* end = nullptr;
        errno = 0;
        double v = std::strtod(volts_text.c_str(), &end);
        if (volts_text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v))
            malformed(fmt::format("'{}' is not a number of volts", volts_text));
        if (v < 0 || v > kAnalogMaxVolts)
            malformed(fmt::format("{} V is out of range ({})", v, rangeText()));
        if (!source.points.empty() && *t < source.points.back().first)
            malformed(fmt::format("time {} goes back before the previous line's", time_text));
        source.points.emplace_back(*t, v);
    }
    if (source.points.empty()) context.fail(line, fmt::format("CSV file '{}' has no samples", path));
    return source;
}

}  // namespace mt3620
