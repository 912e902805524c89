// Threads of A7 apps (docs/hl-apps.md "Threads"): musl programs using pthreads produce the same
// output under the emulator as under qemu-arm, two emulator runs are identical to the
// picosecond, and memory semantics hold with the page-table address space.
#include <gtest/gtest.h>

#include <filesystem>

#include "E2eSupport.h"
#include "machine/Machine.h"
#include "os/HlProcess.h"

namespace {

std::string hl(const std::string& name) { return std::string(HL_DIR) + "/" + name; }

#define REQUIRE_HL_PROGRAM(name)                                                                    \
    if (!std::filesystem::exists(hl(name)))                                                         \
    GTEST_SKIP() << "A7 test programs not built: arm-linux-musleabihf-gcc or musl:armhf missing " \
                    "(run scripts/setup.sh)"

struct AppRun {
    std::string text;
    mt3620::Picos end = 0;
    mt3620::os::HlProcess::Status status{};
    int exit_code = -1;
};

AppRun runOnce(const std::string& program) {
    mt3620::MachineConfig cfg;
    cfg.logger = std::make_shared<spdlog::logger>("null");
    mt3620::Machine m(cfg);
    mt3620::os::HlAppSpec spec;
    spec.elf_path = hl(program);
    m.loadHlApp(spec);
    EXPECT_EQ(m.runFor(e2e::sec(60)), mt3620::Machine::StopReason::Halted) << program;
    return {m.a7Capture().text(), m.now(), m.hlApp()->status(), m.hlApp()->exitCode()};
}

class HlThreadPrograms : public ::testing::TestWithParam<const char*> {};

TEST_P(HlThreadPrograms, TwoRunsAreIdentical) {
    // (Same output as under qemu-arm: HlVersusQemu in test_hl_apps.cpp.)
    const std::string program = GetParam();
    REQUIRE_HL_PROGRAM(program);
    const AppRun a = runOnce(program), b = runOnce(program);
    EXPECT_EQ(a.status, mt3620::os::HlProcess::Status::Exited);
    EXPECT_EQ(a.exit_code, 0) << a.text;
    EXPECT_FALSE(a.text.empty());
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.end, b.end);  // same virtual time, bit for bit
}

INSTANTIATE_TEST_SUITE_P(Programs, HlThreadPrograms,
                         ::testing::Values("threads", "thread-pingpong", "thread-timedwait"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& ch : n)
                                 if (ch == '-') ch = '_';
                             return n;
                         });

TEST(HlThreads, TimedWaitTakesItsTimeoutInVirtualTime) {
    REQUIRE_HL_PROGRAM("thread-timedwait");
    const AppRun r = runOnce("thread-timedwait");
    // 100 ms timeout, then the main thread's 20 ms sleep: the app ends after both, and not
    // much later (the waits sleep the core; no busy loop runs the clock on).
    EXPECT_GE(r.end, e2e::ms(120));
    EXPECT_LT(r.end, e2e::ms(140)) << r.end;
    EXPECT_NE(r.text.find("first wait: ETIMEDOUT after >= 100 ms: yes"), std::string::npos) << r.text;
}

TEST(HlThreads, ForkIsRefusedWithEnosys) {
    REQUIRE_HL_PROGRAM("no-fork");
    const AppRun r = runOnce("no-fork");
    EXPECT_EQ(r.exit_code, 0) << r.text;
    EXPECT_NE(r.text.find("fork: Function not implemented"), std::string::npos) << r.text;
}

}  // namespace
