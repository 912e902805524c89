// High-level (A7) apps: plain musl programs built by the project (tests/hl-programs) run under
// `mt3620-emu run --a7` and under qemu-arm; their output and exit codes must match
// (docs/hl-apps.md). Lines marked "(timing)" depend on host speed under qemu and are dropped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <mt3620emu/Machine.h>

#include "E2eSupport.h"
#include "machine/Machine.h"
#include "os/HlProcess.h"

namespace {

std::string hl(const std::string& name) { return std::string(HL_DIR) + "/" + name; }

bool hlProgramsBuilt() { return std::filesystem::exists(hl("hello")); }

bool haveQemu() { return std::system("command -v qemu-arm >/dev/null 2>&1") == 0; }

#define REQUIRE_HL_PROGRAMS()                                                                        \
    if (!hlProgramsBuilt())                                                                          \
    GTEST_SKIP() << "A7 test programs not built: arm-linux-musleabihf-gcc or musl:armhf missing "   \
                    "(run scripts/setup.sh)"

/// Runs a shell command; stdout (and stderr when asked) captured; exit status as the shell
/// reports it (128 + signal for a killed process).
e2e::CommandResult shell(const std::string& cmd) {
    e2e::CommandResult r;
    FILE* p = ::popen(("{ " + cmd + "; }; echo \"@exit=$?\"").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    ::pclose(p);
    auto at = r.out.rfind("@exit=");
    if (at != std::string::npos) {
        r.exit_code = std::stoi(r.out.substr(at + 6));
        r.out.erase(at);
    }
    return r;
}

/// Drops lines that differ for reasons outside the app: host timing ("(timing)"), and the
/// messages qemu and the shell print when the app dies of a signal.
std::string withoutTimingLines(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
        if (line.find("(timing)") != std::string::npos || line.rfind("qemu: uncaught target signal", 0) == 0 ||
            line.rfind("Aborted", 0) == 0 || line.rfind("Segmentation fault", 0) == 0)
            continue;
        out += line + "\n";
    }
    return out;
}

/// A machine with only `program` loaded on the A7 (quiet log).
std::unique_ptr<mt3620::Machine> machineWith(const std::string& program) {
    mt3620::MachineConfig cfg;
    cfg.logger = std::make_shared<spdlog::logger>("null");
    auto m = std::make_unique<mt3620::Machine>(cfg);
    mt3620::os::HlAppSpec spec;
    spec.elf_path = hl(program);
    m->loadHlApp(spec);
    return m;
}

struct Case {
    const char* program;
    const char* args;
    int exit_code;
    const char* name = nullptr;  // test name when one program runs with several arguments
};

class HlVersusQemu : public ::testing::TestWithParam<Case> {};

/// The program's name (or the case's), '-' as '_'.
std::string caseName(const ::testing::TestParamInfo<Case>& info) {
    std::string n = info.param.name ? info.param.name : info.param.program;
    for (char& ch : n)
        if (ch == '-') ch = '_';
    return n;
}

TEST_P(HlVersusQemu, SameOutputAndExitCode) {
    REQUIRE_HL_PROGRAMS();
    const Case& c = GetParam();
    // The emulator prints the app's stdout and stderr (one stream) on its stdout; its own log
    // goes to stderr.
    auto emu = shell("cd " + std::string(HL_DIR) + " && " + EMU_EXE + " run --log-level error --a7-env GREETING=hi --a7 " +
                     c.program + " -- " + c.args + " 2>/dev/null");
    EXPECT_EQ(emu.exit_code, c.exit_code) << emu.out;
    if (!haveQemu()) GTEST_SKIP() << "qemu-arm not installed (scripts/setup.sh installs qemu-user): no reference run";
    auto ref = shell("cd " + std::string(HL_DIR) + " && env -i GREETING=hi qemu-arm ./" + c.program + " " + c.args +
                     " 2>&1");
    EXPECT_EQ(ref.exit_code, c.exit_code) << ref.out;
    EXPECT_EQ(withoutTimingLines(emu.out), withoutTimingLines(ref.out));
    EXPECT_FALSE(emu.out.empty());
}

INSTANTIATE_TEST_SUITE_P(Programs, HlVersusQemu,
                         ::testing::Values(Case{"hello", "", 0}, Case{"hello-static", "", 0},
                                           Case{"hello-nopie", "one two", 0}, Case{"malloc-heavy", "", 0},
                                           Case{"file-io", "", 0}, Case{"clock-sleep", "", 0},
                                           Case{"args-env", "first 'second arg' third", 3},
                                           Case{"events", "", 0}, Case{"crash-segv", "", 139},
                                           Case{"crash-abort", "", 134}, Case{"compute", "300000", 0}, Case{"signals", "", 0},
                                           Case{"fault-signals", "", 0}),
                         caseName);

// Memory semantics of the page-table address space, and threads (tests/e2e/test_hl_threads.cpp).
INSTANTIATE_TEST_SUITE_P(MemoryAndThreads, HlVersusQemu,
                         ::testing::Values(Case{"mem-fault", "ok", 0, "mem-fault-ok"},
                                           Case{"mem-fault", "munmap", 139, "mem-fault-munmap"},
                                           Case{"mem-fault", "readonly", 139, "mem-fault-readonly"},
                                           Case{"mem-fault", "noexec", 139, "mem-fault-noexec"},
                                           Case{"threads", "", 0}, Case{"thread-pingpong", "", 0},
                                           Case{"thread-timedwait", "", 0}),
                         caseName);

TEST(HlApps, CrashIsReportedWithSignalAddressAndPc) {
    REQUIRE_HL_PROGRAMS();
    auto r = e2e::runEmu("run --a7 " + hl("crash-segv"));
    EXPECT_EQ(r.exit_code, 139);
    EXPECT_NE(r.out.find("about to crash"), std::string::npos);
    EXPECT_NE(r.err.find("terminated by signal SIGSEGV (11)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("write to address 0x00000010"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("in /mnt/apps/crash-segv/crash-segv"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("App state: crashed"), std::string::npos) << r.err;
}

TEST(HlApps, RandomBytesComeFromThePlutonRngPerDevice) {
    REQUIRE_HL_PROGRAMS();
    const std::string root = e2e::tmpPath("hl-random");
    std::filesystem::remove_all(root);
    ::setenv("XDG_DATA_HOME", (root + "/home").c_str(), 1);
    auto run = [&](const std::string& device) {
        auto r = e2e::runEmu("run --log-level error" + device + " --a7 " + hl("random-bytes"));
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_THAT(r.out, ::testing::MatchesRegex("getrandom [0-9a-f]{32}\nAT_RANDOM [0-9a-f]{32}\n"));
        return r.out;
    };
    const std::string none = run(""), a = run(" --device " + root + "/a --device-seed a");
    EXPECT_EQ(run(""), none);                                             // reproducible
    EXPECT_EQ(run(" --device " + root + "/a"), a);                        // the same device again
    EXPECT_NE(a, none);                                                   // each device its own stream
    EXPECT_NE(run(" --device " + root + "/b --device-seed b"), a);
    EXPECT_NE(none.substr(10, 32), none.substr(none.find("AT_RANDOM") + 10, 32));  // two draws differ
}

TEST(HlApps, SleepsTakeVirtualTimeDeterministically) {
    REQUIRE_HL_PROGRAMS();
    auto run = [] {
        auto mp = machineWith("clock-sleep");
        mt3620::Machine& m = *mp;
        auto why = m.runFor(e2e::sec(5));
        EXPECT_EQ(why, mt3620::Machine::StopReason::Halted);
        EXPECT_EQ(m.hlApp()->status(), mt3620::os::HlProcess::Status::Exited);
        return std::pair{m.a7Capture().text(), m.now()};
    };
    auto [text1, end1] = run();
    auto [text2, end2] = run();
    EXPECT_EQ(text1, text2);
    EXPECT_EQ(end1, end2);
    // 50 ms + 20 ms + the rest of the second after that: 1.07 s plus the instructions run.
    EXPECT_NE(text1.find("elapsed ms (timing): 1070"), std::string::npos) << text1;
    EXPECT_GE(end1, e2e::ms(1070));
}

TEST(HlApps, OutputCapturedAsStreamA7WithVirtualTimes) {
    REQUIRE_HL_PROGRAMS();
    auto mp = machineWith("events");
    mt3620::Machine& m = *mp;
    m.runFor(e2e::sec(2));
    const auto& lines = m.a7Capture().lines();
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front().text, "timer tick 1");
    // stdout is fully buffered (not a terminal): everything arrives at exit, after 5 ticks of
    // 10 ms and the 30 ms timeout.
    EXPECT_GE(lines.back().time, e2e::ms(80));
    EXPECT_LT(lines.back().time, e2e::ms(90));
}

TEST(HlApps, RunsBesideAnM4App) {
    REQUIRE_HL_PROGRAMS();
    auto r = e2e::runEmu("run --time-limit 200ms --m4-0 " + e2e::firmware("hello") + " --a7 " + hl("hello"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("a7| Hello from the A7!"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("m4-0| "), std::string::npos) << r.out;
}

TEST(HlApps, ExitCodeBecomesTheEmulatorsStatus) {
    REQUIRE_HL_PROGRAMS();
    auto r = e2e::runEmu("run --a7 " + hl("args-env") + " -- a b c d e");
    EXPECT_EQ(r.exit_code, 5);
    EXPECT_NE(r.err.find("app exited with code 5"), std::string::npos) << r.err;
}

TEST(HlApps, BadElfIsRefusedWithAMessage) {
    std::string path = e2e::tmpPath("not-an-arm-linux.elf");
    std::system(("cp " + e2e::firmware("hello") + " " + path).c_str());
    auto r = e2e::runEmu("run --a7 " + path);
    EXPECT_EQ(r.exit_code, 2);
    // An RTApp (bare-metal, linked for TCM) cannot be mapped by a Linux loader.
    EXPECT_NE(r.err.find("cannot load a7 app: " + path + ": program header 0: p_vaddr 0x100000 and p_offset 0x200 "
                         "differ modulo the page size"),
              std::string::npos)
        << r.err;
}

}  // namespace

namespace {

TEST(HlApps, PublicApiRunsAnA7App) {
    REQUIRE_HL_PROGRAMS();
    mt3620emu::Options o;
    o.log_level = "off";
    mt3620emu::Machine m(o);
    std::string streamed;
    m.onSerialOutput("a7", [&](char c, mt3620emu::Picoseconds) { streamed.push_back(c); });
    m.loadHlApp(hl("args-env"), {"x", "y"}, {"GREETING=api"});
    EXPECT_EQ(m.hlAppStatus(), "running");
    EXPECT_FALSE(m.hlAppExitStatus());
    EXPECT_TRUE(m.runUntilSerial("a7", "GREETING=api", mt3620emu::seconds(1)));
    m.runFor(mt3620emu::ms(10));
    EXPECT_EQ(m.serialOutput("a7"), "argv[1] = 'x'\nargv[2] = 'y'\nGREETING=api\n");
    EXPECT_EQ(streamed, m.serialOutput("a7"));
    EXPECT_EQ(m.hlAppExitStatus(), 2);
    EXPECT_EQ(m.hlAppStatus(), "exited with code 2");
    EXPECT_THROW(m.writeSerial("a7", "x"), mt3620emu::Error);
    EXPECT_THROW(m.loadHlApp(hl("hello")), mt3620emu::Error);  // one app per A7
}

}  // namespace

namespace {

TEST(HlApps, SigtermFromTheOsRunsTheAppsHandler) {
    REQUIRE_HL_PROGRAMS();
    auto m = machineWith("sigterm");
    m->runFor(e2e::ms(250));
    EXPECT_EQ(m->hlApp()->status(), mt3620::os::HlProcess::Status::Running);
    m->hlApp()->sendSignal(15, "app stop requested");  // interrupts the third 100 ms sleep
    m->runFor(e2e::sec(1));
    EXPECT_EQ(m->hlApp()->status(), mt3620::os::HlProcess::Status::Exited);
    EXPECT_EQ(m->hlApp()->exitCode(), 7);
    EXPECT_EQ(m->a7Capture().text(), "waiting for SIGTERM\ngot SIGTERM after 3 sleeps\n");
}

TEST(HlApps, SigtermWithoutAHandlerEndsTheApp) {
    REQUIRE_HL_PROGRAMS();
    auto m = machineWith("clock-sleep");
    m->runFor(e2e::ms(10));
    m->hlApp()->sendSignal(15, "app stop requested");
    EXPECT_EQ(m->hlApp()->status(), mt3620::os::HlProcess::Status::Killed);
    EXPECT_EQ(m->hlApp()->exitCode(), 128 + 15);
    EXPECT_NE(m->hlApp()->core().faultReport().find("SIGTERM (15): app stop requested"), std::string::npos);
}

}  // namespace
