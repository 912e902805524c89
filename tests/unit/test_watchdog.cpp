// Watchdog: keyed writes, the (ticks + 1)/32 s timeout in virtual time, kicks, reset and IRQ
// modes, software reset, and WDT_STA surviving the reset it reports (reference §4.9).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/Watchdog.h"

namespace mt3620 {
namespace {

constexpr std::uint32_t MODE = 0x30, LENGTH = 0x34, RESTART = 0x38, STA = 0x3C, INTERVAL = 0x40,
                        SWRST = 0x44, SWINT = 0x80;
constexpr std::uint32_t kKey = 0x2200, kEnable = 0x1, kIrqMode = 0x8;
constexpr std::uint32_t kHw = 1u << 15, kSw = 1u << 14;

/// MTK's mtk_hdl_wdt_set_length: (tick & 0x7FF) << 5 | key 0x08.
constexpr std::uint32_t lengthValue(std::uint32_t ticks) { return ((ticks & 0x7FF) << 5) | 0x08; }

class WatchdogTest : public ::testing::Test {
protected:
    WatchdogTest() {
        log.setTimeSource(&scheduler);
        wdt.on_reset = [this](const char* reason) {
            resets.emplace_back(reason);
            reset_times.push_back(scheduler.now());
        };
    }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(wdt.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(wdt.write(offset, 4, v)) << std::hex << offset; }

    /// MTK's sequence: length, restart, then mode with the key.
    void start(std::uint32_t ticks, bool irq_mode = false) {
        wr(LENGTH, lengthValue(ticks));
        wr(RESTART, 0x1971);
        wr(MODE, kKey | (irq_mode ? kIrqMode : 0) | kEnable);
    }

    Scheduler scheduler;
    Log log;
    Watchdog wdt{"WDT", scheduler, log};
    std::vector<std::string> resets;
    std::vector<Picos> reset_times;
};

TEST_F(WatchdogTest, PowerOnState) {
    EXPECT_EQ(rd(MODE), 0u);  // disabled, reset mode
    EXPECT_EQ(rd(STA), 0u);
    EXPECT_EQ(rd(LENGTH), 0x7FFu << 5);  // 64 s, key bits read 0
    EXPECT_EQ(wdt.timeout(), 64 * kPicosPerSecond);
    EXPECT_FALSE(wdt.counting());
    EXPECT_FALSE(wdt.irq.level());
    EXPECT_EQ(Watchdog::kBase, 0x2102'0000u);
    EXPECT_EQ(Watchdog::kIrq, 3u);
    EXPECT_EQ(wdt.registerName(STA), "WDT_STA");
}

TEST_F(WatchdogTest, TimeoutIsExactlyOneSecondForTicks31) {
    const Picos t0 = 777'777;  // not on a tick boundary
    scheduler.advanceTo(t0);
    start(31);  // SEC2TICK(1) = 31
    EXPECT_EQ(wdt.timeout(), kPicosPerSecond);
    EXPECT_EQ(rd(MODE), kEnable);  // key not shown
    scheduler.advanceTo(t0 + kPicosPerSecond - 1);
    EXPECT_TRUE(resets.empty());
    scheduler.advanceTo(t0 + kPicosPerSecond);
    ASSERT_EQ(resets.size(), 1u);
    EXPECT_EQ(reset_times[0], t0 + kPicosPerSecond);
    EXPECT_EQ(resets[0], "watchdog timeout");
    EXPECT_EQ(rd(STA), kHw);
    // The watchdog reset itself: disabled, nothing further.
    EXPECT_EQ(rd(MODE), 0u);
    EXPECT_FALSE(wdt.counting());
    scheduler.advanceTo(t0 + 10 * kPicosPerSecond);
    EXPECT_EQ(resets.size(), 1u);
}

TEST_F(WatchdogTest, TicksZeroIsOneThirtySecondAndMaxIs64Seconds) {
    wr(LENGTH, lengthValue(0));
    EXPECT_EQ(wdt.timeout(), kPicosPerSecond / 32);
    wr(LENGTH, lengthValue(0x7FF));
    EXPECT_EQ(wdt.timeout(), 64 * kPicosPerSecond);
}

TEST_F(WatchdogTest, KickPostponesExpiry) {
    start(31);
    for (int i = 1; i <= 5; ++i) {
        scheduler.advanceTo(i * kPicosPerSecond / 2);  // kick every 0.5 s
        wr(RESTART, 0x1971);
    }
    const Picos last_kick = 5 * kPicosPerSecond / 2;
    scheduler.advanceTo(last_kick + kPicosPerSecond - 1);
    EXPECT_TRUE(resets.empty());
    scheduler.advanceTo(last_kick + kPicosPerSecond);
    EXPECT_EQ(resets.size(), 1u);
}

TEST_F(WatchdogTest, NewLengthTakesEffectAtTheNextKick) {
    start(31);
    scheduler.advanceTo(kPicosPerSecond / 4);
    wr(LENGTH, lengthValue(63));  // 2 s, not yet in effect
    scheduler.advanceTo(kPicosPerSecond - 1);
    EXPECT_TRUE(resets.empty());
    wr(RESTART, 0x1971);  // now 2 s from here
    scheduler.advanceTo(kPicosPerSecond - 1 + 2 * kPicosPerSecond - 1);
    EXPECT_TRUE(resets.empty());
    scheduler.advanceTo(kPicosPerSecond - 1 + 2 * kPicosPerSecond);
    EXPECT_EQ(resets.size(), 1u);
}

TEST_F(WatchdogTest, WritesWithoutKeyAreIgnored) {
    wr(LENGTH, lengthValue(31));
    wr(MODE, kEnable);  // no 0x22 key
    EXPECT_EQ(rd(MODE), 0u);
    EXPECT_FALSE(wdt.counting());
    wr(MODE, 0x1100 | kEnable);  // wrong key
    EXPECT_FALSE(wdt.counting());

    wr(LENGTH, (3u << 5) | 0x07);  // wrong length key
    EXPECT_EQ(rd(LENGTH), 31u << 5);
    wr(LENGTH, 3u << 5);  // no key
    EXPECT_EQ(wdt.timeout(), kPicosPerSecond);

    wr(MODE, kKey | kEnable);
    EXPECT_TRUE(wdt.counting());
    scheduler.advanceTo(kPicosPerSecond / 2);
    wr(RESTART, 0x1970);  // wrong key: no kick
    wr(RESTART, 0x0001'1971);  // extra bits: no kick
    wr(MODE, 0);  // no key: stays enabled
    EXPECT_TRUE(wdt.counting());
    wr(SWRST, 0x1208);  // wrong key: no reset
    EXPECT_TRUE(resets.empty());
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_EQ(resets.size(), 1u);
}

TEST_F(WatchdogTest, ByteWriteToModeNeedsTheKeyToo) {
    EXPECT_TRUE(wdt.write(MODE, 1, kEnable));  // low byte only: key byte reads 0
    EXPECT_FALSE(wdt.counting());
    EXPECT_TRUE(wdt.write(MODE, 2, kKey | kEnable));
    EXPECT_TRUE(wdt.counting());
}

TEST_F(WatchdogTest, IrqModeRaisesLineAndDoesNotReset) {
    start(31, /*irq_mode=*/true);
    scheduler.advanceTo(kPicosPerSecond - 1);
    EXPECT_FALSE(wdt.irq.level());
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_TRUE(wdt.irq.level());
    EXPECT_TRUE(resets.empty());
    EXPECT_EQ(rd(STA), kHw);
    EXPECT_EQ(rd(MODE), kIrqMode | kEnable);

    // Held until kicked; the countdown stops meanwhile (no second event, no reset).
    scheduler.advanceTo(5 * kPicosPerSecond);
    EXPECT_TRUE(wdt.irq.level());
    EXPECT_TRUE(resets.empty());

    wr(RESTART, 0x1971);  // kick: line drops, countdown restarts
    EXPECT_FALSE(wdt.irq.level());
    scheduler.advanceTo(6 * kPicosPerSecond);
    EXPECT_TRUE(wdt.irq.level());

    wr(MODE, kKey | kIrqMode);  // disable: line drops too
    EXPECT_FALSE(wdt.irq.level());
    scheduler.advanceTo(20 * kPicosPerSecond);
    EXPECT_FALSE(wdt.irq.level());
    EXPECT_TRUE(resets.empty());
}

TEST_F(WatchdogTest, SoftwareReset) {
    scheduler.advanceTo(123);
    wr(SWRST, 0x1209);
    ASSERT_EQ(resets.size(), 1u);
    EXPECT_EQ(reset_times[0], 123u);
    EXPECT_EQ(rd(STA), kSw);
    EXPECT_EQ(rd(SWRST), 0u);  // write-only

    // A later timeout replaces the cause.
    start(0);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_EQ(resets.size(), 2u);
    EXPECT_EQ(rd(STA), kHw);
}

TEST_F(WatchdogTest, StatusSurvivesResetButNotPowerOn) {
    start(31);
    scheduler.advanceTo(kPicosPerSecond);
    ASSERT_EQ(resets.size(), 1u);
    EXPECT_EQ(rd(STA), kHw);

    // The machine resets every block of the core after a watchdog reset.
    wdt.reset();
    EXPECT_EQ(rd(STA), kHw);
    EXPECT_EQ(wdt.status(), kHw);
    EXPECT_EQ(wdt.peek(STA), kHw);
    EXPECT_EQ(rd(MODE), 0u);
    EXPECT_FALSE(wdt.counting());
    EXPECT_EQ(rd(LENGTH), 0x7FFu << 5);

    wr(STA, 0);  // read-only for software
    EXPECT_EQ(rd(STA), kHw);
    std::uint32_t v = 0;
    EXPECT_TRUE(wdt.read(STA, 4, v));  // reading does not clear it
    EXPECT_EQ(rd(STA), kHw);

    wdt.powerOn();
    EXPECT_EQ(rd(STA), 0u);
}

TEST_F(WatchdogTest, ResetWhileCountingStopsIt) {
    start(31, true);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_TRUE(wdt.irq.level());
    wdt.reset();
    EXPECT_FALSE(wdt.irq.level());
    EXPECT_EQ(rd(STA), kHw);
    scheduler.advanceTo(100 * kPicosPerSecond);
    EXPECT_FALSE(wdt.irq.level());
    EXPECT_TRUE(resets.empty());
}

TEST_F(WatchdogTest, DisabledWatchdogNeverFires) {
    wr(LENGTH, lengthValue(0));
    wr(RESTART, 0x1971);  // kicking a disabled watchdog does not start it
    EXPECT_FALSE(wdt.counting());
    scheduler.advanceTo(1000 * kPicosPerSecond);
    EXPECT_TRUE(resets.empty());
    EXPECT_FALSE(wdt.irq.level());
    EXPECT_EQ(rd(STA), 0u);

    // Enabled, then disabled before expiry.
    start(31);
    scheduler.advanceTo(1000 * kPicosPerSecond + kPicosPerSecond / 2);
    wr(MODE, kKey);
    scheduler.advanceTo(2000 * kPicosPerSecond);
    EXPECT_TRUE(resets.empty());
    EXPECT_EQ(rd(STA), 0u);
}

TEST_F(WatchdogTest, MtkHardwareResetSequence) {
    // mtk_mhal_wdt_hwrst: disable, length 1, restart, reset mode, enable: reset 2/32 s later.
    wr(MODE, kKey);
    wr(LENGTH, lengthValue(1));
    wr(RESTART, 0x1971);
    wr(MODE, rd(MODE) | kKey);           // set_irq_mode(0): read-modify-write
    wr(MODE, rd(MODE) | kKey | kEnable);  // set_enable(1)
    scheduler.advanceTo(kPicosPerSecond / 16 - 1);
    EXPECT_TRUE(resets.empty());
    scheduler.advanceTo(kPicosPerSecond / 16);
    EXPECT_EQ(resets.size(), 1u);
}

TEST_F(WatchdogTest, ModeRewriteWhileEnabledKeepsTheCountdown) {
    start(31);
    scheduler.advanceTo(kPicosPerSecond / 2);
    wr(MODE, rd(MODE) | kKey);  // same mode again (MTK read-modify-write)
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_EQ(resets.size(), 1u);
}

TEST_F(WatchdogTest, SoftwareInterrupt) {
    wr(SWINT, 1u << 31);
    EXPECT_TRUE(wdt.irq.level());
    EXPECT_EQ(rd(SWINT), 1u << 31);
    wr(SWINT, 1u << 30);
    EXPECT_FALSE(wdt.irq.level());
    EXPECT_EQ(rd(SWINT), 0u);
    wr(SWINT, (1u << 31) | (1u << 30));  // both: clear wins
    EXPECT_FALSE(wdt.irq.level());
}

TEST_F(WatchdogTest, IntervalIsStored) {
    wr(INTERVAL, 0xFFFF'FABC);
    EXPECT_EQ(rd(INTERVAL), 0xABCu);
}

TEST_F(WatchdogTest, NoResetHandlerStillResetsTheWatchdog) {
    wdt.on_reset = nullptr;
    start(0);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_EQ(rd(STA), kHw);
    EXPECT_FALSE(wdt.counting());
}

}  // namespace
}  // namespace mt3620
