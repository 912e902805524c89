// End-to-end: interrupt-driven samples and faults (issue: Cortex-M4 exception model).
#include <gtest/gtest.h>

#include <regex>

#include "e2e/E2eSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"

#include <unicorn/unicorn.h>

using namespace mt3620;
using e2e::firmware;
using e2e::ms;
using e2e::sec;

namespace {

struct SampleRun {
    explicit SampleRun(const std::string& sample, Picos duration, const std::string& second = "") {
        m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware(sample)));
        if (!second.empty()) m.loadRtApp(CoreId::M4_1, RtAppImage::load(firmware(second)));
        stop = m.runFor(duration);
    }
    const SerialCapture& uart(CoreId c = CoreId::M4_0) { return m.m4(c).debug_uart_capture; }
    std::string text(CoreId c = CoreId::M4_0) { return uart(c).text(); }
    std::string field(const std::string& pattern) {
        std::smatch match;
        std::string t = text();
        return std::regex_search(t, match, std::regex(pattern)) ? match[1].str() : "";
    }
    Machine m;
    Machine::StopReason stop;
};

}  // namespace

TEST(GptTickSample, TicksEverySecondFromTheTimerInterrupt) {
    SampleRun r("gpt-tick", sec(60) + ms(500));
    const auto& lines = r.uart().lines();
    ASSERT_EQ(lines.size(), 61u) << r.text();
    // The timer starts once the banner is printed (~4 ms) and then fires every second.
    EXPECT_GE(lines[1].time, sec(1));
    EXPECT_LE(lines[1].time, sec(1) + ms(6));
    for (unsigned n = 1; n <= 60; ++n) {
        EXPECT_EQ(lines[n].text, "tick " + std::to_string(n));
        const double drift_us = (static_cast<double>(lines[n].time) - static_cast<double>(lines[1].time) -
                                 static_cast<double>(sec(n - 1))) / 1e6;
        EXPECT_LT(std::abs(drift_us), 200.0) << n;  // one more digit to print: +87 us
    }
    // The core sleeps in WFI between interrupts: 60 s at 26 MHz would be 1.56e9 instructions
    // if it spun; asleep it executes a few thousand per second.
    EXPECT_LT(r.m.m4(CoreId::M4_0).core.instructions(), 2'000'000u);
}

TEST(RtosSwitchSample, PreemptiveThreadsGiveTheSingleThreadedChecksums) {
    SampleRun threaded("rtos-switch", sec(1));
    SampleRun single("rtos-single", sec(1));
    std::string a = threaded.field(R"(thread A checksum: (0x[0-9a-f]{8}))");
    std::string b = threaded.field(R"(thread B checksum: (0x[0-9a-f]{8}))");
    ASSERT_FALSE(a.empty()) << threaded.text();
    EXPECT_EQ(a, single.field(R"(thread A checksum: (0x[0-9a-f]{8}))"));
    EXPECT_EQ(b, single.field(R"(thread B checksum: (0x[0-9a-f]{8}))"));
    EXPECT_GT(std::stoi(threaded.field(R"(switches: (\d+))")), 10);
    EXPECT_NE(threaded.text().find("rtos-switch done"), std::string::npos);
}

TEST(FpuPreemptSample, LazyStackingPreservesBothFloatContexts) {
    SampleRun r("fpu-preempt", sec(1));
    EXPECT_NE(r.text().find("check: ok"), std::string::npos) << r.text();
    EXPECT_EQ(r.field(R"(main checksum: (0x[0-9a-f]{8}))"), "0x351664d0");
    EXPECT_EQ(r.field(R"(irq checksum: (0x[0-9a-f]{8}))"), r.field(R"(irq expected: (0x[0-9a-f]{8}))"));
    EXPECT_GT(std::stoi(r.field(R"(interrupts: (\d+))")), 50);
    EXPECT_GT(std::stoi(r.field(R"(nested: (\d+))")), 0);  // SysTick preempted the GPT handler
}

TEST(FaultSamples, NullWriteHaltsTheCoreWithAPreciseBusFaultReport) {
    SampleRun r("fault-null", sec(1));
    CortexM4& core = r.m.m4(CoreId::M4_0).core;
    EXPECT_EQ(core.state(), CoreState::Halted);
    EXPECT_EQ(r.stop, Machine::StopReason::Halted);
    const std::string& report = core.faultReport();
    EXPECT_NE(report.find("HardFault handler is a default spin loop"), std::string::npos) << report;
    EXPECT_NE(report.find("PRECISERR"), std::string::npos) << report;
    EXPECT_NE(report.find("BFAR 0x00000000"), std::string::npos) << report;
    EXPECT_NE(report.find("FORCED"), std::string::npos) << report;
    // The report's faulting PC is the store itself, not the start of its block.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(report, m, std::regex(R"(code at the faulting PC (0x[0-9a-f]+):\n\s+0x[0-9a-f]+: (\w+))")));
    EXPECT_EQ(m[2].str(), "str") << report;
    EXPECT_EQ(r.text().find("not reached"), std::string::npos);
}

TEST(FaultSamples, UndefinedInstructionIsReportedAsUndefinstr) {
    SampleRun r("fault-undef", sec(1));
    const std::string& report = r.m.m4(CoreId::M4_0).core.faultReport();
    EXPECT_NE(report.find("UNDEFINSTR"), std::string::npos) << report;
    EXPECT_NE(report.find(": udf"), std::string::npos) << report;
    EXPECT_EQ(r.text().find("not reached"), std::string::npos);
}

TEST(FaultSamples, FirmwareHardFaultHandlerReadsTheFaultRegisters) {
    SampleRun r("fault-handler", sec(1));
    std::string pc = r.field(R"(bad read at PC=(0x[0-9a-f]{8}))");
    ASSERT_FALSE(pc.empty()) << r.text();
    EXPECT_NE(r.text().find("HardFault: CFSR=0x00008200 HFSR=0x40000000 BFAR=0x40000000 PC=" + pc), std::string::npos)
        << r.text();
    // A real handler ran, so the emulator neither halts the core nor prints a report.
    EXPECT_NE(r.m.m4(CoreId::M4_0).core.state(), CoreState::Halted);
    EXPECT_TRUE(r.m.m4(CoreId::M4_0).core.faultReport().empty());
}

TEST(FaultSamples, TheOtherCoreKeepsRunning) {
    SampleRun r("fault-null", sec(2), "counter");
    EXPECT_EQ(r.m.m4(CoreId::M4_0).core.state(), CoreState::Halted);
    const auto& lines = r.uart(CoreId::M4_1).lines();
    ASSERT_EQ(lines.size(), 8u);  // counter 0..7 at 250 ms steps ("counter 8" ends just after 2 s)
    EXPECT_EQ(lines.back().text, "counter 7");
}

TEST(WatchdogSample, BitesAndTheAppRestartsKnowingWhy) {
    SampleRun r("watchdog", sec(3));
    const auto& lines = r.uart().lines();
    std::vector<std::string> texts;
    for (const auto& l : lines) texts.push_back(l.text);
    std::vector<std::string> expected = {"watchdog start, status 0x00000000", "watchdog enabled, 1 s timeout",
                                         "kick 1", "kick 2", "kick 3", "kick 4", "stopped kicking",
                                         "watchdog start, status 0x00008000", "rebooted by watchdog"};
    EXPECT_EQ(texts, expected);
    ASSERT_EQ(lines.size(), expected.size());
    // The last kick is at ~1.0 s, the timeout 1 s later.
    EXPECT_NEAR(static_cast<double>(lines[7].time) / 1e12, 2.0, 0.02);
}

TEST(WatchdogSample, InterruptModeRaisesIrq3) {
    SampleRun r("watchdog-irq", sec(3));
    const auto& lines = r.uart().lines();
    ASSERT_EQ(lines.size(), 4u) << r.text();
    EXPECT_EQ(lines[2].text, "watchdog interrupt");
    EXPECT_NEAR(static_cast<double>(lines[2].time) / 1e12, 1.0, 0.01);
    EXPECT_EQ(lines[3].text, "done");
    EXPECT_EQ(r.stop, Machine::StopReason::Idle);
}

TEST(CliFaults, RunExitsNonZeroOnAHaltedCoreUnlessKeepGoing) {
    auto r = e2e::runEmu("run --m4-0 " + firmware("fault-undef") + " --time-limit 1s");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("UNDEFINSTR"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("1 core halted on a fault"), std::string::npos) << r.err;
    auto k = e2e::runEmu("run --m4-0 " + firmware("fault-undef") + " --time-limit 1s --keep-going");
    EXPECT_EQ(k.exit_code, 0) << k.err;
}

TEST(DebugStep, StepsIntoAPendingInterruptOnlyWhenAsked) {
    for (bool take : {false, true}) {
        Machine m;
        // rtos-switch's threads compute with interrupts unmasked; PendSV switches them.
        RtAppImage image = RtAppImage::load(firmware("rtos-switch"));
        const std::uint32_t handler = *image.symbolAddress("PendSV_Handler") & ~1u;
        m.loadRtApp(CoreId::M4_0, image);
        m.runFor(ms(50));
        CortexM4& core = m.m4(CoreId::M4_0).core;
        ASSERT_EQ(core.readReg(UC_ARM_REG_IPSR), 0u) << "in a thread";
        core.nvic().setPending(exc::kPendSv);
        core.requestDebugHalt();
        core.debugStep(take);
        EXPECT_EQ(core.debugStop(), CortexM4::DebugStop::Step);
        const std::uint32_t pc = core.readReg(UC_ARM_REG_PC) & ~1u;
        if (take) EXPECT_EQ(pc, handler);
        else EXPECT_NE(pc, handler);
    }
}
