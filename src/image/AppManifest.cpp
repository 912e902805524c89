#include "image/AppManifest.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

namespace mt3620 {

using Json = nlohmann::json;

// ------------------------------------------------------------------------------------------ GUID

std::optional<Guid> Guid::parse(std::string_view text) {
    if (text.size() == 38 && text.front() == '{' && text.back() == '}')
        text = text.substr(1, 36);
    if (text.size() != 36) return std::nullopt;
    // Hex digit positions of the 8-4-4-4-12 form.
    std::array<std::uint8_t, 16> raw{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return std::nullopt;
            ++i;
            continue;
        }
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        int hi = hex(text[i]), lo = hex(text[i + 1]);
        if (hi < 0 || lo < 0 || i + 1 == 8 || i + 1 == 13 || i + 1 == 18 || i + 1 == 23)
            return std::nullopt;
        raw[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
        i += 2;
    }
    // The text is big-endian for data1..data3; the wire form is little-endian (reference §6.3).
    Guid g;
    g.bytes = {raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6],
               raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]};
    return g;
}

std::string Guid::toString() const {
    const auto& b = bytes;
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
                       "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                       b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11],
                       b[12], b[13], b[14], b[15]);
}

const char* appTypeName(AppType type) {
    return type == AppType::RealTimeCapable ? "RealTimeCapable" : "Default";
}

bool manifestGpioAvailable(int pin) {
    return (pin >= 0 && pin <= 23) || (pin >= 26 && pin <= 48) || (pin >= 56 && pin <= 75) ||
           pin == 80;
}

std::vector<int> AppManifest::Capabilities::isus() const {
    std::vector<int> all;
    for (const auto* list : {&uart, &i2cMaster, &spiMaster})
        all.insert(all.end(), list->begin(), list->end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
}

bool AppManifest::allowsConnectionTo(const Guid& peer) const {
    const auto& list = capabilities.allowedApplicationConnections;
    return std::find(list.begin(), list.end(), peer) != list.end();
}

// ------------------------------------------------------------------------------------ the parser

namespace {

const char* typeName(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null: return "null";
        case Json::value_t::object: return "an object";
        case Json::value_t::array: return "an array";
        case Json::value_t::string: return "a string";
        case Json::value_t::boolean: return "a Boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned: return "an integer";
        case Json::value_t::number_float: return "a fractional number";
        default: return "an unsupported value";
    }
}

/// The value, quoted, for a message. Strings are cut short so one bad field cannot flood a line.
std::string shown(const Json& v) {
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s.size() > 60) s = s.substr(0, 57) + "...";
        return "\"" + s + "\"";
    }
    if (v.is_number() || v.is_boolean() || v.is_null()) return v.dump();
    return typeName(v);
}

// Peripheral kinds named in manifests: the key, what each value means and how it is resolved.
enum class Kind { Gpio, Isu, Adc, Pwm, Eint, I2s };

struct KindInfo {
    const char* key;
    Kind kind;
    std::vector<int> AppManifest::Capabilities::*list;
};

const KindInfo kPeripheralKeys[] = {
    {"Gpio", Kind::Gpio, &AppManifest::Capabilities::gpio},
    {"Uart", Kind::Isu, &AppManifest::Capabilities::uart},
    {"I2cMaster", Kind::Isu, &AppManifest::Capabilities::i2cMaster},
    {"SpiMaster", Kind::Isu, &AppManifest::Capabilities::spiMaster},
    {"I2sSubordinate", Kind::I2s, &AppManifest::Capabilities::i2sSubordinate},
    {"Adc", Kind::Adc, &AppManifest::Capabilities::adc},
    {"Pwm", Kind::Pwm, &AppManifest::Capabilities::pwm},
    {"ExternalInterrupt", Kind::Eint, &AppManifest::Capabilities::externalInterrupt},
};

// Boolean capabilities of high-level apps (Microsoft's manifest reference).
const char* const kHighLevelFlags[] = {
    "CertStore",          "EnterpriseAuthentication", "HardwareAddressConfig",
    "NetworkConfig",      "ReadNetworkProxyConfig",   "SntpService",
    "SoftwareUpdateDeferral", "SystemEventNotifications", "SystemTime",
    "TimeSyncConfig",     "WifiConfig",
};

const char* const kPowerControls[] = {"ForcePowerDown", "ForceReboot", "SetPowerProfile"};

/// "ISU3" -> 3 for prefix "ISU" and 0..max; nullopt otherwise.
std::optional<int> numberAfter(std::string_view text, std::string_view prefix, int max) {
    if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    std::string_view digits = text.substr(prefix.size());
    if (digits.size() > 1 && digits[0] == '0') return std::nullopt;  // "ISU01" is not a name
    int n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || n < 0 || n > max)
        return std::nullopt;
    return n;
}

class Parser {
public:
    Parser(const std::string& source, const AppManifest::ParseOptions& options)
        : source_(source), options_(options) {}

    AppManifest run(std::string_view text) {
        Json root = parseJson(text);
        if (!root.is_object()) fail("(root)", fmt::format("must be an object, not {}", typeName(root)));
        AppManifest m;
        m.source = source_;
        readTop(root, m);
        return m;
    }

private:
    [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
        throw ManifestError(fmt::format("{}: {}: {}", source_, path, reason));
    }

    Json parseJson(std::string_view text) const {
        try {
            return Json::parse(text.begin(), text.end());
        } catch (const Json::parse_error& e) {
            // e.byte is the 1-based offset of the character where parsing stopped.
            std::size_t stop = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
            std::size_t line = 1, column = 1;
            for (std::size_t i = 0; i < stop; ++i) {
                if (text[i] == '\n') { ++line; column = 1; } else { ++column; }
            }
            // The library's message is "[json.exception.parse_error.101] parse error at line
            // ..., column ...: <reason>": keep only the reason.
            std::string what = e.what();
            auto colon = what.find(": ");
            std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
            throw ManifestError(fmt::format("{}:{}:{}: not valid JSON: {}", source_, line, column, reason));
        } catch (const Json::exception& e) {
            // Other library errors (e.g. a number too large for any type) carry no position.
            std::string what = e.what();
            auto close = what.find("] ");
            if (what.size() > 160) what = what.substr(0, 157) + "...";
            throw ManifestError(fmt::format("{}: not valid JSON: {}", source_,
                                            close == std::string::npos ? what : what.substr(close + 2)));
        }
    }

    std::string requireString(const Json& v, const std::string& path, bool nonEmpty = true) const {
        if (!v.is_string()) fail(path, fmt::format("must be a string, not {}", typeName(v)));
        std::string s = v.get<std::string>();
        if (nonEmpty && s.empty()) fail(path, "must not be empty");
        return s;
    }

    Guid requireGuid(const Json& v, const std::string& path) const {
        std::string s = requireString(v, path);
        auto g = Guid::parse(s);
        if (!g) fail(path, fmt::format("{} is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", shown(v)));
        return *g;
    }

    const Json& requireArray(const Json& v, const std::string& path) const {
        if (!v.is_array()) fail(path, fmt::format("must be an array, not {}", typeName(v)));
        return v;
    }

    int requirePort(const Json& v, const std::string& path) const {
        if (!v.is_number_integer()) fail(path, fmt::format("must be a port number, not {}", typeName(v)));
        auto n = v.get<std::int64_t>();
        if (n < 1 || n > 65535) fail(path, fmt::format("port {} is out of range (1-65535)", n));
        return static_cast<int>(n);
    }

    bool requireBool(const Json& v, const std::string& path) const {
        if (!v.is_boolean()) fail(path, fmt::format("must be true or false, not {}", shown(v)));
        return v.get<bool>();
    }

    void readTop(const Json& root, AppManifest& m) {
        auto field = [&](const char* key) -> const Json* {
            auto it = root.find(key);
            return it == root.end() ? nullptr : &*it;
        };
        auto required = [&](const char* key) -> const Json& {
            const Json* v = field(key);
            if (!v) fail(key, "is missing (a required field)");
            return *v;
        };

        const Json& schema = required("SchemaVersion");
        if (!schema.is_number_integer() || schema.get<std::int64_t>() != 1)
            fail("SchemaVersion", fmt::format("must be 1, not {}", shown(schema)));
        m.schemaVersion = 1;
        m.name = requireString(required("Name"), "Name");
        m.componentId = requireGuid(required("ComponentId"), "ComponentId");
        m.entryPoint = requireString(required("EntryPoint"), "EntryPoint");
        if (const Json* args = field("CmdArgs")) {
            requireArray(*args, "CmdArgs");
            for (std::size_t i = 0; i < args->size(); ++i)
                m.cmdArgs.push_back(requireString((*args)[i], fmt::format("CmdArgs[{}]", i), false));
        }
        if (const Json* type = field("ApplicationType")) {
            std::string t = requireString(*type, "ApplicationType");
            if (t == "Default") m.type = AppType::HighLevel;
            else if (t == "RealTimeCapable") m.type = AppType::RealTimeCapable;
            else fail("ApplicationType", fmt::format("{} is not \"Default\" or \"RealTimeCapable\"", shown(*type)));
        }
        if (const Json* caps = field("Capabilities")) {
            if (!caps->is_object())
                fail("Capabilities", fmt::format("must be an object, not {}", typeName(*caps)));
            readCapabilities(*caps, m);
        }
        // MallocVersion (1 or 2) picks the device's allocator; the emulated OS has one (musl's).
        if (const Json* mv = field("MallocVersion")) {
            if (!mv->is_number_integer() || (mv->get<std::int64_t>() != 1 && mv->get<std::int64_t>() != 2))
                fail("MallocVersion", fmt::format("{} is not 1 or 2", shown(*mv)));
        }
        static const std::set<std::string> known = {"SchemaVersion", "Name", "ComponentId",
                                                    "EntryPoint", "CmdArgs", "ApplicationType",
                                                    "Capabilities", "TargetApplicationRuntimeVersion",
                                                    "TargetBetaApis", "MallocVersion"};
        for (const auto& [key, value] : root.items())
            if (!known.count(key)) m.warnings.push_back(key + ": unknown field, ignored");
    }

    void readCapabilities(const Json& caps, AppManifest& m) {
        AppManifest::Capabilities& c = m.capabilities;
        for (const auto& [key, value] : caps.items()) {
            const std::string path = "Capabilities." + key;
            if (const KindInfo* info = peripheralKey(key)) {
                readPeripheralList(value, path, *info, c.*(info->list));
                if (info->kind == Kind::Eint && !m.isRealTime())
                    fail(path, "only real-time capable apps may use external interrupts");
            } else if (key == "AllowedApplicationConnections") {
                requireArray(value, path);
                for (std::size_t i = 0; i < value.size(); ++i) {
                    Guid g = requireGuid(value[i], fmt::format("{}[{}]", path, i));
                    if (std::find(c.allowedApplicationConnections.begin(),
                                  c.allowedApplicationConnections.end(), g) ==
                        c.allowedApplicationConnections.end())
                        c.allowedApplicationConnections.push_back(g);
                }
            } else if (key == "MutableStorage") {
                highLevelOnly(m, path);
                if (!value.is_object()) fail(path, fmt::format("must be an object, not {}", typeName(value)));
                auto it = value.find("SizeKB");
                if (it == value.end()) fail(path + ".SizeKB", "is missing (a required field)");
                if (!it->is_number_integer())
                    fail(path + ".SizeKB", fmt::format("must be an integer, not {}", typeName(*it)));
                auto kb = it->get<std::int64_t>();
                if (kb < 1 || kb > 64) fail(path + ".SizeKB", fmt::format("{} is out of range (1-64)", kb));
                c.mutableStorageKB = static_cast<std::uint32_t>(kb);
                for (const auto& [k, v] : value.items())
                    if (k != "SizeKB") m.warnings.push_back(path + "." + k + ": unknown field, ignored");
            } else if (key == "DeviceAuthentication") {
                highLevelOnly(m, path);
                c.deviceAuthentication = requireGuid(value, path);
            } else if (key == "AllowedConnections") {
                highLevelOnly(m, path);
                requireArray(value, path);
                for (std::size_t i = 0; i < value.size(); ++i)
                    c.allowedConnections.push_back(requireString(value[i], fmt::format("{}[{}]", path, i)));
            } else if (key == "AllowedTcpServerPorts" || key == "AllowedUdpServerPorts") {
                highLevelOnly(m, path);
                requireArray(value, path);
                auto& ports = key == "AllowedTcpServerPorts" ? c.allowedTcpServerPorts : c.allowedUdpServerPorts;
                for (std::size_t i = 0; i < value.size(); ++i)
                    ports.push_back(requirePort(value[i], fmt::format("{}[{}]", path, i)));
            } else if (key == "PowerControls") {
                highLevelOnly(m, path);
                requireArray(value, path);
                for (std::size_t i = 0; i < value.size(); ++i) {
                    std::string p = requireString(value[i], fmt::format("{}[{}]", path, i));
                    if (std::find(std::begin(kPowerControls), std::end(kPowerControls), p) == std::end(kPowerControls))
                        fail(fmt::format("{}[{}]", path, i),
                             fmt::format("{} is not ForcePowerDown, ForceReboot or SetPowerProfile", shown(value[i])));
                    c.powerControls.push_back(p);
                }
            } else if (std::find(std::begin(kHighLevelFlags), std::end(kHighLevelFlags), key) != std::end(kHighLevelFlags)) {
                if (requireBool(value, path)) {
                    highLevelOnly(m, path);
                    c.flags.push_back(key);
                }
            } else {
                m.warnings.push_back(path + ": unknown capability, ignored");
            }
        }
        std::sort(c.flags.begin(), c.flags.end());
        checkIsuFunctions(c);
    }

    void highLevelOnly(const AppManifest& m, const std::string& path) const {
        if (m.isRealTime()) fail(path, "is a high-level app capability; a real-time capable app cannot have it");
    }

    static const KindInfo* peripheralKey(const std::string& key) {
        for (const KindInfo& k : kPeripheralKeys)
            if (key == k.key) return &k;
        return nullptr;
    }

    void readPeripheralList(const Json& value, const std::string& path, const KindInfo& info,
                            std::vector<int>& out) const {
        requireArray(value, path);
        for (std::size_t i = 0; i < value.size(); ++i) {
            int n = resolve(value[i], fmt::format("{}[{}]", path, i), info.kind);
            if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
        }
    }

    /// One peripheral value: a number (GPIO only) or a name, possibly via the hardware names.
    int resolve(const Json& v, const std::string& path, Kind kind) const {
        if (kind == Kind::Gpio && v.is_number_integer()) return checkedGpio(v.get<std::int64_t>(), path);
        if (!v.is_string()) {
            fail(path, kind == Kind::Gpio
                           ? fmt::format("must be a GPIO number or name, not {}", typeName(v))
                           : fmt::format("must be a peripheral name string, not {}", typeName(v)));
        }
        std::string name = v.get<std::string>();
        std::string resolved = name;
        auto lookup = [&](const std::string& key) -> bool {
            auto it = options_.hardwareNames.find(key);
            if (it == options_.hardwareNames.end()) return false;
            resolved = it->second;
            return true;
        };
        if (!lookup(name) && !name.empty() && name[0] == '$') lookup(name.substr(1));

        std::optional<int> n;
        switch (kind) {
            case Kind::Gpio: {
                int pin = 0;
                auto [end, ec] = std::from_chars(resolved.data(), resolved.data() + resolved.size(), pin);
                if (ec == std::errc() && end == resolved.data() + resolved.size() && !resolved.empty())
                    return checkedGpio(pin, path);
                n = numberAfter(resolved, "GPIO", 1000);
                if (!n) n = numberAfter(resolved, "MT3620_GPIO", 1000);
                if (n) return checkedGpio(*n, path);
                break;
            }
            case Kind::Isu: n = numberAfter(resolved, "ISU", 4); break;
            case Kind::Adc: n = numberAfter(resolved, "ADC-CONTROLLER-", 0); break;
            case Kind::Pwm: n = numberAfter(resolved, "PWM-CONTROLLER-", 2); break;
            case Kind::Eint: n = numberAfter(resolved, "EINT", 23); break;
            case Kind::I2s: n = numberAfter(resolved, "I2S", 1); break;
        }
        if (n) return *n;
        static const char* const expected[] = {
            "a GPIO number, \"GPIO<n>\" or a hardware-definition name", "\"ISU0\"..\"ISU4\"",
            "\"ADC-CONTROLLER-0\"", "\"PWM-CONTROLLER-0\"..\"PWM-CONTROLLER-2\"",
            "\"EINT0\"..\"EINT23\"", "\"I2S0\" or \"I2S1\""};
        std::string hint = name.empty() || name[0] != '$' || resolved != name
                               ? ""
                               : " (a hardware-definition name: resolve it with the hardware definition or write the value)";
        fail(path, fmt::format("{} is not {}{}", shown(v), expected[static_cast<int>(kind)], hint));
    }

    int checkedGpio(std::int64_t pin, const std::string& path) const {
        if (pin < 0 || pin > 93) fail(path, fmt::format("GPIO {} does not exist (0-93)", pin));
        if (!manifestGpioAvailable(static_cast<int>(pin)))
            fail(path, fmt::format("GPIO {} is not available to applications (0-23, 26-48, 56-75, 80)", pin));
        return static_cast<int>(pin);
    }

    void checkIsuFunctions(const AppManifest::Capabilities& c) const {
        struct Use { const char* key; const std::vector<int>* list; };
        const Use uses[] = {{"Uart", &c.uart}, {"I2cMaster", &c.i2cMaster}, {"SpiMaster", &c.spiMaster}};
        for (std::size_t a = 0; a < std::size(uses); ++a)
            for (std::size_t b = a + 1; b < std::size(uses); ++b)
                for (int isu : *uses[a].list)
                    if (std::find(uses[b].list->begin(), uses[b].list->end(), isu) != uses[b].list->end())
                        fail(fmt::format("Capabilities.{}", uses[b].key),
                             fmt::format("ISU{} is already used as {}; an ISU has one function at a time",
                                         isu, uses[a].key));
    }

    const std::string& source_;
    const AppManifest::ParseOptions& options_;
};

}  // namespace

AppManifest AppManifest::parse(const std::string& source, std::string_view text,
                               const ParseOptions& options) {
    return Parser(source, options).run(text);
}

AppManifest AppManifest::load(const std::string& path, const ParseOptions& options) {
    std::filesystem::path file = path;
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) file /= "app_manifest.json";
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ManifestError(fmt::format("{}: cannot open the manifest", file.string()));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ManifestError(fmt::format("{}: cannot read the manifest", file.string()));
    return parse(file.string(), text.str(), options);
}

}  // namespace mt3620
