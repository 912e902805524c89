// Application manifests: good manifests parse into the values a user wrote, and every kind of bad
// manifest is refused with the file, the JSON path of the field and the reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "image/AppManifest.h"

namespace mt3620 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kDir = std::string(TEST_DATA_DIR) + "/manifests/";

AppManifest::ParseOptions sampleNames() {
    AppManifest::ParseOptions o;
    o.hardwareNames = {{"SAMPLE_LED", "10"}};
    return o;
}

TEST(AppManifestTest, ParsesAnRtAppWithEveryPeripheralKind) {
    AppManifest m = AppManifest::load(kDir + "good-rtapp.json", sampleNames());
    EXPECT_EQ(m.name, "IntercoreComms_RTApp_MT3620_BareMetal");
    EXPECT_EQ(m.componentId.toString(), "005180bc-402f-4cb3-a662-72937dbcde47");
    EXPECT_EQ(m.entryPoint, "/bin/app");
    EXPECT_TRUE(m.isRealTime());
    const auto& c = m.capabilities;
    EXPECT_THAT(c.gpio, ElementsAre(8, 12, 13, 10));
    EXPECT_THAT(c.uart, ElementsAre(0));
    EXPECT_THAT(c.i2cMaster, ElementsAre(2));
    EXPECT_THAT(c.spiMaster, ElementsAre(1));
    EXPECT_THAT(c.isus(), ElementsAre(0, 1, 2));
    EXPECT_THAT(c.adc, ElementsAre(0));
    EXPECT_THAT(c.pwm, ElementsAre(2));
    EXPECT_THAT(c.externalInterrupt, ElementsAre(12, 13));
    ASSERT_EQ(c.allowedApplicationConnections.size(), 1u);
    EXPECT_TRUE(m.allowsConnectionTo(*Guid::parse("25025D2C-66DA-4448-BAE1-AC26FCDD3627")));
    EXPECT_FALSE(m.allowsConnectionTo(m.componentId));
    EXPECT_TRUE(m.warnings.empty());
}

TEST(AppManifestTest, ParsesAHighLevelAppAndWarnsAboutUnknownFields) {
    AppManifest m = AppManifest::load(kDir + "good-hlapp.json");
    EXPECT_EQ(m.type, AppType::HighLevel);
    EXPECT_THAT(m.cmdArgs, ElementsAre("--verbose", ""));
    const auto& c = m.capabilities;
    EXPECT_EQ(c.mutableStorageKB, 8u);
    EXPECT_THAT(c.allowedConnections, ElementsAre("example.com", "10.0.0.1"));
    EXPECT_THAT(c.allowedTcpServerPorts, ElementsAre(1024));
    EXPECT_THAT(c.allowedUdpServerPorts, ElementsAre(53));
    ASSERT_TRUE(c.deviceAuthentication.has_value());
    EXPECT_EQ(c.deviceAuthentication->toString(), "11111111-2222-3333-4444-555555555555");
    EXPECT_THAT(c.powerControls, ElementsAre("ForceReboot"));
    EXPECT_THAT(c.flags, ElementsAre("SystemTime", "WifiConfig"));  // NetworkConfig is false
    EXPECT_THAT(m.warnings, ElementsAre("Capabilities.FutureCapability: unknown capability, ignored",
                                        "SomethingNew: unknown field, ignored"));
}

TEST(AppManifestTest, MinimalManifestIsAHighLevelAppWithNoCapabilities) {
    AppManifest m = AppManifest::load(kDir + "good-minimal.json");
    EXPECT_EQ(m.type, AppType::HighLevel);
    EXPECT_EQ(m.capabilities, AppManifest::Capabilities{});
}

TEST(AppManifestTest, LoadAcceptsAnAppDirectory) {
    EXPECT_THROW(
        {
            try {
                AppManifest::load(kDir);  // the folder has no app_manifest.json
            } catch (const ManifestError& e) {
                EXPECT_THAT(e.what(), HasSubstr("manifests/app_manifest.json: cannot open"));
                throw;
            }
        },
        ManifestError);
}

TEST(AppManifestTest, GuidWireOrderIsLittleEndianForTheFirstThreeFields) {
    auto g = Guid::parse("005180bc-402f-4cb3-a662-72937dbcde47");
    ASSERT_TRUE(g);
    const std::array<std::uint8_t, 16> wire = {0xbc, 0x80, 0x51, 0x00, 0x2f, 0x40, 0xb3, 0x4c,
                                               0xa6, 0x62, 0x72, 0x93, 0x7d, 0xbc, 0xde, 0x47};
    EXPECT_EQ(g->bytes, wire);
    EXPECT_FALSE(Guid::parse("005180bc-402f-4cb3-a662-72937dbcde4"));
    EXPECT_FALSE(Guid::parse("005180bc-402f-4cb3-a662+72937dbcde47"));
    EXPECT_FALSE(Guid::parse("005180bc-402f-4cb3-a662-72937dbcde4g"));
    EXPECT_FALSE(Guid::parse("{005180bc-402f-4cb3-a662-72937dbcde47"));
}

struct BadCase {
    const char* file;
    const char* message;  // what follows "<file>: "
};

class BadManifestTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadManifestTest, IsRefusedWithFileFieldAndReason) {
    const BadCase& c = GetParam();
    const std::string path = kDir + c.file;
    try {
        AppManifest::load(path, sampleNames());
        FAIL() << c.file << " was accepted";
    } catch (const ManifestError& e) {
        EXPECT_EQ(std::string(e.what()), path + c.message);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, BadManifestTest,
    ::testing::Values(
        BadCase{"bad-syntax.json", ":3:21: not valid JSON: syntax error while parsing value - invalid literal; last read: '\"ComponentId\": tru '"},
        BadCase{"bad-root.json", ": (root): must be an object, not an array"},
        BadCase{"bad-empty.json", ":2:1: not valid JSON: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"},
        BadCase{"bad-schema.json", ": SchemaVersion: must be 1, not 2"},
        BadCase{"bad-missing-name.json", ": Name: is missing (a required field)"},
        BadCase{"bad-component-id.json", ": ComponentId: \"not-a-guid\" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"},
        BadCase{"bad-entry-point.json", ": EntryPoint: must not be empty"},
        BadCase{"bad-cmdargs.json", ": CmdArgs[1]: must be a string, not an integer"},
        BadCase{"bad-app-type.json", ": ApplicationType: \"RealTime\" is not \"Default\" or \"RealTimeCapable\""},
        BadCase{"bad-capabilities.json", ": Capabilities: must be an object, not an array"},
        BadCase{"bad-gpio-range.json", ": Capabilities.Gpio[2]: GPIO 94 does not exist (0-93)"},
        BadCase{"bad-gpio-reserved.json", ": Capabilities.Gpio[2]: GPIO 24 is not available to applications (0-23, 26-48, 56-75, 80)"},
        BadCase{"bad-gpio-type.json", ": Capabilities.Gpio[0]: must be a GPIO number or name, not a Boolean"},
        BadCase{"bad-gpio-name.json", ": Capabilities.Gpio[0]: \"$SAMPLE_BUTTON_1\" is not a GPIO number, \"GPIO<n>\" or a hardware-definition name (a hardware-definition name: resolve it with the hardware definition or write the value)"},
        BadCase{"bad-isu.json", ": Capabilities.Uart[0]: \"ISU5\" is not \"ISU0\"..\"ISU4\""},
        BadCase{"bad-isu-twice.json", ": Capabilities.SpiMaster: ISU1 is already used as Uart; an ISU has one function at a time"},
        BadCase{"bad-adc.json", ": Capabilities.Adc[0]: \"ADC-CONTROLLER-1\" is not \"ADC-CONTROLLER-0\""},
        BadCase{"bad-pwm.json", ": Capabilities.Pwm[0]: \"PWM-CONTROLLER-3\" is not \"PWM-CONTROLLER-0\"..\"PWM-CONTROLLER-2\""},
        BadCase{"bad-eint.json", ": Capabilities.ExternalInterrupt[0]: \"EINT24\" is not \"EINT0\"..\"EINT23\""},
        BadCase{"bad-eint-hl.json", ": Capabilities.ExternalInterrupt: only real-time capable apps may use external interrupts"},
        BadCase{"bad-connection.json", ": Capabilities.AllowedApplicationConnections[0]: \"005180bc-402f-4cb3-a662-72937dbcde4\" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"},
        BadCase{"bad-storage-rt.json", ": Capabilities.MutableStorage: is a high-level app capability; a real-time capable app cannot have it"},
        BadCase{"bad-storage-size.json", ": Capabilities.MutableStorage.SizeKB: 65 is out of range (1-64)"},
        BadCase{"bad-port.json", ": Capabilities.AllowedTcpServerPorts[0]: port 0 is out of range (1-65535)"},
        BadCase{"bad-flag.json", ": Capabilities.WifiConfig: must be true or false, not \"yes\""},
        BadCase{"bad-power.json", ": Capabilities.PowerControls[0]: \"Sleep\" is not ForcePowerDown, ForceReboot or SetPowerProfile"},
        BadCase{"bad-malloc-version.json", ": MallocVersion: 3 is not 1 or 2"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
        std::string n = info.param.file;
        n = n.substr(0, n.find('.'));
        for (char& ch : n)
            if (ch == '-') ch = '_';
        return n;
    });

TEST(AppManifestTest, NumberTooLargeForAnyTypeIsRefused) {
    const std::string path = kDir + "bad-number-overflow.json";
    try {
        AppManifest::load(path);
        FAIL() << "accepted";
    } catch (const ManifestError& e) {
        EXPECT_THAT(e.what(), ::testing::StartsWith(path + ": not valid JSON: number overflow parsing '1000"));
        EXPECT_LT(std::string(e.what()).size(), path.size() + 200);  // one readable line
    }
}

TEST(AppManifestTest, ManifestsAreComparableValues) {
    AppManifest a = AppManifest::load(kDir + "good-rtapp.json", sampleNames());
    AppManifest b = a;
    EXPECT_EQ(a, b);
    b.capabilities.gpio.push_back(0);
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace mt3620
