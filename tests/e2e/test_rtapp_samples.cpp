// End-to-end: the project's own RTApps, cross-built from firmware-samples/, on the Machine.
#include <gtest/gtest.h>

#include <regex>

#include "e2e/E2eSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"

using namespace mt3620;
using e2e::firmware;
using e2e::ms;
using e2e::sec;

namespace {

SerialCapture& uart(Machine& m, CoreId c) { return m.m4(c).debug_uart_capture; }

std::string trim(const std::string& s) {
    auto e = s.find_last_not_of(" \n\r");
    return e == std::string::npos ? "" : s.substr(0, e + 1);
}

}  // namespace

TEST(HelloSample, PrintsOneLinePerVirtualSecond) {
    Machine m;
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("hello")));
    EXPECT_EQ(m.runFor(sec(5) + ms(100)), Machine::StopReason::TimeLimit);
    const auto& lines = uart(m, CoreId::M4_0).lines();
    ASSERT_EQ(lines.size(), 6u) << uart(m, CoreId::M4_0).text();
    EXPECT_EQ(lines[0].text, "mt3620-emu hello sample");
    EXPECT_LT(lines[0].time, ms(5));  // 25 characters at 115200 baud: about 2.2 ms
    for (unsigned n = 1; n <= 5; ++n) {
        EXPECT_EQ(lines[n].text, "Hello from the M4 at " + std::to_string(n) + " s");
        // Printed right after n seconds of GPT3 time: 26 characters take 2.25 ms at 115200 baud.
        EXPECT_GE(lines[n].time, sec(n) + ms(2)) << "line " << n;
        EXPECT_LE(lines[n].time, sec(n) + ms(3)) << "line " << n;
    }
}

TEST(TickTockSample, AlternatesTickAndTockEachSecond) {
    // Written against the register usage of Microsoft's HelloWorld_RTApp_MT3620_BareMetal:
    // debug UART init sequence, VTOR write, GPT3 busy-wait.
    Machine m;
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("tick-tock")));
    m.runFor(sec(4) + ms(500));
    const auto& lines = uart(m, CoreId::M4_0).lines();
    ASSERT_GE(lines.size(), 6u) << uart(m, CoreId::M4_0).text();
    EXPECT_EQ(lines[0].text, "UART Initialized");
    for (unsigned i = 0; i < 5; ++i) {
        EXPECT_EQ(lines[i + 1].text, i % 2 == 0 ? "Tick" : "Tock");
        EXPECT_NEAR(static_cast<double>(lines[i + 1].time) / 1e12, i * 1.0, 0.01) << "line " << i + 1;
    }
}

TEST(ComputeSample, FpuChecksumMatchesHostReference) {
    Machine m;
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("compute")));
    // The sample ends in WFI with nothing scheduled: the machine stops by itself.
    EXPECT_EQ(m.runFor(sec(60)), Machine::StopReason::Idle);
    std::string expected = trim(e2e::readFile(std::string(SOURCE_DIR) + "/firmware-samples/compute/EXPECTED_CHECKSUM"));
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(uart(m, CoreId::M4_0).text(), "compute checksum: " + expected + "\r\ncompute done\r\n");
    EXPECT_EQ(m.m4(CoreId::M4_0).core.state(), CoreState::Sleeping);
}

TEST(HelloXipSample, RunsFromTheFlashWindow) {
    Machine m;
    RtAppImage image = RtAppImage::load(firmware("hello-xip"));
    EXPECT_EQ(image.entry, 0x10000000u);
    m.loadRtApp(CoreId::M4_0, image);
    m.runFor(sec(2) + ms(50));
    const auto& lines = uart(m, CoreId::M4_0).lines();
    ASSERT_EQ(lines.size(), 3u) << uart(m, CoreId::M4_0).text();
    EXPECT_EQ(lines[1].text, "Hello from XIP flash at 1 s");
    EXPECT_EQ(lines[2].text, "Hello from XIP flash at 2 s");
    // The code really executed from 0x1000xxxx.
    EXPECT_EQ(m.m4(CoreId::M4_0).core.readReg(/*UC_ARM_REG_PC*/ 11) >> 24, 0x10u);
}

TEST(ClockSwitchSample, PllMakesInstructionsTake7point6TimesLessVirtualTime) {
    Machine m;
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("clock-switch")));
    m.runFor(sec(2));
    std::smatch match;
    const std::string text = uart(m, CoreId::M4_0).text();
    ASSERT_TRUE(std::regex_search(text, match, std::regex(R"(26 MHz loop: (\d+) us\r\n197.6 MHz loop: (\d+) us)")))
        << text;
    double slow = std::stod(match[1]), fast = std::stod(match[2]);
    EXPECT_NEAR(slow / fast, 197.6 / 26.0, 0.05);
    EXPECT_EQ(m.m4(CoreId::M4_0).core.clockHz(), 197'600'000u);
}

TEST(TwoCores, RunDifferentFirmwareWithSeparateUarts) {
    Machine m;
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("hello")));
    m.loadRtApp(CoreId::M4_1, RtAppImage::load(firmware("counter")));
    m.runFor(sec(1) + ms(100));
    const auto& a = uart(m, CoreId::M4_0).lines();
    const auto& b = uart(m, CoreId::M4_1).lines();
    ASSERT_EQ(a.size(), 2u) << uart(m, CoreId::M4_0).text();
    EXPECT_EQ(a[1].text, "Hello from the M4 at 1 s");
    ASSERT_EQ(b.size(), 5u) << uart(m, CoreId::M4_1).text();
    for (unsigned n = 0; n < 5; ++n) {
        EXPECT_EQ(b[n].text, "counter " + std::to_string(n));
        EXPECT_NEAR(static_cast<double>(b[n].time) / 1e12, n * 0.25, 0.005);
    }
    EXPECT_EQ(uart(m, CoreId::M4_0).text().find("counter"), std::string::npos);
}

TEST(Determinism, TwoRunsAreByteAndTimeIdentical) {
    auto run = [] {
        Machine m;
        m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("hello")));
        m.loadRtApp(CoreId::M4_1, RtAppImage::load(firmware("counter")));
        m.runFor(sec(3));
        std::string out;
        for (CoreId c : {CoreId::M4_0, CoreId::M4_1})
            for (const auto& l : uart(m, c).lines()) out += std::to_string(l.time) + " " + l.text + "\n";
        out += std::to_string(m.m4(CoreId::M4_0).core.instructions()) + " " +
               std::to_string(m.m4(CoreId::M4_1).core.instructions());
        return out;
    };
    std::string first = run();
    EXPECT_GT(first.size(), 100u);
    EXPECT_EQ(first, run());
}

TEST(Machine, TwoMachinesInOneProcessAreIndependent) {
    Machine a, b;
    a.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("hello")));
    b.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("counter")));
    a.runFor(ms(1100));
    b.runFor(ms(600));
    EXPECT_NE(uart(a, CoreId::M4_0).text().find("Hello from the M4 at 1 s"), std::string::npos);
    EXPECT_EQ(uart(b, CoreId::M4_0).lines().size(), 3u);
    EXPECT_EQ(a.now(), ms(1100));
    EXPECT_EQ(b.now(), ms(600));
}
