#include "board/Lsm6dsx.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "board/I2cRegisterTarget.h"
#include "board/I2cWiring.h"
#include "board/SpiDeviceWiring.h"
#include "board/SpiRegisterFraming.h"
#include "machine/Scheduler.h"

namespace mt3620 {

// --- Motion sources ---------------------------------------------------------------------------

namespace {

MotionSample interpolate(const std::vector<std::pair<Picos, MotionSample>>& points, Picos t) {
    auto after = std::upper_bound(points.begin(), points.end(), t,
                                  [](Picos time, const auto& p) { return time < p.first; });
    if (after == points.begin()) return points.front().second;
    if (after == points.end()) return points.back().second;
    const auto& [t0, a] = *(after - 1);
    const auto& [t1, b] = *after;
    const double f = static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
    MotionSample m;
    for (int i = 0; i < 3; ++i) {
        m.accel_g[i] = a.accel_g[i] + (b.accel_g[i] - a.accel_g[i]) * f;
        m.gyro_dps[i] = a.gyro_dps[i] + (b.gyro_dps[i] - a.gyro_dps[i]) * f;
    }
    return m;
}

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

std::vector<std::string> splitFields(const std::string& line) {
    std::vector<std::string> out;
    std::size_t from = 0;
    for (;;) {
        std::size_t comma = line.find(',', from);
        out.push_back(trim(std::string_view(line).substr(from, comma == std::string::npos ? std::string::npos : comma - from)));
        if (comma == std::string::npos) return out;
        from = comma + 1;
    }
}

}  // namespace

MotionSource makeMotionSource(const MotionSample& constant, const std::optional<MotionTrace>& trace) {
    if (trace) return [points = trace->points](Picos t) { return interpolate(points, t); };
    return [constant](Picos) { return constant; };
}

MotionTrace loadMotionTrace(const std::string& path, const BoardFileContext& context, int line) {
    std::ifstream in(path);
    if (!in) context.fail(line, fmt::format("cannot read CSV file '{}': {}", path, std::strerror(errno)));
    BoardFileContext csv{path, context.base_dir,
                         fmt::format("{} ({}:{})", context.device.empty() ? "csv" : context.device, context.file, line)};
    static constexpr std::string_view kExpected = "expected 'time,ax,ay,az,gx,gy,gz', such as '0.5s,0,0,1,0,0,90'";
    MotionTrace trace;
    trace.path = path;
    std::string text;
    int number = 0;
    bool first_content = true;
    while (std::getline(in, text)) {
        ++number;
        const std::string l = trim(text);
        if (l.empty() || l[0] == '#') continue;
        const bool header = first_content && std::tolower(static_cast<unsigned char>(l[0])) == 't' &&
                            l.rfind("time", 0) == 0;
        first_content = false;
        if (header) continue;
        auto malformed = [&](const std::string& why) {
            csv.fail(number, fmt::format("malformed CSV line '{}': {} ({})", l, why, kExpected));
        };
        std::vector<std::string> f = splitFields(l);
        if (f.size() != 7) malformed(fmt::format("it has {} fields, not 7", f.size()));
        std::optional<Picos> t = parseDuration(f[0]);
        if (!t && !f[0].empty() && (std::isdigit(static_cast<unsigned char>(f[0].back())) || f[0].back() == '.'))
            t = parseDuration(f[0] + "s");
        if (!t) malformed(fmt::format("'{}' is not a time", f[0]));
        double v[6];
        for (int i = 0; i < 6; ++i) {
            char* end = nullptr;
            errno = 0;
            v[i] = std::strtod(f[i + 1].c_str(), &end);
            if (f[i + 1].empty() || *end != '\0' || errno != 0 || !std::isfinite(v[i]))
                malformed(fmt::format("'{}' is not a number", f[i + 1]));
        }
        if (!trace.points.empty() && *t < trace.points.back().first)
            malformed(fmt::format("time {} goes back before the previous line's", f[0]));
        MotionSample m;
        m.accel_g = {v[0], v[1], v[2]};
        m.gyro_dps = {v[3], v[4], v[5]};
        trace.points.emplace_back(*t, m);
    }
    if (trace.points.empty()) context.fail(line, fmt::format("CSV file '{}' has no samples", path));
    return trace;
}

// --- The sensor -------------------------------------------------------------------------------

namespace {

std::int16_t saturate(double lsb) {
    const double r = std::round(lsb);
    return static_cast<std::int16_t>(std::clamp(r, -32768.0, 32767.0));
}

}  // namespace

Lsm6dsx::Lsm6dsx(Variant variant, const TimeSource& time, MotionSource motion, double temperature_c)
    : variant_(variant), time_(time), motion_(std::move(motion)), temperature_c_(temperature_c) {
    reset();
}

std::uint8_t Lsm6dsx::whoAmI() const { return variant_ == Variant::Lsm6ds3 ? 0x69 : 0x6C; }

void Lsm6dsx::setMotion(MotionSource motion) {
    // Samples already taken keep what they measured.
    for (Sensor s : {kAccel, kGyro, kTemp}) latch(s);
    motion_ = std::move(motion);
}

void Lsm6dsx::reset() {
    regs_.fill(0);
    regs_[kWhoAmI] = whoAmI();
    regs_[kCtrl3C] = kIfInc;
    // Axis enables: all on after reset in the LSM6DS3 (CTRL9_XL, CTRL10_C = 0x38); the LSM6DSO
    // has CTRL9_XL = 0xE0 (I3C and DEN bits) and CTRL10_C = 0.
    regs_[kCtrl9Xl] = variant_ == Variant::Lsm6ds3 ? 0x38 : 0xE0;
    regs_[kCtrl10C] = variant_ == Variant::Lsm6ds3 ? 0x38 : 0x00;
    timing_ = {};
    channels_ = {};
    held_ = {};
}

bool Lsm6dsx::autoIncrement() const { return (regs_[kCtrl3C] & kIfInc) != 0; }

std::uint32_t Lsm6dsx::odrMilliHz(std::uint8_t code, bool accel) const {
    static constexpr std::uint32_t kRates[] = {0, 12'500, 26'000, 52'000, 104'000, 208'000,
                                               416'000, 833'000, 1'660'000, 3'330'000, 6'660'000};
    if (code < std::size(kRates)) {
        // The LSM6DS3's gyroscope stops at 1.66 kHz (code 8).
        if (!accel && variant_ == Variant::Lsm6ds3 && code > 8) return kRates[8];
        return kRates[code];
    }
    if (code == 11 && accel && variant_ == Variant::Lsm6dso) return 1'600;  // low-power 1.6 Hz
    return 0;
}

double Lsm6dsx::accelMgPerLsb() const {
    static constexpr double kSensitivity[4] = {0.061, 0.488, 0.122, 0.244};  // FS_XL 00, 01, 10, 11
    return kSensitivity[(regs_[kCtrl1Xl] >> 2) & 3];
}

double Lsm6dsx::gyroMdpsPerLsb() const {
    if (regs_[kCtrl2G] & 0x02) return 4.375;  // FS_125
    static constexpr double kSensitivity[4] = {8.75, 17.5, 35.0, 70.0};  // FS_G 245, 500, 1000, 2000 dps
    return kSensitivity[(regs_[kCtrl2G] >> 2) & 3];
}

double Lsm6dsx::tempLsbPerDegree() const { return variant_ == Variant::Lsm6ds3 ? 16.0 : 256.0; }

Lsm6dsx::Timing Lsm6dsx::timing(Sensor s) const {
    if (s != kTemp) return timing_[s];
    return timing_[kAccel].period ? timing_[kAccel] : timing_[kGyro];
}

std::uint64_t Lsm6dsx::samplesTaken(Sensor s) const {
    const Timing t = timing(s);
    const Picos now = time_.now();
    // Powered down, outputs hold. Or an access from a core whose local time is still behind
    // the core that set the rate (cores run round-robin within a quantum): nothing new yet.
    if (t.period == 0 || now < t.start) return channels_[s].latched;
    return (now - t.start) / t.period;
}

void Lsm6dsx::retime(Sensor s) {
    const std::uint8_t reg = regs_[s == kAccel ? kCtrl1Xl : kCtrl2G];
    const std::uint32_t mhz = odrMilliHz(reg >> 4, s == kAccel);
    Timing next{time_.now(), mhz ? static_cast<Picos>(kPicosPerSecond * 1000 / mhz) : 0};
    if (next.period == timing_[s].period) return;  // same rate: the sample clock runs on
    timing_[s] = next;
    // New sample numbering for the sensor and for the temperature, which may follow it.
    channels_[s].latched = channels_[s].consumed = 0;
    channels_[kTemp].latched = channels_[kTemp].consumed = 0;
}

void Lsm6dsx::latch(Sensor s) {
    if (held_[s]) return;  // BDU: half of an output read, the other half still to come
    const std::uint64_t n = samplesTaken(s);
    Channel& c = channels_[s];
    if (n == c.latched || timing(s).period == 0) return;
    c.latched = n;
    const Timing t = timing(s);
    const Picos at = t.start + n * t.period;
    if (s == kTemp) {
        store(kOutTempL, saturate((temperature_c_ - 25.0) * tempLsbPerDegree()));
        return;
    }
    const MotionSample m = motion_(at);
    for (int axis = 0; axis < 3; ++axis) {
        const auto reg = static_cast<std::uint8_t>((s == kAccel ? kOutxLXl : kOutxLG) + 2 * axis);
        const double lsb = s == kAccel ? m.accel_g[axis] * 1000.0 / accelMgPerLsb()
                                       : m.gyro_dps[axis] * 1000.0 / gyroMdpsPerLsb();
        store(reg, saturate(lsb));
    }
}

void Lsm6dsx::store(std::uint8_t reg, std::int16_t value) {
    const auto u = static_cast<std::uint16_t>(value);
    // BLE (big/little endian select): 1 puts the high byte at the lower address.
    const bool big = (regs_[kCtrl3C] & kBle) != 0;
    regs_[reg] = static_cast<std::uint8_t>(big ? u >> 8 : u);
    regs_[reg + 1] = static_cast<std::uint8_t>(big ? u : u >> 8);
}

std::uint8_t Lsm6dsx::statusReg() {
    std::uint8_t s = 0;
    for (Sensor sensor : {kAccel, kGyro, kTemp}) {
        latch(sensor);
        if (channels_[sensor].latched > channels_[sensor].consumed) s |= static_cast<std::uint8_t>(1u << sensor);
    }
    return s;
}

std::uint8_t Lsm6dsx::readRegister(std::uint8_t reg) {
    reg &= kRegisterCount - 1;
    if (reg == kStatusReg) return statusReg();
    if (reg >= kOutTempL && reg <= kOutzHXl) {
        const Sensor s = reg >= kOutxLXl ? kAccel : reg >= kOutxLG ? kGyro : kTemp;
        latch(s);
        channels_[s].consumed = channels_[s].latched;  // reading the outputs clears the DA bit
        // BDU: the first byte of a pair freezes the sensor's outputs until the second is read.
        held_[s] = (regs_[kCtrl3C] & kBdu) != 0 && (reg & 1) == 0;
    }
    return regs_[reg];
}

void Lsm6dsx::writeRegister(std::uint8_t reg, std::uint8_t value) {
    reg &= kRegisterCount - 1;
    if (reg == kWhoAmI || reg == kStatusReg || (reg >= kOutTempL && reg <= kOutzHXl)) return;  // read-only
    if (reg == kCtrl3C && (value & kSwReset)) {
        reset();  // SW_RESET: every register back to its reset value; the bit clears itself
        return;
    }
    if (reg == kCtrl1Xl || reg == kCtrl2G) {
        // Samples already taken keep the full scale they were converted with.
        for (Sensor s : {kAccel, kGyro, kTemp}) latch(s);
    }
    regs_[reg] = reg == kCtrl3C ? static_cast<std::uint8_t>(value & ~kBoot) : value;  // BOOT clears itself
    if (reg == kCtrl1Xl) retime(kAccel);
    if (reg == kCtrl2G) retime(kGyro);
}

// --- Board devices ----------------------------------------------------------------------------

std::optional<std::array<double, 3>> parseXyz(FieldReader& fields, std::string_view key) {
    if (!fields.has(key)) {
        fields.optionalNode(key);  // mark as known
        return std::nullopt;
    }
    FieldReader xyz = fields.map(key);
    std::array<double, 3> out = {xyz.number("x"), xyz.number("y"), xyz.number("z")};
    xyz.finish();
    return out;
}

void Lsm6dsxDevice::parseFields(FieldReader& fields, Lsm6dsxSpec& spec, std::string_view part) {
    spec.bus = parseI2cBus(fields);  // ISU0..ISU4, whichever the interface
    spec.interface = fields.optionalString("interface").value_or("i2c");
    // One branch per transport: each reads its own fields.
    if (spec.interface == "i2c") {
        spec.address = parseI2cAddress(fields, 0x6A);
        if (spec.address != 0x6A && spec.address != 0x6B)
            fields.fail("address", fmt::format("the {} answers at 0x6a (SA0 low) or 0x6b (SA0 high), not {:#04x}", part,
                                               spec.address));
    } else if (spec.interface == "spi") {
        spec.chip_select = parseSpiChipSelect(fields);
    } else {
        fields.fail("interface", fmt::format("unknown interface '{}' for the {} (known: i2c, spi)", spec.interface, part));
    }
    if (auto a = parseXyz(fields, "acceleration")) spec.motion.accel_g = *a;
    if (auto g = parseXyz(fields, "angular-rate")) spec.motion.gyro_dps = *g;
    if (std::optional<std::string> csv = fields.optionalString("trace")) {
        if (fields.has("acceleration") || fields.has("angular-rate"))
            fields.fail("trace", "give either trace or acceleration/angular-rate, not both");
        const std::filesystem::path full = fields.context().base_dir / *csv;
        spec.trace = loadMotionTrace(full.string(), fields.context(), fields.lineOf("trace"));
    }
    if (fields.has("temperature")) spec.temperature_c = fields.number("temperature");
    else fields.optionalNode("temperature");
}

std::vector<ResourceClaim> Lsm6dsxDevice::busClaims(const Lsm6dsxSpec& spec) {
    if (spec.interface == "i2c") return {i2cAddressClaim(spec.bus, spec.address)};
    if (spec.interface == "spi") return {spiClaim(SpiWiringSpec{spec.bus, spec.chip_select})};
    return {};
}

Lsm6dsxDevice::Lsm6dsxDevice(const Lsm6dsxSpec& spec, Lsm6dsx::Variant variant, BoardWiring& wiring)
    : BoardDevice(spec.name),
      bus_(spec.bus),
      address_(spec.address),
      sensor_(variant, wiring.scheduler, makeMotionSource(spec.motion, spec.trace), spec.temperature_c) {
    const char* part = variant == Lsm6dsx::Variant::Lsm6ds3 ? "LSM6DS3" : "LSM6DSO";
    if (spec.interface == "i2c") {
        transport_ = std::make_unique<I2cRegisterTarget<Lsm6dsx>>(sensor_, Lsm6dsx::kRegisterCount);
        attachment_ = std::make_unique<I2cAttachment>(spec, wiring, bus_, address_, *transport_);
        wiring.log.debug(name(), "{} on {} at I2C address {:#04x}", part, bus_, address_);
    } else if (spec.interface == "spi") {
        spi_transport_ = std::make_unique<SpiRegisterTarget<Lsm6dsx>>(sensor_);
        spi_attachment_ = std::make_unique<SpiAttachment>(SpiWiringSpec{spec.bus, spec.chip_select}, spec, wiring,
                                                          *spi_transport_);
        wiring.log.debug(name(), "{} on {} SPI chip select {}", part, bus_, spec.chip_select);
    }
}

Lsm6dsxDevice::~Lsm6dsxDevice() = default;

}  // namespace mt3620
