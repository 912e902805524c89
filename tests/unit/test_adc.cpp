// AdcController: Microsoft's polled read, codes and references, sample timing, periodic mode,
// the FIFO pointers in DEBUG16, IRQ 70 and overflow (reference §4.7).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/AdcController.h"

namespace mt3620 {
namespace {

// Model offsets = reference offsets - 0x100 (the model is mapped at 0x3800_0100).
constexpr std::uint32_t CTL0 = 0x000, REG_PERIOD = 0x004, CTL3 = 0x00C, RBR = 0x100, IER = 0x104,
                        IIR = 0x108, LSR = 0x114, TRI_LVL = 0x160, DEBUG16 = 0x1D4;
constexpr std::uint32_t kFsmEn = 1u << 0, kPmode = 1u << 8, kVref18 = 1u << 31;
constexpr Picos kUs = kPicosPerMicro;
constexpr Picos kClk = 500'000;  // 2 MHz

constexpr std::uint32_t bit(unsigned n) { return 1u << n; }
constexpr std::uint32_t bitMask(unsigned high, unsigned low) {
    return static_cast<std::uint32_t>(((std::uint64_t{1} << (high + 1)) - 1) & ~((std::uint64_t{1} << low) - 1));
}
constexpr std::uint32_t ctl0(std::uint32_t ch_map, unsigned t_init, unsigned t_ch, unsigned avg = 0) {
    return (ch_map << 16) | (t_init << 9) | (t_ch << 4) | (avg << 1);
}

class AdcTest : public ::testing::Test {
protected:
    AdcTest() { log.setTimeSource(&scheduler); }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(adc.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(adc.write(offset, 4, v)) << std::hex << offset; }
    void waitUs(Picos us) { scheduler.advanceTo(scheduler.now() + us * kUs); }

    // Microsoft's ADC_RTApp_MT3620_BareMetal, register for register (reference §4.7).
    size_t fifoEntryCount() {
        std::uint32_t d = rd(DEBUG16);
        std::uint32_t r = d & 0x1F, w = (d >> 5) & 0x1F;
        return w >= r ? w - r : w + 32 - r;
    }
    void msEnableAdc(bool vref18 = false) {
        std::uint32_t c3 = rd(CTL3);
        c3 &= ~bit(31);
        if (vref18) c3 |= bit(31);
        c3 &= ~bit(17);
        c3 &= ~bit(16);
        c3 |= bit(15) | bit(13) | bit(11);
        c3 &= ~bitMask(9, 8);
        c3 |= 2u << 8;
        c3 |= bit(6) | bit(4);
        c3 &= ~bitMask(3, 2);
        c3 |= 1u << 2;
        c3 &= ~bitMask(1, 0);
        c3 |= 1u;
        wr(CTL3, c3);
        std::uint32_t c0 = rd(CTL0);
        c0 &= ~bitMask(31, 16);
        c0 &= ~bit(8);
        c0 &= ~bitMask(3, 1);
        c0 &= ~bitMask(15, 9);
        c0 |= 20u << 9;
        wr(CTL0, c0);
        waitUs(50);
    }
    std::uint32_t msReadAdc(unsigned channel) {
        for (size_t i = fifoEntryCount(); i > 0; --i) rd(RBR);
        std::uint32_t c0 = rd(CTL0);
        c0 &= ~bitMask(31, 16);
        c0 |= bit(16 + channel);
        c0 |= bit(0);
        wr(CTL0, c0);
        waitUs(21);
        for (int spins = 0; fifoEntryCount() == 0; ++spins) {
            if (spins > 1000) {
                ADD_FAILURE() << "FIFO never filled";
                return ~0u;
            }
            waitUs(1);
        }
        c0 = rd(CTL0);
        c0 &= ~bit(0);
        wr(CTL0, c0);
        std::uint32_t rbr = rd(RBR);
        if ((rbr & 0xF) != channel) return ~0u;
        return (rbr >> 4) & 0xFFF;
    }

    Scheduler scheduler;
    Log log;
    AdcController adc{"ADC", scheduler, log};
};

TEST_F(AdcTest, ResetValues) {
    EXPECT_EQ(rd(CTL0), (20u << 9) | (8u << 4));
    EXPECT_EQ(rd(TRI_LVL), 0x1Cu);
    EXPECT_EQ(rd(IIR), 1u);
    EXPECT_EQ(rd(LSR), 0u);
    EXPECT_EQ(rd(DEBUG16), 0u);
    EXPECT_EQ(rd(RBR), 0u);  // empty FIFO
    EXPECT_FALSE(adc.irq.level());
    EXPECT_EQ(adc.registerName(0x1D4), "ADC_FIFO_DEBUG16");
    EXPECT_EQ(adc.registerName(0x000), "ADC_CTL0");
    EXPECT_EQ(adc.registerName(0x004), "REG_PERIOD");
    EXPECT_EQ(AdcController::kBase, 0x3800'0100u);
}

TEST_F(AdcTest, MicrosoftPolledReadOfHalfScale) {
    adc.setChannelSource(0, [](Picos) { return 1.25; });
    msEnableAdc();
    const std::uint32_t v = msReadAdc(0);
    EXPECT_NEAR(static_cast<double>(v), 2048.0, 1.0);
    EXPECT_EQ(v, 2048u);  // 1.25 / 2.5 * 4095 = 2047.5, rounded half up
    // Again, on another channel, in the same session.
    adc.setChannelSource(5, [](Picos) { return 0.625; });
    EXPECT_EQ(msReadAdc(5), 1024u);  // 1023.75
    EXPECT_EQ(fifoEntryCount(), 0u);
}

TEST_F(AdcTest, ZeroAndClamp) {
    adc.setChannelSource(1, [](Picos) { return 2.6; });
    adc.setChannelSource(2, [](Picos) { return -0.3; });
    msEnableAdc();
    EXPECT_EQ(msReadAdc(0), 0u);  // unconnected: 0 V
    EXPECT_EQ(msReadAdc(1), 4095u);
    EXPECT_EQ(msReadAdc(2), 0u);
}

TEST_F(AdcTest, OnePointEightVoltReference) {
    adc.setChannelSource(0, [](Picos) { return 0.9; });
    adc.setChannelSource(1, [](Picos) { return 1.8; });
    adc.setChannelSource(2, [](Picos) { return 1.25; });
    msEnableAdc(true);
    EXPECT_DOUBLE_EQ(adc.referenceVolts(), 1.8);
    EXPECT_EQ(msReadAdc(0), 2048u);  // 2047.5
    EXPECT_EQ(msReadAdc(1), 4095u);
    EXPECT_EQ(msReadAdc(2), static_cast<std::uint32_t>(std::lround(1.25 / 1.8 * 4095)));
}

TEST_F(AdcTest, SampleIsTakenAtTheConversionTime) {
    // T_INIT = 20, T_CH = 8, one sample: (20 + 8 + 2 + 1) clocks = 15.5 us after FSM_EN.
    const Picos t0 = 3 * kUs + 1234;
    const Picos when = t0 + 31 * kClk;
    adc.setChannelSource(0, [when](Picos t) { return t < when ? 0.0 : 1.25; });
    adc.setChannelSource(1, [when](Picos t) { return t <= when ? 1.25 : 0.0; });
    scheduler.advanceTo(t0);
    wr(CTL0, ctl0(0b11, 20, 8) | kFsmEn);
    scheduler.advanceTo(when - 1);
    EXPECT_EQ(adc.fifoCount(), 0u);
    scheduler.advanceTo(when);
    EXPECT_EQ(adc.fifoCount(), 1u);
    EXPECT_EQ(rd(RBR), (2048u << 4) | 0);
    // Channel 1 follows 11 clocks later, when its source has dropped to 0 V.
    scheduler.advanceTo(when + 11 * kClk);
    EXPECT_EQ(rd(RBR), (0u << 4) | 1);
    scheduler.advanceTo(when + 1000 * kUs);
    EXPECT_EQ(adc.fifoCount(), 0u);  // one-shot: one scan only
}

TEST_F(AdcTest, ReadsCatchUpWithinAQuantum) {
    // A register read at a time past a conversion (a core running ahead of the machine time)
    // sees the sample even before its event has fired.
    adc.setChannelSource(0, [](Picos) { return 1.25; });
    wr(CTL0, ctl0(1, 0, 0) | kFsmEn);  // 3 clocks
    struct Ahead : TimeSource {
        Picos t;
        Picos now() const override { return t; }
    } ahead;
    ahead.t = 3 * kClk;
    scheduler.setLocalTime(&ahead);
    EXPECT_EQ(rd(DEBUG16), 1u << 5);
    scheduler.setLocalTime(nullptr);
}

TEST_F(AdcTest, PeriodicModeSamplesARampAtTheRightTimes) {
    const Picos t0 = 10 * kUs;
    auto ramp = [t0](Picos t) { return t < t0 ? 0.0 : static_cast<double>(t - t0) / kPicosPerSecond * 100.0; };
    adc.setChannelSource(0, ramp);
    adc.setChannelSource(3, [ramp](Picos t) { return ramp(t) / 2; });
    scheduler.advanceTo(t0);
    wr(REG_PERIOD, 1999);  // 2 MHz / 1 kHz - 1
    wr(CTL0, ctl0(0b1001, 20, 8) | kPmode | kFsmEn);

    // Scan m: channel 0 at (20 + 2000 m + 11) clocks, channel 3 at (20 + 2000 m + 22) clocks.
    auto at = [&](unsigned m, unsigned slot) { return t0 + (20 + 2000 * m + 11 * (slot + 1)) * kClk; };
    scheduler.advanceTo(at(0, 0) - 1);
    EXPECT_EQ(adc.fifoCount(), 0u);
    scheduler.advanceTo(at(0, 0));
    EXPECT_EQ(adc.fifoCount(), 1u);
    scheduler.advanceTo(at(0, 1));
    EXPECT_EQ(adc.fifoCount(), 2u);
    scheduler.advanceTo(at(1, 0) - 1);
    EXPECT_EQ(adc.fifoCount(), 2u);
    scheduler.advanceTo(at(9, 1));
    EXPECT_EQ(adc.fifoCount(), 20u);

    std::uint32_t last0 = 0;
    for (unsigned m = 0; m < 10; ++m) {
        for (unsigned slot = 0; slot < 2; ++slot) {
            const std::uint32_t e = rd(RBR);
            const unsigned ch = slot ? 3 : 0;
            EXPECT_EQ(e & 0xF, ch);
            const double v = slot ? ramp(at(m, slot)) / 2 : ramp(at(m, slot));
            EXPECT_EQ(e >> 4, adc.codeFor(v)) << "scan " << m << " slot " << slot;
            if (slot == 0) {
                if (m > 0) EXPECT_GT(e >> 4, last0);
                last0 = e >> 4;
            }
        }
    }
    EXPECT_GT(last0, 300u);  // 0.9 V after 9 ms

    // Clearing FSM_EN stops it.
    wr(CTL0, rd(CTL0) & ~kFsmEn);
    scheduler.advanceTo(at(20, 1));
    EXPECT_EQ(adc.fifoCount(), 0u);
}

TEST_F(AdcTest, Debug16CountsEntries) {
    wr(REG_PERIOD, 99);  // 50 us
    wr(CTL0, ctl0(1, 0, 0) | kPmode | kFsmEn);
    scheduler.advanceTo(5 * 50 * kUs);  // scans at 0, 50, ..., 200 us complete 1.5 us later
    EXPECT_EQ(rd(DEBUG16), 5u << 5);
    EXPECT_EQ(fifoEntryCount(), 5u);
    rd(RBR);
    rd(RBR);
    EXPECT_EQ(rd(DEBUG16), 2u | (5u << 5));
    EXPECT_EQ(fifoEntryCount(), 3u);
    EXPECT_EQ(rd(LSR) & 1, 1u);
    // Pointers wrap at 32.
    for (int i = 0; i < 3; ++i) rd(RBR);
    EXPECT_EQ(rd(LSR) & 1, 0u);
    scheduler.advanceTo(35 * 50 * kUs);  // 35 scans in all
    EXPECT_EQ(fifoEntryCount(), 30u);
    EXPECT_EQ(rd(DEBUG16), 5u | (3u << 5));
}

TEST_F(AdcTest, IrqAtTriggerLevel) {
    wr(TRI_LVL, 4u << 2);
    wr(IER, 1);
    wr(REG_PERIOD, 19);  // 10 us
    wr(CTL0, ctl0(1, 0, 0) | kPmode | kFsmEn);
    scheduler.advanceTo(30 * kUs + 3 * kClk - 1);  // three samples: at 1.5, 11.5, 21.5 us
    EXPECT_EQ(adc.fifoCount(), 3u);
    EXPECT_FALSE(adc.irq.level());
    EXPECT_EQ(rd(IIR), 1u);
    scheduler.advanceTo(30 * kUs + 3 * kClk);  // fourth sample, raised by the event alone
    EXPECT_TRUE(adc.irq.level());
    EXPECT_EQ(rd(IIR), 4u);
    rd(RBR);
    EXPECT_FALSE(adc.irq.level());
    EXPECT_EQ(rd(IIR), 1u);
    // IER clear: no interrupt whatever the count.
    wr(IER, 0);
    scheduler.advanceTo(100 * kUs);
    EXPECT_GE(adc.fifoCount(), 4u);
    EXPECT_FALSE(adc.irq.level());
    wr(IER, 1);
    EXPECT_TRUE(adc.irq.level());
}

TEST_F(AdcTest, TriggerLevelZeroMeansOne) {
    wr(TRI_LVL, 0);
    wr(IER, 1);
    wr(CTL0, ctl0(1, 0, 0) | kFsmEn);
    scheduler.advanceTo(3 * kClk);
    EXPECT_TRUE(adc.irq.level());
}

TEST_F(AdcTest, TimeoutIrqWhenTheScanIsOver) {
    wr(IER, 4);  // timeout only; the trigger level (7) is never reached
    wr(CTL0, ctl0(0b111, 0, 0) | kFsmEn);
    scheduler.advanceTo(6 * kClk);
    EXPECT_EQ(adc.fifoCount(), 2u);
    EXPECT_FALSE(adc.irq.level());  // more samples are coming
    scheduler.advanceTo(9 * kClk);
    EXPECT_TRUE(adc.irq.level());
    EXPECT_EQ(rd(IIR), 12u);
    for (int i = 0; i < 3; ++i) rd(RBR);
    EXPECT_FALSE(adc.irq.level());
    EXPECT_EQ(rd(IIR), 1u);
}

TEST_F(AdcTest, OverflowDropsTheNewestSamples) {
    auto volts = [](Picos t) { return static_cast<double>(t) / kUs * 0.01; };
    adc.setChannelSource(2, volts);
    // Back-to-back scans of one channel: 3 clocks each (T_CH 0 + 2 latency + 1 sample).
    wr(REG_PERIOD, 0);
    wr(CTL0, ctl0(bit(2), 0, 0) | kPmode | kFsmEn);
    scheduler.advanceTo(40 * 3 * kClk);  // 40 samples
    EXPECT_EQ(adc.fifoCount(), 32u);
    const std::uint32_t d = rd(DEBUG16);
    EXPECT_EQ(d & 0x1F, (d >> 5) & 0x1F);  // a full FIFO's 5-bit pointers are equal
    EXPECT_EQ(rd(LSR), 0x3u);              // DR and overrun
    EXPECT_EQ(rd(LSR), 0x1u);              // overrun cleared by the read
    for (unsigned i = 0; i < 32; ++i) {
        const std::uint32_t e = rd(RBR);
        EXPECT_EQ(e & 0xF, 2u);
        EXPECT_EQ(e >> 4, adc.codeFor(volts((i + 1) * 3 * kClk))) << i;
    }
    // Room again: the next sample goes in.
    scheduler.advanceTo(41 * 3 * kClk);
    ASSERT_EQ(adc.fifoCount(), 1u);
    EXPECT_EQ(rd(RBR) >> 4, adc.codeFor(volts(41 * 3 * kClk)));
}

TEST_F(AdcTest, AveragingTakesMoreClocks) {
    // REG_AVG_MODE 2: 4 samples, one per clock; T_CH 8: 8 + 2 + 4 = 14 clocks.
    adc.setChannelSource(0, [](Picos t) { return t < 12 * kClk ? 0.0 : 2.5; });
    wr(CTL0, ctl0(1, 0, 8, 2) | kFsmEn);
    scheduler.advanceTo(14 * kClk - 1);
    EXPECT_EQ(adc.fifoCount(), 0u);
    scheduler.advanceTo(14 * kClk);
    // Samples at clocks 11, 12, 13, 14: codes 0, 4095, 4095, 4095 -> mean 3071.25.
    EXPECT_EQ(rd(RBR) >> 4, 3071u);
}

TEST_F(AdcTest, FsmEnMustRiseToStart) {
    adc.setChannelSource(0, [](Picos) { return 1.0; });
    wr(CTL0, ctl0(1, 0, 0) | kFsmEn);
    scheduler.advanceTo(10 * kUs);
    EXPECT_EQ(adc.fifoCount(), 1u);
    wr(CTL0, ctl0(1, 0, 0) | kFsmEn);  // still 1: no new scan
    scheduler.advanceTo(20 * kUs);
    EXPECT_EQ(adc.fifoCount(), 1u);
    wr(CTL0, ctl0(1, 0, 0));
    wr(CTL0, ctl0(1, 0, 0) | kFsmEn);
    scheduler.advanceTo(30 * kUs);
    EXPECT_EQ(adc.fifoCount(), 2u);
}

TEST_F(AdcTest, ResetEmptiesTheFifo) {
    wr(IER, 5);
    wr(CTL0, ctl0(1, 0, 0) | kFsmEn);
    scheduler.advanceTo(10 * kUs);
    EXPECT_TRUE(adc.irq.level());
    adc.reset();
    EXPECT_FALSE(adc.irq.level());
    EXPECT_EQ(rd(DEBUG16), 0u);
    EXPECT_EQ(scheduler.nextDeadline(), kNever);
}

}  // namespace
}  // namespace mt3620
