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
