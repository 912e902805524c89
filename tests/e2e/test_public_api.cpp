// The embedding API of include/mt3620emu, used the way a user's own test would use it, and the
// installed CMake package used by an example project (docs/example-project).
#include <gtest/gtest.h>
#include <mt3620emu/Machine.h>

#include "e2e/E2eSupport.h"

using namespace mt3620emu;

TEST(PublicApi, RunsFirmwareAndInspectsUartPinsLedsAndRegisters) {
    Machine m;
    m.loadRtApp(Core::M4_0, e2e::firmware("blink"));
    ASSERT_TRUE(m.runUntilSerial("m4-0", "blink start", ms(100)));
    m.runFor(ms(1));  // set-up drives the pad high: the active-low LED is off
    EXPECT_FALSE(m.ledOn("LED1-red"));
    m.runFor(ms(600));
    EXPECT_TRUE(m.ledOn("LED1-red"));
    EXPECT_FALSE(m.pinLevel(8));
    // GPIO group 2 DOUT (0x38030010) bit 0 is GPIO8's output latch.
    EXPECT_EQ(m.readWord(Core::M4_0, 0x38030010) & 1, 0u);
    EXPECT_GT(m.instructions(Core::M4_0), 0u);
    EXPECT_FALSE(m.halted(Core::M4_0));
    auto lines = m.serialLines("m4-0");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, "blink start");
}

TEST(PublicApi, ButtonsAdcAndFaults) {
    Machine m;
    m.loadRtApp(Core::M4_0, e2e::firmware("button"));
    m.loadRtApp(Core::M4_1, e2e::firmware("fault-null"));
    m.runFor(ms(10));
    m.pressButton("A");
    EXPECT_TRUE(m.runUntilSerial("m4-0", "press 1", ms(50)));
    m.releaseButton("A");
    EXPECT_TRUE(m.halted(Core::M4_1));
    EXPECT_NE(m.lastFault(Core::M4_1).find("PRECISERR"), std::string::npos);

    Machine adc;
    adc.setAdcVolts(0, 2.0);
    adc.loadRtApp(Core::M4_0, e2e::firmware("adc-read"));
    EXPECT_TRUE(adc.runUntilSerial("m4-0", "adc ch0 3276 ", ms(300)));
}

TEST(PublicApi, BadInputIsAnErrorWithAMessage) {
    EXPECT_THROW(Machine(Options{"/nonexistent/board.yaml"}), Error);
    Machine m;
    try {
        m.loadRtApp(Core::M4_0, "/nonexistent/app.elf");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/app.elf"), std::string::npos);
    }
    EXPECT_THROW(m.ledOn("LED9"), Error);
    EXPECT_THROW(m.serialOutput("ISU9"), Error);
    EXPECT_THROW(parseDuration("5"), Error);
    EXPECT_EQ(parseDuration("1.5s"), ms(1500));
}

TEST(PublicApi, IsuUartsPacedSerialInputAndListeners) {
    Machine m;
    m.loadRtApp(Core::M4_0, e2e::firmware("uart-echo"));
    std::string heard;
    Picoseconds last_byte_time = 0;
    m.onSerialOutput("ISU0", [&](char c, Picoseconds t) {
        heard += c;
        last_byte_time = t;
    });
    ASSERT_TRUE(m.runUntilSerial("m4-0", "uart-echo ready", ms(10)));
    const Picoseconds sent_at = m.now();
    m.writeSerial("ISU0", "hello\n");
    EXPECT_EQ(m.serialWritePending("isu0"), 6u);  // nothing arrives before the machine runs
    ASSERT_TRUE(m.runUntilSerial("ISU0", "^hello", ms(10)));
    EXPECT_EQ(m.serialWritePending("ISU0"), 0u);
    // Paced at 115200 baud (10 bits a byte): six bytes take over 0.43 ms to arrive.
    EXPECT_GT(m.now() - sent_at, us(430));
    EXPECT_EQ(heard, m.serialOutput("ISU0"));
    EXPECT_GT(last_byte_time, sent_at);
    ASSERT_TRUE(m.runUntilSerial("m4-0", "echoed 6 bytes", ms(10)));
    EXPECT_TRUE(m.serialOutput("ISU1").empty());
}

TEST(PublicApi, ScheduledActionsAndPassingIdleTime) {
    Machine m;
    m.loadRtApp(Core::M4_0, e2e::firmware("button"));
    ASSERT_TRUE(m.runUntilSerial("m4-0", "button", ms(20)));
    std::vector<std::string> buttons = m.buttons();
    ASSERT_EQ(buttons, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(m.buttonForKey('a'), "A");
    EXPECT_EQ(m.buttonForKey('z'), "");
    // Press A at exactly 100 ms for 50 ms; the firmware sleeps in between, so a plain run
    // would stop as Idle: PassTime lets virtual time reach the press.
    const Picoseconds start = m.now();
    m.schedule(ms(100), [&] { m.pressButton("A"); });
    m.schedule(ms(150), [&] { m.releaseButton("A"); });
    EXPECT_EQ(m.runFor(ms(120), WhenIdle::PassTime), StopReason::TimeLimit);
    EXPECT_EQ(m.now(), start + ms(120));
    EXPECT_TRUE(m.buttonPressed("A"));
    EXPECT_EQ(m.runFor(ms(100), WhenIdle::PassTime), StopReason::TimeLimit);
    EXPECT_FALSE(m.buttonPressed("A"));
    EXPECT_NE(m.serialOutput("m4-0").find("press 1"), std::string::npos) << m.serialOutput("m4-0");
    // Nothing left to happen: the default run ends at once as Idle.
    EXPECT_EQ(m.runFor(seconds(5)), StopReason::Idle);
    EXPECT_STREQ(describe(StopReason::Idle), "all cores idle with nothing scheduled");
}

TEST(PublicApi, PwmLogSinkRestartAndVcd) {
    std::vector<std::string> log;
    Options o;
    o.log_level = "info";
    o.log_sink = [&](const std::string& line) { log.push_back(line); };
    Machine m(o);
    m.loadRtApp(Core::M4_0, e2e::firmware("pwm-fade"));
    const std::string vcd = e2e::tmpPath("api.vcd");
    m.recordVcd(vcd);
    ASSERT_TRUE(m.runUntilSerial("m4-0", "pwm hold 25%", seconds(2)));
    m.runFor(ms(10));
    PwmState p = m.pwm(8);
    EXPECT_TRUE(p.running);
    EXPECT_EQ(p.controller, 2u);
    EXPECT_EQ(p.channel, 0u);
    EXPECT_NEAR(p.duty, 0.25, 0.005);
    EXPECT_NEAR(static_cast<double>(p.period), static_cast<double>(ms(1)), 0.01 * ms(1));
    EXPECT_EQ(m.ledPwm("LED1-red").duty, p.duty);
    EXPECT_TRUE(m.pinDrivenByChip(8));
    EXPECT_FALSE(m.pwm(9).running);
    EXPECT_THROW(m.pwm(20), Error);
    EXPECT_THROW(m.pinLevel(94), Error);
    m.finishVcd();
    EXPECT_NE(e2e::readFile(vcd).find("$var wire 1"), std::string::npos);

    m.restartCore(Core::M4_0, "test restart");
    ASSERT_TRUE(m.runUntilSerial("m4-0", "pwm-fade start[\\s\\S]*pwm-fade start", ms(20)));
    m.log("info", "test", "checked");
    bool restarted = false, noted = false;
    for (const std::string& l : log) {
        restarted |= l.find("core reset (test restart)") != std::string::npos;
        noted |= l.find("test checked") != std::string::npos;
    }
    EXPECT_TRUE(restarted);
    EXPECT_TRUE(noted);
    EXPECT_THROW(m.log("loud", "test", "x"), Error);
}

TEST(PublicApi, GdbServerAttachesWithoutStoppingARunWithNoClient) {
    Machine m;
    m.loadRtApp(Core::M4_0, e2e::firmware("gpt-tick"));
    int port = m.attachGdb(Core::M4_0);
    EXPECT_GT(port, 0);
    // No debugger connects and none holds the core: runs go on as usual.
    EXPECT_TRUE(m.runUntilSerial("m4-0", "tick 1", ms(1100)));
}

TEST(InstalledPackage, ExampleProjectBuildsAndPassesAgainstTheInstall) {
    const std::string build = std::string(BUILD_DIR);
    const std::string prefix = e2e::tmpPath("install");
    const std::string example = e2e::tmpPath("example-build");
    auto sh = [](const std::string& cmd) { return std::system((cmd + " > /dev/null 2>&1").c_str()); };
    ASSERT_EQ(sh("rm -rf " + prefix + " " + example), 0);
    ASSERT_EQ(sh("cmake --install " + build + " --prefix " + prefix), 0);
    ASSERT_EQ(sh("cmake -S " + std::string(SOURCE_DIR) + "/docs/example-project -B " + example + " -G Ninja -DCMAKE_PREFIX_PATH=" +
                 prefix + " -DBLINK_ELF=" + e2e::firmware("blink")),
              0);
    ASSERT_EQ(sh("cmake --build " + example), 0);
    EXPECT_EQ(sh(example + "/blink_test"), 0);
}
