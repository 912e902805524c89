// Example: a firmware test written against the installed mt3620emu package.
#include <gtest/gtest.h>
#include <mt3620emu/Machine.h>

#include <vector>

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

// Sample the pin at exact virtual times with scheduled actions: the LED toggles every 500 ms
// from about 0.5 s, so the middle of each half period is a safe place to look.
TEST(Blink, PinLevelsAtExactVirtualTimes) {
    Machine machine;
    machine.loadRtApp(Core::M4_0, BLINK_ELF);
    std::vector<bool> levels;
    for (Picoseconds t : {ms(250), ms(750), ms(1250), ms(1750)})
        machine.schedule(t, [&] { levels.push_back(machine.pinLevel(8)); });
    EXPECT_EQ(machine.runFor(ms(2000), WhenIdle::PassTime), StopReason::TimeLimit);
    EXPECT_EQ(levels, (std::vector<bool>{true, false, true, false}));  // active low: off, on, off, on
    EXPECT_EQ(machine.serialLines("m4-0").at(0).text, "blink start");
    EXPECT_TRUE(machine.lastFault(Core::M4_0).empty());
}
