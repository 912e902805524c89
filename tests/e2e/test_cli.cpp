// End-to-end: the mt3620-emu command line, as a user runs it.
#include <gtest/gtest.h>

#include <fstream>

#include "e2e/E2eSupport.h"

using e2e::firmware;
using e2e::runEmu;

TEST(CliRun, HelloToTerminalUntilTimeLimit) {
    auto r = runEmu("run --m4-0 " + firmware("hello") + " --time-limit 2500ms");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "mt3620-emu hello sample\r\nHello from the M4 at 1 s\r\nHello from the M4 at 2 s\r\n");
}

TEST(CliRun, UartOutWritesEachCoreToItsFile) {
    std::string f0 = e2e::tmpPath("cli-m4-0.txt"), f1 = e2e::tmpPath("cli-m4-1.txt");
    auto r = runEmu("run --m4-0 " + firmware("hello") + " --m4-1 " + firmware("counter") +
                    " --time-limit 600ms --uart-out " + f0 + " --uart-out m4-1=" + f1);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(e2e::readFile(f0), "mt3620-emu hello sample\r\n");
    EXPECT_EQ(e2e::readFile(f1), "counter 0\r\ncounter 1\r\ncounter 2\r\n");
}

TEST(CliRun, BothCoresOnTheTerminalArePrefixed) {
    auto r = runEmu("run --m4-0 " + firmware("hello") + " --m4-1 " + firmware("counter") + " --time-limit 300ms");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("m4-0| mt3620-emu hello sample"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("m4-1| counter 1"), std::string::npos) << r.out;
}

TEST(CliRun, StopsByItselfWhenFirmwareIsIdle) {
    auto r = runEmu("run --m4-0 " + firmware("compute") + " --log-level info");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("compute done"), std::string::npos);
    EXPECT_NE(r.err.find("stopped: all cores idle with nothing scheduled"), std::string::npos) << r.err;
}

TEST(CliRun, OutputIsIdenticalAcrossRuns) {
    std::string args = "run --m4-0 " + firmware("tick-tock") + " --m4-1 " + firmware("counter") + " --time-limit 2s";
    auto a = runEmu(args), b = runEmu(args);
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_FALSE(a.out.empty());
    EXPECT_EQ(a.out, b.out);
}

TEST(CliRun, RejectsAFileThatIsNotAnElf) {
    std::string bad = e2e::tmpPath("not-an-elf.elf");
    std::ofstream(bad) << "this is not an ELF file";
    auto r = runEmu("run --m4-0 " + bad + " --time-limit 1s");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("not-an-elf.elf"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not an ELF file"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

TEST(CliRun, RejectsAMissingFileAndBadOptions) {
    auto missing = runEmu("run --m4-0 /nonexistent/app.elf");
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.err.find("/nonexistent/app.elf"), std::string::npos) << missing.err;

    auto bad_time = runEmu("run --m4-0 " + firmware("hello") + " --time-limit 5");
    EXPECT_EQ(bad_time.exit_code, 2);
    EXPECT_NE(bad_time.err.find("--time-limit '5'"), std::string::npos) << bad_time.err;

    auto nothing = runEmu("run");
    EXPECT_EQ(nothing.exit_code, 2);
    EXPECT_NE(nothing.err.find("nothing to run"), std::string::npos) << nothing.err;
}

TEST(CliRun, HelpListsEveryOption) {
    auto r = runEmu("run --help");
    EXPECT_EQ(r.exit_code, 0);
    for (const char* opt : {"--m4-0", "--m4-1", "--time-limit", "--uart-out", "--log-level", "--trace", "--keep-going", "--quantum"})
        EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}
