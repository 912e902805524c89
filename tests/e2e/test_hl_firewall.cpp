// The firewall between a high-level app and RTApps (issue #9, docs/firewall.md): the OS assigns
// what the HL app's manifest names to the A7, so an RTApp whose manifest claims the same
// peripheral is refused (and the other way round), naming the app that holds it.
#include <gtest/gtest.h>
#include <mt3620emu/Machine.h>

#include <filesystem>
#include <functional>

#include "e2e/E2eSupport.h"

using namespace mt3620emu;

namespace {

std::string hlApp(const std::string& name) { return std::string(HL_APPS_DIR) + "/apps/" + name; }
const std::string kBlinkManifest = std::string(SOURCE_DIR) + "/firmware-samples/firewall-violation/blink_manifest.json";

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(HlFirewall, HlAppClaimingAnRtAppsGpioIsRefusedNamingTheOwner) {
    REQUIRE_HL_APPS();
    Machine m;
    m.loadRtApp(Core::M4_0, e2e::firmware("blink"), kBlinkManifest);  // GPIO 8
    const std::string err = errorOf([&] { m.loadHlApp(hlApp("hl-blink"), Machine::HlAppOptions{}); });
    EXPECT_NE(err.find("cannot start 'hl-blink' on a7"), std::string::npos) << err;
    EXPECT_NE(err.find("in use by 'blink' on m4-0"), std::string::npos) << err;
    EXPECT_EQ(m.hlAppStatus(), "not loaded");
}

TEST(HlFirewall, RtAppClaimingTheHlAppsGpioIsRefusedAndTheM4LosesTheBlock) {
    REQUIRE_HL_APPS();
    Machine m;
    m.loadHlApp(hlApp("hl-blink"), Machine::HlAppOptions{});
    const std::string err = errorOf([&] { m.loadRtApp(Core::M4_0, e2e::firmware("blink"), kBlinkManifest); });
    EXPECT_NE(err.find("in use by 'hl-blink' on a7"), std::string::npos) << err;
    // An RTApp without a manifest shares only what no manifest claimed: GPIO 8's block is the A7's.
    m.loadRtApp(Core::M4_1, e2e::firmware("firewall-violation"), std::string(SOURCE_DIR) +
                                                                     "/firmware-samples/firewall-violation/app_manifest.json");
    m.runFor(ms(50));
    EXPECT_TRUE(m.runUntilSerial("m4-1", "firewall-violation: BusFault CFSR 0x00008200 BFAR 0x38030014", ms(50)))
        << "the write to GPIO 8 (the A7's) is a precise BusFault";
    EXPECT_NE(m.hlAppStatus(), "not loaded");
}
