// High-level apps that use libapplibs (firmware-samples/hl-*, built with the project's musl
// toolchain against its sysroot) on the emulated Azure Sphere OS: the board's LEDs follow the
// app's GPIOs, the ISU0 UART echoes, the LSM6DS3 answers over I2C, mutable storage survives a
// restart, and the manifest is enforced (docs/hl-apps.md).
#include <gtest/gtest.h>
#include <mt3620emu/Machine.h>

#include <filesystem>

#include "E2eSupport.h"
#include "board/BoardFile.h"
#include "board/Button.h"
#include "board/Board.h"
#include "machine/Machine.h"
#include "os/AppDevices.h"
#include "os/HlAppPackage.h"
#include "os/HlProcess.h"
#include "periph/MtkUart.h"

using namespace mt3620;
using e2e::ms;
using e2e::sec;

namespace {

std::string appDir(const std::string& name) { return std::string(HL_APPS_DIR) + "/apps/" + name; }
std::string applibs() { return std::string(HL_APPS_DIR) + "/lib/libapplibs.so.0"; }

/// The machine with the built-in RDB board and the app directory `name` on the A7.
struct HlRun {
    explicit HlRun(const std::string& name, const std::string& storage = {}, std::vector<std::string> args = {}) {
        MachineConfig cfg;
        cfg.logger = std::make_shared<spdlog::logger>("null");
        m = std::make_unique<Machine>(cfg);
        m->loadBoard(BoardFile::loadOrBuiltIn(""));
        os::HlAppPackage pkg = os::resolveHlApp(appDir(name), "", args, {});
        app = &m->loadHlApp(pkg.spec);
        os::installAppDevices(*app, m->shared(), pkg.manifest, os::AppDeviceOptions{applibs(), storage});
        m->pins().addListener(&edges);
    }
    std::string out() { return m->a7Capture().text(); }

    struct Edges : PinListener {
        std::vector<std::pair<Picos, bool>> of[PinBank::kPinCount];
        void pinChanged(unsigned pin, bool level, Picos t) override { of[pin].push_back({t, level}); }
    } edges;
    std::unique_ptr<Machine> m;
    os::HlProcess* app = nullptr;
};

}  // namespace

TEST(HlApplibs, BlinkTogglesLed1RedEveryHalfSecondAndButtonAMakesItFast) {
    REQUIRE_HL_APPS();
    HlRun r("hl-blink");
    r.m->runFor(ms(1100));
    ASSERT_EQ(r.app->status(), os::HlProcess::Status::Running) << r.out();
    EXPECT_NE(r.out().find("hl-blink: LED1 red on GPIO 8, button A on GPIO 12\n"), std::string::npos) << r.out();
    // Opened high (LED off), then low at 0.5 s (LED on), high at 1.0 s: within the time the
    // app needs to start (the dynamic loader and libapplibs run first).
    const auto& e = r.edges.of[8];
    ASSERT_GE(e.size(), 2u) << r.out();
    std::vector<std::pair<Picos, bool>> blinks(e.end() - 2, e.end());
    EXPECT_FALSE(blinks[0].second);
    EXPECT_TRUE(blinks[1].second);
    EXPECT_NEAR(static_cast<double>(blinks[1].first - blinks[0].first) / kPicosPerMilli, 500.0, 0.01);
    EXPECT_NE(r.out().find("LED on\nLED off\n"), std::string::npos) << r.out();

    // Button A (active low) switches to the fast blink: 125 ms between edges.
    r.m->board()->button("A")->press();
    r.m->runFor(ms(50));
    r.m->board()->button("A")->release();
    EXPECT_NE(r.out().find("button A: fast blink\n"), std::string::npos) << r.out();
    const std::size_t before = e.size();
    r.m->runFor(ms(1000));
    ASSERT_GE(e.size(), before + 6);
    EXPECT_NEAR(static_cast<double>(e.back().first - e[e.size() - 2].first) / kPicosPerMilli, 125.0, 0.01);
}

TEST(HlApplibs, HelloWorldShapedAppBlinksTheRdbLedOnceASecond) {
    REQUIRE_HL_APPS();
    HlRun r("hl-helloworld");
    r.m->runFor(ms(3500));
    EXPECT_NE(r.out().find("Starting CMake Hello application...\nOpening SAMPLE_LED as output.\n"), std::string::npos)
        << r.out();
    const auto& e = r.edges.of[8];
    ASSERT_GE(e.size(), 4u) << r.out();  // open (high), then a toggle each second
    for (std::size_t i = e.size() - 3; i + 1 < e.size(); ++i)
        EXPECT_NEAR(static_cast<double>(e[i + 1].first - e[i].first) / kPicosPerMilli, 1000.0, 0.01);
    EXPECT_EQ(r.app->status(), os::HlProcess::Status::Running);
}

TEST(HlApplibs, UartEchoAnswersOnIsu0AndEndsOnQ) {
    REQUIRE_HL_APPS();
    HlRun r("hl-uart-echo");
    r.m->runFor(ms(100));
    const SerialCapture& isu0 = r.m->shared().isu_capture[0];
    ASSERT_EQ(isu0.text(), "hl-uart-echo ready\r\n") << r.out();
    MtkUart& uart = *r.m->shared().isu_uart[0];
    for (char c : std::string("abc")) uart.receiveByte(static_cast<std::uint8_t>(c));
    r.m->runFor(ms(20));
    EXPECT_EQ(isu0.text(), "hl-uart-echo ready\r\nabc") << r.out();
    uart.receiveByte('q');
    r.m->runFor(ms(100));
    EXPECT_EQ(isu0.text(), "hl-uart-echo ready\r\nabcq\r\nbye\r\n") << r.out();
    EXPECT_EQ(r.app->status(), os::HlProcess::Status::Exited) << r.out();
    EXPECT_EQ(r.app->exitCode(), 0);
    EXPECT_NE(r.out().find("echoed 1 byte(s), 4 in all\n"), std::string::npos) << r.out();
}

TEST(HlApplibs, I2cAccelReadsTheBoardsLsm6ds3) {
    REQUIRE_HL_APPS();
    HlRun r("hl-i2c-accel");
    r.m->runFor(sec(2));
    EXPECT_EQ(r.app->status(), os::HlProcess::Status::Exited) << r.out();
    EXPECT_EQ(r.app->exitCode(), 0) << r.out();
    EXPECT_NE(r.out().find("WHO_AM_I = 0x69 (LSM6DS3)\n"), std::string::npos) << r.out();
    // The RDB board file's accelerometer lies flat: 1 g on z.
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = r.out().find("acceleration mg: x=0 y=0 z=1000\n", at)) != std::string::npos; ++at)
        ++lines;
    EXPECT_EQ(lines, 5u) << r.out();
}

TEST(HlApplibs, ManifestViolationAppGetsEaccesForEveryUndeclaredPeripheral) {
    REQUIRE_HL_APPS();
    HlRun r("hl-manifest-violation");
    r.m->runFor(sec(1));
    EXPECT_EQ(r.app->status(), os::HlProcess::Status::Exited) << r.out();
    EXPECT_EQ(r.app->exitCode(), 0) << r.out();
    for (const char* what : {"GPIO 9", "GPIO 12 as input", "UART ISU0", "I2C ISU2", "SPI ISU1 CS0", "ADC controller 0",
                             "PWM controller 0", "mutable storage"})
        EXPECT_NE(r.out().find(std::string(what) + ": refused: Permission denied (13)\n"), std::string::npos)
            << what << "\n" << r.out();
    EXPECT_NE(r.out().find("GPIO 8 (granted): opened\n"), std::string::npos) << r.out();
    EXPECT_NE(r.out().find("0 unexpected answers\n"), std::string::npos) << r.out();
}

// ---- Through the CLI ----------------------------------------------------------------------

TEST(HlApplibsCli, StorageCounterSurvivesRestarts) {
    REQUIRE_HL_APPS();
    const std::string dir = e2e::tmpPath("hl-storage-cli");
    std::filesystem::remove_all(dir);
    const std::string cmd = "run --log-level error --applibs " + applibs() + " --storage " + dir + " --a7 " +
                            appDir("hl-storage-counter");
    for (int i = 1; i <= 3; ++i) {
        auto r = e2e::runEmu(cmd);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, "this app has started " + std::to_string(i) + (i == 1 ? " time\n" : " times\n")) << r.err;
    }
    EXPECT_TRUE(std::filesystem::exists(dir + "/9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a04.bin"));
    auto reset = e2e::runEmu(cmd + " -- reset");
    EXPECT_EQ(reset.out, "storage deleted\nthis app has started 1 time\n") << reset.err;
}

TEST(HlApplibsCli, ManifestViolationExitsZeroOnlyWhenEveryAccessIsRefused) {
    REQUIRE_HL_APPS();
    auto r = e2e::runEmu("run --log-level warn --applibs " + applibs() + " --a7 " + appDir("hl-manifest-violation"));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("UART ISU0: refused: Permission denied (13)"), std::string::npos) << r.out;
    // The OS says why, once per device.
    EXPECT_NE(r.err.find("app manifest: ISU0 UART is not granted (Uart capability): EACCES"), std::string::npos) << r.err;
    // The same app with a manifest that grants the UART: that access is no longer refused.
    const std::string manifest = e2e::tmpPath("grants-uart.json");
    std::ofstream(manifest) << R"({"SchemaVersion": 1, "Name": "v", "ComponentId": "c4d5e6f7-0819-4a2b-9c3d-4e5f6a7b8c05",
        "EntryPoint": "/bin/app", "Capabilities": {"Gpio": [8], "Uart": ["ISU0"]}})";
    auto granted = e2e::runEmu("run --log-level error --applibs " + applibs() + " --manifest " + manifest + " --a7 " +
                               appDir("hl-manifest-violation"));
    EXPECT_EQ(granted.exit_code, 1) << granted.out;
    EXPECT_NE(granted.out.find("UART ISU0: opened UNEXPECTED"), std::string::npos) << granted.out;
}

TEST(HlApplibsCli, MalformedManifestRefusesToStartTheApp) {
    REQUIRE_HL_APPS();
    const std::string manifest = e2e::tmpPath("bad-manifest.json");
    std::ofstream(manifest) << R"({"SchemaVersion": 1, "Name": "x", "ComponentId": "not-a-guid", "EntryPoint": "/bin/app"})";
    auto r = e2e::runEmu("run --applibs " + applibs() + " --manifest " + manifest + " --a7 " + appDir("hl-blink"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("bad-manifest.json: ComponentId"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");

    const std::string no_manifest_dir = e2e::tmpPath("not-an-app");
    std::filesystem::create_directories(no_manifest_dir);
    auto d = e2e::runEmu("run --a7 " + no_manifest_dir);
    EXPECT_NE(d.exit_code, 0);
    EXPECT_NE(d.err.find("not an app directory: it has no app_manifest.json"), std::string::npos) << d.err;
}

TEST(HlApplibsCli, BlinkAppDirectoryRunsUntilTheTimeLimit) {
    REQUIRE_HL_APPS();
    auto r = e2e::runEmu("run --log-level error --applibs " + applibs() + " --time-limit 1200ms --a7 " + appDir("hl-blink"));
    EXPECT_NE(r.out.find("hl-blink: LED1 red on GPIO 8, button A on GPIO 12\nLED on\nLED off\n"), std::string::npos)
        << r.out << r.err;
}

// ---- Through the embedding API ------------------------------------------------------------

TEST(HlApplibsApi, UartEchoAppDirectoryThroughThePublicMachine) {
    REQUIRE_HL_APPS();
    mt3620emu::Machine m;
    mt3620emu::Machine::HlAppOptions options;
    options.applibs = applibs();
    m.loadHlApp(appDir("hl-uart-echo"), options);
    ASSERT_TRUE(m.runUntilSerial("ISU0", "ready\r\n", ms(200))) << m.serialOutput("a7");
    m.writeSerial("ISU0", "hi q");
    m.runFor(ms(200));
    EXPECT_EQ(m.serialOutput("ISU0"), "hl-uart-echo ready\r\nhi q\r\nbye\r\n") << m.serialOutput("a7");
    EXPECT_EQ(m.hlAppExitStatus(), std::optional<int>(0)) << m.hlAppStatus();
    EXPECT_NE(m.serialOutput("a7").find("hl-uart-echo: exit 0\n"), std::string::npos) << m.serialOutput("a7");
}

TEST(HlApplibsApi, MalformedManifestIsAnError) {
    REQUIRE_HL_APPS();
    const std::string manifest = e2e::tmpPath("api-bad-manifest.json");
    std::ofstream(manifest) << R"({"SchemaVersion": 2})";
    mt3620emu::Machine m;
    mt3620emu::Machine::HlAppOptions options;
    options.manifest = manifest;
    try {
        m.loadHlApp(appDir("hl-blink"), options);
        FAIL() << "a malformed manifest was accepted";
    } catch (const mt3620emu::Error& e) {
        EXPECT_NE(std::string(e.what()).find("api-bad-manifest.json: SchemaVersion"), std::string::npos) << e.what();
    }
    EXPECT_EQ(m.hlAppStatus(), "not loaded");
}
