#pragma once
// An Azure Sphere application manifest (app_manifest.json), parsed and validated.
//
// AppManifest is a plain value type: it holds no JSON objects and no pointers, can be copied and
// compared, and the JSON library is an implementation detail of AppManifest.cpp. It is used by
// the firewall (peripheral ownership per core, reference §5), by the emulated OS (intercore
// connections, reference §6.3) and by image-package loading.
//
// What is checked (docs/app-manifest.md lists every rule and the messages):
//  * the text is JSON and its root is an object;
//  * SchemaVersion is 1; Name is a non-empty string; ComponentId is a GUID; EntryPoint is a
//    non-empty string; CmdArgs (optional) is an array of strings; ApplicationType (optional)
//    is "Default" (a high-level app on the A7) or "RealTimeCapable" (an RTApp on an IO M4);
//  * Capabilities (optional) is an object; every peripheral value is one the MT3620 offers
//    (reference §4, §5): Gpio pins 0-23, 26-48, 56-75, 80 as numbers or "GPIO<n>" /
//    "MT3620_GPIO<n>" names; Uart, I2cMaster, SpiMaster "ISU0".."ISU4"; Adc
//    "ADC-CONTROLLER-0"; Pwm "PWM-CONTROLLER-0".."2"; ExternalInterrupt "EINT0".."EINT23";
//    I2sSubordinate "I2S0"/"I2S1"; AllowedApplicationConnections GUIDs;
//    MutableStorage {"SizeKB": 1..64}; DeviceAuthentication a GUID; the lists of host names and
//    ports; the Boolean capabilities;
//  * an ISU is used for one function only (it cannot be both "Uart" and "I2cMaster");
//  * capabilities only the other kind of app can have are refused (ExternalInterrupt is for
//    RTApps; MutableStorage, network, certificate, power and update capabilities are for
//    high-level apps);
//  * other names in a manifest ("$SAMPLE_LED" from a hardware definition) must be resolved
//    through ParseOptions::hardwareNames; unknown fields become warnings (newer SDKs add them).
//
// Every error is a ManifestError whose message is one line:
//   "<file>: <json path>: <reason>"            e.g. "app_manifest.json: Capabilities.Gpio[2]:
//                                                     GPIO 24 is not available to applications"
//   "<file>:<line>:<column>: <reason>"         for JSON syntax errors.
#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mt3620 {

/// A manifest that cannot be used. The message names the file, the field and the reason.
class ManifestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A component ID. `bytes` is the standard GUID byte order the intercore protocol carries on the
/// wire (reference §6.3): data1 as u32 little-endian, data2 and data3 as u16 little-endian, then
/// the 8 bytes of data4 as written.
struct Guid {
    std::array<std::uint8_t, 16> bytes{};

    /// Accepts "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", any letter case, optionally in braces.
    static std::optional<Guid> parse(std::string_view text);
    /// Lower-case canonical form, no braces.
    std::string toString() const;
    auto operator<=>(const Guid&) const = default;
};

enum class AppType {
    HighLevel,        // "Default": runs on the Cortex-A7 under the Azure Sphere OS
    RealTimeCapable,  // "RealTimeCapable": runs bare-metal/RTOS on an IO Cortex-M4
};

/// "Default" or "RealTimeCapable" (the manifest spelling).
const char* appTypeName(AppType type);

struct AppManifest {
    /// The peripherals and services an app may use. Peripheral lists hold resolved numbers, in
    /// the manifest's order, without duplicates.
    struct Capabilities {
        std::vector<int> gpio;            // GPIO pin numbers
        std::vector<int> uart;            // ISU numbers used as UART
        std::vector<int> i2cMaster;       // ISU numbers used as I2C master
        std::vector<int> spiMaster;       // ISU numbers used as SPI master
        std::vector<int> i2sSubordinate;  // I2S interface numbers (0, 1)
        std::vector<int> adc;             // ADC controller numbers (only 0 exists)
        std::vector<int> pwm;             // PWM controller numbers (0..2)
        std::vector<int> externalInterrupt;  // EINT numbers (0..23)
        std::vector<Guid> allowedApplicationConnections;
        std::optional<std::uint32_t> mutableStorageKB;
        std::optional<Guid> deviceAuthentication;  // the tenant ID
        std::vector<std::string> allowedConnections;  // host names / IP addresses
        std::vector<int> allowedTcpServerPorts;
        std::vector<int> allowedUdpServerPorts;
        std::vector<std::string> powerControls;  // "ForcePowerDown", "ForceReboot", ...
        /// Boolean capabilities that are true (e.g. "WifiConfig", "NetworkConfig",
        /// "SystemEventNotifications", "SystemTime", "SoftwareUpdateDeferral", "TimeSyncConfig",
        /// "CertStore", "HardwareAddressConfig", "SntpService", "EnterpriseAuthentication",
        /// "ReadNetworkProxyConfig"). Sorted.
        std::vector<std::string> flags;

        /// Every ISU the app claims, whatever the function, sorted.
        std::vector<int> isus() const;
        bool operator==(const Capabilities&) const = default;
    };

    std::string source;  // the file name used in messages
    int schemaVersion = 1;
    std::string name;
    Guid componentId;
    std::string entryPoint;
    std::vector<std::string> cmdArgs;
    AppType type = AppType::HighLevel;
    Capabilities capabilities;
    /// Fields the parser did not recognise, each as "<json path>: unknown field, ignored".
    std::vector<std::string> warnings;

    bool isRealTime() const { return type == AppType::RealTimeCapable; }
    /// True when this app lists `peer` in AllowedApplicationConnections.
    bool allowsConnectionTo(const Guid& peer) const;

    struct ParseOptions {
        /// Names a hardware definition gives to peripheral values, e.g. {"$SAMPLE_LED_RED",
        /// "8"} or {"SAMPLE_UART", "ISU0"}: a string in a peripheral list is looked up here
        /// first (with and without a leading '$').
        std::map<std::string, std::string> hardwareNames;
    };

    /// Parses manifest text. `source` names the file in messages. Throws ManifestError.
    static AppManifest parse(const std::string& source, std::string_view text,
                             const ParseOptions& options);
    static AppManifest parse(const std::string& source, std::string_view text) {
        return parse(source, text, ParseOptions{});
    }
    /// Reads and parses a file (or, given a directory, its app_manifest.json).
    static AppManifest load(const std::string& path, const ParseOptions& options = {});

    bool operator==(const AppManifest&) const = default;
};

/// True when GPIO `pin` can be named in a manifest (pins 0-23, 26-48, 56-75 and 80: the SDK's
/// hardware definition, reference §4.1).
bool manifestGpioAvailable(int pin);

}  // namespace mt3620
