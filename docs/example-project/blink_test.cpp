// Example: a firmware test written against the installed mt3620emu package.
#include <gtest/gtest.h>
#include <mt3620emu/Machine.h>

using namespace mt3620emu;

TEST(Blink, Led1RedTogglesEvery500ms) {
    Machine machine;  // the MT3620 reference board
    machine.loadRtApp(Core::M4_0, BLINK_ELF);
    ASSERT_TRUE(machine.runUntilSerial("m4-0", "blink start", ms(100)));
    machine.runFor(ms(600));  // first toggle at ~0.5 s: the active-low LED lights
    EXPECT_TRUE(machine.ledOn("LED1-red"));
    EXPECT_FALSE(machine.pinLevel(8));
    machine.runFor(ms(500));
    EXPECT_FALSE(machine.ledOn("LED1-red"));
    EXPECT_TRUE(machine.pinLevel(8));
}
