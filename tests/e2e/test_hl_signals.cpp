// Signals of the emulated Azure Sphere OS (docs/hl-apps.md, "Faults and signals" and
// "Stopping"): a crash report names the faulting instruction itself, and the OS stops an app
// still running at the end of a run with SIGTERM, two seconds of virtual time, then SIGKILL,
// through the CLI (--time-limit, Ctrl-C) and the public API. The fault handlers themselves are
// compared with qemu-arm in test_hl_apps.cpp (program fault-signals).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include <mt3620emu/Machine.h>

#include "E2eSupport.h"

using ::testing::HasSubstr;

namespace {

std::string hl(const std::string& name) { return std::string(HL_DIR) + "/" + name; }

#define REQUIRE_HL_PROGRAMS()                                                                      \
    if (!std::filesystem::exists(hl("sigterm")))                                                  \
    GTEST_SKIP() << "A7 test programs not built: arm-linux-musleabihf-gcc or musl:armhf missing " \
                    "(run scripts/setup.sh)"

mt3620emu::Options quiet() {
    mt3620emu::Options o;
    o.log_level = "off";
    return o;
}

}  // namespace

TEST(HlSignals, CrashReportNamesTheFaultingInstructionNotItsBlock) {
    REQUIRE_HL_PROGRAMS();
    auto r = e2e::runEmu("run --a7 " + hl("fault-signals") + " -- crash");
    EXPECT_EQ(r.exit_code, 139) << r.out << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("store at \\+(0x[0-9a-f]+)"))) << r.out;
    EXPECT_THAT(r.err, HasSubstr("terminated by signal SIGSEGV (11): unmapped write to address 0x00000020 (PC "));
    EXPECT_THAT(r.err, HasSubstr("in /mnt/apps/fault-signals/fault-signals +" + m[1].str() + ")"));
}

TEST(HlSignals, TimeLimitStopsTheAppWithSigtermAndItsHandlerRuns) {
    REQUIRE_HL_PROGRAMS();
    auto r = e2e::runEmu("run --log-level info --time-limit 1s --a7 " + hl("sigterm"));
    // The run ended by its time limit, not by the app: the emulator's status is 0, and the log
    // says how the app ended.
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "waiting for SIGTERM\ngot SIGTERM after 10 sleeps\n");
    EXPECT_THAT(r.err, HasSubstr("the OS stops the app: SIGTERM, then 2000 ms to exit"));
    EXPECT_THAT(r.err, HasSubstr("app exited with code 7"));
}

TEST(HlSignals, CtrlCStopsTheAppWithSigterm) {
    REQUIRE_HL_PROGRAMS();
    if (std::system("command -v timeout >/dev/null 2>&1") != 0) GTEST_SKIP() << "no timeout(1)";
    // No time limit: the run lasts until Ctrl-C (SIGINT from timeout after 2 s of host time).
    // --foreground: without it GNU timeout sends SIGINT to the emulator and then again to its
    // whole process group, and a second Ctrl-C ends the emulator at once (exit 130), by design.
    auto r = e2e::runEmu("run --log-level info --a7 " + hl("sigterm"), "timeout --foreground --preserve-status -s INT 2 ");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("got SIGTERM after "));
    EXPECT_THAT(r.err, HasSubstr("interrupted (Ctrl-C)"));
    EXPECT_THAT(r.err, HasSubstr("app exited with code 7"));
}

TEST(HlSignals, PublicApiStopGivesTheAppTwoSecondsThenSigkill) {
    REQUIRE_HL_PROGRAMS();
    mt3620emu::Machine handled(quiet());
    handled.loadHlApp(hl("sigterm"));
    handled.runFor(mt3620emu::ms(350));
    const auto asked = handled.now();
    EXPECT_TRUE(handled.stopHlApp());
    EXPECT_EQ(handled.hlAppStatus(), "exited with code 7");
    EXPECT_EQ(handled.serialOutput("a7"), "waiting for SIGTERM\ngot SIGTERM after 4 sleeps\n");
    EXPECT_LT(handled.now() - asked, mt3620emu::ms(1));  // the handler ends the app at once
    EXPECT_FALSE(handled.stopHlApp());                   // nothing left to stop

    mt3620emu::Machine ignoring(quiet());
    ignoring.loadHlApp(hl("sigterm"), {"ignore"});
    ignoring.runFor(mt3620emu::ms(100));
    const auto start = ignoring.now();
    EXPECT_FALSE(ignoring.stopHlApp());
    EXPECT_EQ(ignoring.hlAppStatus(), "terminated by signal SIGKILL (9)");
    EXPECT_EQ(ignoring.now() - start, mt3620emu::seconds(2));

    mt3620emu::Machine plain(quiet());
    plain.loadHlApp(hl("sigterm"), {"default"});
    plain.runFor(mt3620emu::ms(100));
    EXPECT_TRUE(plain.stopHlApp());
    EXPECT_EQ(plain.hlAppStatus(), "terminated by signal SIGTERM (15)");
    EXPECT_EQ(plain.hlAppExitStatus(), 143);
}

TEST(HlSignals, AnAppWithoutAHandlerStoppedAtTheTimeLimitIsStoppedNotCrashed) {
    REQUIRE_HL_PROGRAMS();
    auto r = e2e::runEmu("run --log-level info --time-limit 300ms --a7 " + hl("sigterm") + " -- default");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("terminated by signal SIGTERM (15): the OS stopped the app"));
    EXPECT_THAT(r.err, HasSubstr("App state: stopped (exit status 143)"));
    EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
}
