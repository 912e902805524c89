// GptTimer: counters computed from virtual time, exact to the tick, and the GPT0/1 and GPT3
// interrupts (reference §4.8).
#include <gtest/gtest.h>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/GptTimer.h"

namespace mt3620 {
namespace {

constexpr std::uint32_t ISR = 0x00, IER = 0x04, GPT0_CTRL = 0x10, GPT0_ICNT = 0x14,
                        GPT1_CTRL = 0x20, GPT1_ICNT = 0x24, GPT2_CTRL = 0x30, GPT2_CNT = 0x34,
                        GPT0_CNT = 0x40, GPT1_CNT = 0x44, GPT3_CTRL = 0x50, GPT3_INIT = 0x54,
                        GPT3_CNT = 0x58, GPT3_EXPIRE = 0x5C, GPT4_CTRL = 0x60, GPT4_INIT = 0x64,
                        GPT4_CNT = 0x68;
constexpr std::uint32_t kEn = 0x1, kRepeat = 0x2, kSpeed32k = 0x4;
constexpr std::uint32_t kGpt3Default = 0x19u << 16;  // OSC_CNT_1US = 0x19: 1 MHz
constexpr std::uint32_t kIclr = 1u << 15;

/// Time of tick n of a num/den Hz clock started at t0 (the first instant the tick has happened).
Picos tickTime(Picos t0, std::uint64_t n, std::uint64_t num, std::uint64_t den = 1) {
    auto scaled = static_cast<unsigned __int128>(n) * den * kPicosPerSecond;
    return t0 + static_cast<Picos>((scaled + num - 1) / num);
}

class GptTest : public ::testing::Test {
protected:
    GptTest() { log.setTimeSource(&scheduler); }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(gpt.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(gpt.write(offset, 4, v)) << std::hex << offset; }

    Scheduler scheduler;
    Log log;
    std::uint64_t cpu_hz = 26'000'000;
    GptTimer gpt{"GPT", scheduler, log, [this] { return cpu_hz; }};
};

TEST_F(GptTest, ResetValues) {
    EXPECT_EQ(rd(GPT3_CTRL), kGpt3Default);
    EXPECT_EQ(rd(ISR), 0u);
    EXPECT_EQ(rd(GPT3_CNT), 0u);
    EXPECT_FALSE(gpt.irq_gpt01.level());
    EXPECT_FALSE(gpt.irq_gpt3.level());
}

TEST_F(GptTest, Gpt3CountsMicrosecondsExactly) {
    const Picos t0 = 1'234'567;  // not on a microsecond boundary
    scheduler.advanceTo(t0);
    wr(GPT3_INIT, 100);
    wr(GPT3_CTRL, kGpt3Default | kEn);
    EXPECT_EQ(rd(GPT3_CNT), 100u);
    scheduler.advanceTo(t0 + kPicosPerMicro - 1);
    EXPECT_EQ(rd(GPT3_CNT), 100u);
    scheduler.advanceTo(t0 + kPicosPerMicro);
    EXPECT_EQ(rd(GPT3_CNT), 101u);
    scheduler.advanceTo(t0 + 1'234'567'890);  // 1234.56789 us
    EXPECT_EQ(rd(GPT3_CNT), 100u + 1234u);
    scheduler.advanceTo(t0 + 5 * kPicosPerSecond);
    EXPECT_EQ(rd(GPT3_CNT), 100u + 5'000'000u);

    // Disabled: frozen. Re-enabled: from INIT again.
    wr(GPT3_CTRL, kGpt3Default);
    scheduler.advanceTo(t0 + 6 * kPicosPerSecond);
    EXPECT_EQ(rd(GPT3_CNT), 100u + 5'000'000u);
    wr(GPT3_INIT, 0);
    wr(GPT3_CTRL, kGpt3Default | kEn);
    scheduler.advanceTo(t0 + 6 * kPicosPerSecond + 7 * kPicosPerMicro);
    EXPECT_EQ(rd(GPT3_CNT), 7u);
}

TEST_F(GptTest, Gpt3Wraps) {
    wr(GPT3_INIT, 0xFFFF'FFF0u);
    wr(GPT3_CTRL, kGpt3Default | kEn);
    scheduler.advanceTo(32 * kPicosPerMicro);
    EXPECT_EQ(rd(GPT3_CNT), 0x10u);
}

TEST_F(GptTest, Gpt3OscCountSetsTheRate) {
    // OSC_CNT_1US = 12: 26 MHz / 13 = 2 MHz.
    wr(GPT3_CTRL, (12u << 16) | kEn);
    scheduler.advanceTo(10 * kPicosPerMicro);
    EXPECT_EQ(rd(GPT3_CNT), 20u);
    // Back to 1 MHz while running: continues from 20.
    wr(GPT3_CTRL, kGpt3Default | kEn);
    scheduler.advanceTo(20 * kPicosPerMicro);
    EXPECT_EQ(rd(GPT3_CNT), 30u);
}

TEST_F(GptTest, Gpt0OneShotAfterExactlyOneSecond) {
    wr(GPT0_ICNT, 32768);
    wr(GPT0_CTRL, kEn | kSpeed32k);  // one-shot, 32768 Hz
    scheduler.advanceTo(kPicosPerSecond / 2);
    EXPECT_EQ(rd(GPT0_CNT), 16384u);
    scheduler.advanceTo(kPicosPerSecond - 1);
    EXPECT_EQ(rd(ISR), 0u);
    EXPECT_EQ(rd(GPT0_CNT), 1u);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_EQ(rd(ISR), 0x1u);
    EXPECT_EQ(rd(GPT0_CNT), 0u);
    EXPECT_FALSE(gpt.irq_gpt01.level());  // IER = 0: status latches, no interrupt

    wr(IER, 0x1);
    EXPECT_TRUE(gpt.irq_gpt01.level());
    wr(ISR, 0x1);  // write 1 to clear
    EXPECT_EQ(rd(ISR), 0u);
    EXPECT_FALSE(gpt.irq_gpt01.level());

    // One-shot: stopped at 0; EN stays set.
    scheduler.advanceTo(3 * kPicosPerSecond);
    EXPECT_EQ(rd(ISR), 0u);
    EXPECT_EQ(rd(GPT0_CNT), 0u);
    EXPECT_EQ(rd(GPT0_CTRL), kEn | kSpeed32k);

    // Writing EN again re-arms from ICNT.
    wr(GPT0_ICNT, 16);
    wr(GPT0_CTRL, kEn | kSpeed32k);
    scheduler.advanceTo(3 * kPicosPerSecond + tickTime(0, 16, 32768));
    EXPECT_TRUE(gpt.irq_gpt01.level());
}

TEST_F(GptTest, Gpt0WithIerRaisesLineAtExpiry) {
    wr(IER, 0x1);
    wr(GPT0_ICNT, 100);
    wr(GPT0_CTRL, kEn | kSpeed32k);
    scheduler.advanceTo(tickTime(0, 100, 32768) - 1);
    EXPECT_FALSE(gpt.irq_gpt01.level());
    scheduler.advanceTo(tickTime(0, 100, 32768));
    EXPECT_TRUE(gpt.irq_gpt01.level());
    wr(ISR, 0x2);  // clearing the other bit changes nothing
    EXPECT_TRUE(gpt.irq_gpt01.level());
    wr(ISR, rd(ISR));  // MS: write back what was read
    EXPECT_FALSE(gpt.irq_gpt01.level());
}

TEST_F(GptTest, Gpt1RepeatModePeriod) {
    const std::uint32_t icnt = 328;  // ~10 ms at 32768 Hz; not a whole number of picoseconds
    wr(IER, 0x2);
    wr(GPT1_ICNT, icnt);
    wr(GPT1_CTRL, kEn | kRepeat | kSpeed32k);
    for (std::uint64_t k = 1; k <= 5; ++k) {
        const Picos due = tickTime(0, k * icnt, 32768);
        scheduler.advanceTo(due - 1);
        EXPECT_FALSE(gpt.irq_gpt01.level()) << k;
        scheduler.advanceTo(due);
        EXPECT_TRUE(gpt.irq_gpt01.level()) << k;
        EXPECT_EQ(rd(ISR), 0x2u);
        EXPECT_EQ(rd(GPT1_CNT), icnt);  // reloaded
        wr(ISR, 0x2);
    }
    scheduler.advanceTo(tickTime(0, 5 * icnt + 28, 32768));
    EXPECT_EQ(rd(GPT1_CNT), icnt - 28);

    // Disable: frozen count, no more interrupts.
    wr(GPT1_CTRL, kRepeat | kSpeed32k);
    scheduler.advanceTo(10 * kPicosPerSecond);
    EXPECT_EQ(rd(GPT1_CNT), icnt - 28);
    EXPECT_EQ(rd(ISR), 0u);
}

TEST_F(GptTest, Gpt0SlowSpeedIs32768Over33Hz) {
    wr(GPT0_ICNT, 1000);
    wr(GPT0_CTRL, kEn);  // SPEED 0: "1 kHz"
    const Picos due = tickTime(0, 1000, 32768, 33);  // 1.00708 s
    scheduler.advanceTo(due - 1);
    EXPECT_EQ(rd(ISR), 0u);
    EXPECT_EQ(rd(GPT0_CNT), 1u);
    scheduler.advanceTo(due);
    EXPECT_EQ(rd(ISR), 1u);
}

TEST_F(GptTest, Gpt2FreeRuns) {
    wr(GPT2_CNT, 5);
    const Picos t0 = 123;
    scheduler.advanceTo(t0);
    wr(GPT2_CTRL, 0x3);  // EN, 32 kHz
    scheduler.advanceTo(t0 + kPicosPerSecond);
    EXPECT_EQ(rd(GPT2_CNT), 5u + 32768u);
    wr(GPT2_CTRL, 0x2);  // stop
    scheduler.advanceTo(t0 + 2 * kPicosPerSecond);
    EXPECT_EQ(rd(GPT2_CNT), 5u + 32768u);
    wr(GPT2_CTRL, 0x1);  // continue at 32768/33 Hz
    scheduler.advanceTo(t0 + 2 * kPicosPerSecond + tickTime(0, 10, 32768, 33));
    EXPECT_EQ(rd(GPT2_CNT), 5u + 32768u + 10u);
    // Writing CNT while running restarts from the value.
    wr(GPT2_CNT, 0);
    EXPECT_EQ(rd(GPT2_CNT), 0u);
}

TEST_F(GptTest, Gpt3ExpireInterruptAndIclr) {
    wr(GPT3_INIT, 0);
    wr(GPT3_EXPIRE, 1000);
    wr(GPT3_CTRL, kGpt3Default | kIclr | kEn);  // CT: ICLR before enabling
    scheduler.advanceTo(1000 * kPicosPerMicro - 1);
    EXPECT_FALSE(gpt.irq_gpt3.level());
    scheduler.advanceTo(1000 * kPicosPerMicro);
    EXPECT_TRUE(gpt.irq_gpt3.level());
    EXPECT_EQ(gpt.irq_gpt3.number(), 0u);  // unconnected line
    scheduler.advanceTo(1200 * kPicosPerMicro);
    EXPECT_TRUE(gpt.irq_gpt3.level());  // held until ICLR
    wr(GPT3_CTRL, kGpt3Default | kIclr | kEn);
    EXPECT_FALSE(gpt.irq_gpt3.level());
    wr(GPT3_CTRL, kGpt3Default | kEn);  // MTK pulses ICLR back to 0
    EXPECT_EQ(rd(GPT3_CNT), 1200u);  // counting went on
    scheduler.advanceTo(1500 * kPicosPerMicro);
    EXPECT_FALSE(gpt.irq_gpt3.level());

    // A new EXPIRE while running.
    wr(GPT3_EXPIRE, 2000);
    scheduler.advanceTo(2000 * kPicosPerMicro);
    EXPECT_TRUE(gpt.irq_gpt3.level());
}

TEST_F(GptTest, Gpt3CountingFromExpireDoesNotFireAtOnce) {
    // MS's busy-wait: INIT = 0, EXPIRE left at 0.
    wr(GPT3_INIT, 0);
    wr(GPT3_CTRL, kGpt3Default | kEn);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_FALSE(gpt.irq_gpt3.level());
    EXPECT_EQ(rd(GPT3_CNT), 1'000'000u);
}

TEST_F(GptTest, Gpt4CountsTheCpuClock) {
    cpu_hz = 197'600'000;
    wr(GPT4_INIT, 10);
    wr(GPT4_CTRL, 0x3);  // EN, SPEED 1 = CPU clock (CT's reading)
    scheduler.advanceTo(kPicosPerMicro);
    EXPECT_EQ(rd(GPT4_CNT), 10u + 197u);
    scheduler.advanceTo(kPicosPerMilli);
    EXPECT_EQ(rd(GPT4_CNT), 10u + 197'600u);

    // The core drops to 26 MHz: GPT4 continues at the new rate.
    cpu_hz = 26'000'000;
    gpt.cpuClockChanged();
    scheduler.advanceTo(kPicosPerMilli + kPicosPerMicro);
    EXPECT_EQ(rd(GPT4_CNT), 10u + 197'600u + 26u);

    // SPEED 0: half the CPU clock.
    wr(GPT4_CTRL, 0x1);
    scheduler.advanceTo(kPicosPerMilli + 2 * kPicosPerMicro);
    EXPECT_EQ(rd(GPT4_CNT), 10u + 197'600u + 26u + 13u);
}

TEST_F(GptTest, ResetStopsEverything) {
    wr(IER, 0x1);
    wr(GPT0_ICNT, 10);
    wr(GPT0_CTRL, kEn | kSpeed32k);
    wr(GPT3_CTRL, kGpt3Default | kEn);
    scheduler.advanceTo(kPicosPerMilli);
    EXPECT_TRUE(gpt.irq_gpt01.level());
    gpt.reset();
    EXPECT_FALSE(gpt.irq_gpt01.level());
    EXPECT_EQ(rd(GPT3_CTRL), kGpt3Default);
    EXPECT_EQ(rd(GPT3_CNT), 0u);
    EXPECT_EQ(rd(GPT0_CNT), 0u);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_EQ(rd(ISR), 0u);
}

}  // namespace
}  // namespace mt3620
