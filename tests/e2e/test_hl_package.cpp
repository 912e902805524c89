// `mt3620-emu run --a7 app.imagepackage` (docs/hl-apps.md): a high-level app packed by
// `image pack-application` is verified by secure boot like an RTApp's package, unpacked into a
// temporary app directory and run; a package signed by a key the device does not trust is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "e2e/E2eSupport.h"

using ::testing::HasSubstr;

namespace {

const std::string kApps = std::string(HL_APPS_DIR) + "/apps";

/// Sets XDG_DATA_HOME (where the developer key and the device live) for the commands it runs.
class DataHome {
public:
    explicit DataHome(const std::string& dir) {
        if (const char* old = std::getenv("XDG_DATA_HOME")) old_ = old;
        ::setenv("XDG_DATA_HOME", dir.c_str(), 1);
    }
    ~DataHome() {
        if (old_) ::setenv("XDG_DATA_HOME", old_->c_str(), 1);
        else ::unsetenv("XDG_DATA_HOME");
    }

private:
    std::optional<std::string> old_;
};

}  // namespace

TEST(HlPackage, RunA7TakesASignedImagePackageAndRefusesAnUntrustedOne) {
    if (!std::filesystem::exists(kApps + "/hl-blink/bin/app"))
        GTEST_SKIP() << "the HL sample apps are not built (arm-linux-musleabihf-gcc missing)";
    const std::string pkg = e2e::tmpPath("hl-blink.imagepackage");
    const std::string home = e2e::tmpPath("hl-package-home");
    std::filesystem::remove_all(home);
    {
        DataHome h(home);
        auto packed = e2e::runEmu("image pack-application --manifest " + kApps + "/hl-blink/app_manifest.json --input " +
                                  kApps + "/hl-blink -o " + pkg);
        ASSERT_EQ(packed.exit_code, 0) << packed.err;
        auto r = e2e::runEmu("run --a7 " + pkg + " --time-limit 1100ms");
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_THAT(r.out, HasSubstr("hl-blink: LED1 red on GPIO 8, button A on GPIO 12\nLED on\nLED off\n")) << r.err;
    }
    {
        DataHome h(e2e::tmpPath("hl-package-other-home"));
        auto r = e2e::runEmu("run --a7 " + pkg + " --time-limit 100ms");
        EXPECT_NE(r.exit_code, 0);
        EXPECT_THAT(r.err, HasSubstr("cannot load a7 app: " + pkg + ": signature section 'SG'")) << r.err;
        EXPECT_THAT(r.err, HasSubstr("which this device does not trust")) << r.err;
        EXPECT_EQ(r.out, "");
    }
}
