// Error reports survive a killed emulator (docs/security.md, "Error reporting"): `run --device`
// writes each report while the machine runs, so after a SIGKILL `device error-report` lists
// the watchdog reset or firewall denial that happened before it, and a kill at any moment
// leaves a device whose reports read back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <random>
#include <regex>
#include <thread>
#include <vector>

#include "E2eSupport.h"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using e2e::runEmu;
using namespace std::chrono_literals;

namespace {

const std::string kSamples = std::string(SOURCE_DIR) + "/firmware-samples/";

std::string freshDir(const std::string& name) {
    fs::path p = fs::path(e2e::tmpPath("error-reports-kill")) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

/// The emulator started in the background with `args`, its output discarded.
pid_t spawnEmu(const std::vector<std::string>& args) {
    pid_t pid = ::fork();
    if (pid != 0) return pid;
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv{const_cast<char*>(EMU_EXE)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(EMU_EXE, argv.data());
    ::_exit(127);
}

bool stillRunning(pid_t pid) {
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == 0;
}

/// SIGKILL, and the exit status; true if SIGKILL is what ended it.
bool killHard(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/// Polls `done` every 10 ms for up to `limit` of real time.
bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

std::size_t reportFiles(const std::string& device) {
    std::error_code ec;
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(device + "/errors", ec))
        if (e.path().extension() == ".state") ++n;
    return n;
}

/// The highest "Count:" in `device error-report` output (1 for a report without one, 0 if none).
unsigned long highestCount(const std::string& listing) {
    unsigned long best = listing.find("Error reports: 0\n") == std::string::npos ? 1 : 0;
    std::regex count(R"(Count: +(\d+))");
    for (std::sregex_iterator it(listing.begin(), listing.end(), count), end; it != end; ++it)
        best = std::max(best, std::stoul((*it)[1]));
    return best;
}

/// Starts `run` with `args` (its device `device`), waits until it has written an error report,
/// checks that it is still running, SIGKILLs it and returns `device error-report`'s output.
std::string reportsAfterKillOnceWritten(const std::vector<std::string>& args, const std::string& device) {
    pid_t pid = spawnEmu(args);
    EXPECT_GT(pid, 0);
    if (pid <= 0) return {};
    const bool written = waitUntil([&] { return reportFiles(device) > 0 || !stillRunning(pid); }, 120s);
    const bool running = stillRunning(pid);
    EXPECT_TRUE(killHard(pid)) << "the run ended before the kill";
    EXPECT_TRUE(written && running) << "no error report while the machine ran";
    auto r = runEmu("device error-report --device " + device);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

/// The sample `m4_0` on m4-0 next to tick-tock on m4-1, which busy-waits, so the run goes on in
/// about real time; with a fresh device. The error reports after it wrote one and was killed.
std::string reportsOfKilledRunWithTickTock(const std::string& m4_0) {
    ::setenv("XDG_DATA_HOME", freshDir(m4_0 + "-home").c_str(), 1);
    const std::string dev = freshDir(m4_0) + "/device";
    return reportsAfterKillOnceWritten({"run", "--no-board", "--time-limit", "3600s", "--device", dev, "--m4-0",
                                        e2e::firmware(m4_0), "--m4-1", e2e::firmware("tick-tock")},
                                       dev);
}

/// blink on m4-0 owns GPIO group 2; blink on m4-1 (no manifest) writes it every 500 ms of
/// virtual time, ignored and logged with --firewall log: a firewall denial that repeats for the
/// whole run (idle cores: virtual time runs far ahead of real time).
std::vector<std::string> repeatingDenialRun(const std::string& device) {
    return {"run", "--time-limit", "100000s", "--firewall", "log", "--keep-going", "--device", device,
            "--m4-0", e2e::firmware("blink"), "--manifest-m4-0", kSamples + "firewall-violation/blink_manifest.json",
            "--m4-1", e2e::firmware("blink")};
}

}  // namespace

TEST(ErrorReportsKill, WatchdogResetReportedBeforeTheRunEndsSurvivesSigkill) {
    // The watchdog sample stops kicking and is reset at ~2 s of virtual time.
    const std::string out = reportsOfKilledRunWithTickTock("watchdog");
    EXPECT_THAT(out, HasSubstr("Error reports: 1\n"));
    EXPECT_THAT(out, HasSubstr("WatchdogReset\n      Component: " + e2e::firmware("watchdog") +
                               "\n      Core:      m4-0\n      Detail:    watchdog timeout (first at 2."));
}

TEST(ErrorReportsKill, RepeatedFirewallDenialCountReachesTheDiskDuringTheRun) {
    ::setenv("XDG_DATA_HOME", freshDir("firewall-home").c_str(), 1);
    const std::string dev = freshDir("firewall") + "/device";
    pid_t pid = spawnEmu(repeatingDenialRun(dev));
    ASSERT_GT(pid, 0);
    // The count is rewritten while the run goes on, not only at its end.
    std::string listing;
    const bool counted = waitUntil(
        [&] {
            listing = runEmu("device error-report --device " + dev).out;
            return highestCount(listing) >= 3 || !stillRunning(pid);
        },
        60s);
    const bool running = stillRunning(pid);
    const unsigned long before_kill = highestCount(listing);
    EXPECT_TRUE(killHard(pid)) << "the run ended before the kill";
    ASSERT_TRUE(counted && running) << listing;
    auto r = runEmu("device error-report --device " + dev);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("FirewallDenial"));
    EXPECT_THAT(r.out, HasSubstr("Core:      m4-1"));
    EXPECT_THAT(r.out, HasSubstr("access to 0x38030014 denied (ignored, --firewall log): it belongs to m4-0"));
    EXPECT_GE(highestCount(r.out), before_kill);
}

TEST(ErrorReportsKill, SigkillAtAnyMomentLeavesReadableReports) {
    ::setenv("XDG_DATA_HOME", freshDir("random-home").c_str(), 1);
    const std::string dir = freshDir("random");
    auto makeDevice = [&](const std::string& dev) {
        return runEmu("device show --device " + dev + " --device-seed k").exit_code == 0;
    };
    // How long until the first report here (device open, machine start, one fsync): kills land
    // in [0, that + 3 count-update intervals], before, during and after the writes.
    const std::string calib = dir + "/calibration";
    ASSERT_TRUE(makeDevice(calib));
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = spawnEmu(repeatingDenialRun(calib));
    ASSERT_GT(pid, 0);
    const bool written = waitUntil([&] { return reportFiles(calib) > 0; }, 60s);
    const auto first_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    killHard(pid);
    ASSERT_TRUE(written);
    std::mt19937 rng(20261126);
    constexpr int kKills = 20;
    const int span_ms = static_cast<int>(first_ms) + 750;
    int none = 0, some = 0, rewritten = 0;
    for (int i = 0; i < kKills; ++i) {
        SCOPED_TRACE("iteration " + std::to_string(i));
        const std::string dev = dir + "/device" + std::to_string(i);
        ASSERT_TRUE(makeDevice(dev));
        // Spread over the span (a random point in each of kKills slices), so both ends are hit.
        const int delay_ms = span_ms * i / kKills + std::uniform_int_distribution<int>(0, span_ms / kKills)(rng);
        pid = spawnEmu(repeatingDenialRun(dev));
        ASSERT_GT(pid, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        killHard(pid);
        auto r = runEmu("device error-report --device " + dev);
        ASSERT_EQ(r.exit_code, 0) << "killed after " << delay_ms << " ms: " << r.err;
        // The device still boots and records.
        auto again = runEmu("run --no-board --time-limit 10ms --device " + dev + " --m4-0 " + e2e::firmware("hello"));
        EXPECT_EQ(again.exit_code, 0) << again.err;
        const unsigned long count = highestCount(r.out);
        none += count == 0;
        some += count > 0;
        rewritten += count > 1;
    }
    // The kills span the writes: some before any report, some after counts were rewritten.
    EXPECT_GT(none, 0);
    EXPECT_GT(some, 0);
    EXPECT_GT(rewritten, 0);
}

TEST(ErrorReportsKill, CrashReportedWhileTheOtherCoreRunsSurvivesSigkill) {
    const std::string out = reportsOfKilledRunWithTickTock("fault-null");
    EXPECT_THAT(out, HasSubstr("Error reports: 1\n"));
    EXPECT_THAT(out, HasSubstr("AppCrash\n      Component: " + e2e::firmware("fault-null") + "\n      Core:      m4-0\n"
                                 "      Detail:    m4-0 fault: precise bus error"));
}
