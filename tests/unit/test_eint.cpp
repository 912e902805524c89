// Eint: edge selection through DBNC_CON (POL, DUAL, EN), the pulse on IRQ 20+n and the
// debounce filter (reference §4.10, §3).
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/Eint.h"
#include "periph/GpioBlock.h"
#include "periph/IrqConfig.h"
#include "periph/PinBank.h"

namespace mt3620 {
namespace {

constexpr std::uint32_t kEn = 1u << 9, kPol = 1u << 8, kDual = 1u << 7;
constexpr std::uint32_t prescaler(unsigned p) { return p << 4; }

/// Records every level change the EINT lines deliver, with the time.
struct FakeNvic : IrqController {
    explicit FakeNvic(const Scheduler& s) : scheduler(s) {}
    struct Call {
        unsigned irq;
        bool level;
        Picos time;
    };
    void setIrqLevel(unsigned irq, bool level) override { calls.push_back({irq, level, scheduler.now()}); }
    /// Rising edges seen on `irq` (what an NVIC latches as pending).
    unsigned pends(unsigned irq) const {
        unsigned n = 0;
        for (const Call& c : calls) n += (c.irq == irq && c.level);
        return n;
    }
    unsigned totalPends() const {
        unsigned n = 0;
        for (const Call& c : calls) n += c.level;
        return n;
    }
    const Scheduler& scheduler;
    std::vector<Call> calls;
};

class EintTest : public ::testing::Test {
protected:
    EintTest() {
        log.setTimeSource(&scheduler);
        pins.addListener(&eint);
        for (unsigned n = 0; n < Eint::kCount; ++n) eint.irq[n].connect(&nvic, Eint::kFirstIrq + n);
        nvic.calls.clear();  // connect() reports the initial (low) level
    }

    void dbnc(unsigned n, std::uint32_t v) { ASSERT_TRUE(cfg.write(4 * n, 4, v)); }
    void press(unsigned pin, bool level) { pins.setExternal(pin, level); }

    Scheduler scheduler;
    Log log;
    PinBank pins{&scheduler};
    IrqConfig cfg{"IRQCFG", log};
    Eint eint{"EINT", pins, cfg, scheduler, log};
    FakeNvic nvic{scheduler};
};

TEST_F(EintTest, RisingEdgeWithPositivePolarityPends) {
    dbnc(12, kEn | kPol);
    press(12, true);
    EXPECT_EQ(nvic.pends(32), 1u);  // EINT12 → IRQ 32
    // A pulse: raised and lowered at once, so the line is low again.
    ASSERT_EQ(nvic.calls.size(), 2u);
    EXPECT_TRUE(nvic.calls[0].level);
    EXPECT_FALSE(nvic.calls[1].level);
    EXPECT_FALSE(eint.irq[12].level());
    // The falling edge is ignored.
    press(12, false);
    EXPECT_EQ(nvic.pends(32), 1u);
    press(12, true);
    EXPECT_EQ(nvic.pends(32), 2u);
    EXPECT_EQ(nvic.totalPends(), 2u);
}

TEST_F(EintTest, NegativePolarityPendsOnFallingEdge) {
    pins.setExternal(13, true);  // button idle high (active low)
    dbnc(13, kEn);
    press(13, false);
    EXPECT_EQ(nvic.pends(33), 1u);
    press(13, true);
    EXPECT_EQ(nvic.pends(33), 1u);
}

TEST_F(EintTest, DualPendsOnBothEdges) {
    dbnc(0, kEn | kDual);
    press(0, true);
    press(0, false);
    press(0, true);
    EXPECT_EQ(nvic.pends(20), 3u);
    dbnc(23, kEn | kDual | kPol);
    press(23, true);
    press(23, false);
    EXPECT_EQ(nvic.pends(43), 2u);
}

TEST_F(EintTest, DisabledNone) {
    dbnc(5, kPol | kDual);  // no EN
    press(5, true);
    press(5, false);
    dbnc(6, 0);
    press(6, true);
    EXPECT_EQ(nvic.totalPends(), 0u);
    // Enabling later does not replay the change seen while disabled.
    dbnc(6, kEn | kPol);
    EXPECT_EQ(nvic.totalPends(), 0u);
    press(6, false);
    press(6, true);
    EXPECT_EQ(nvic.pends(26), 1u);
}

TEST_F(EintTest, PinsPast23AreIgnored) {
    for (unsigned n = 0; n < Eint::kCount; ++n) dbnc(n, kEn | kDual);
    press(24, true);
    press(30, true);
    EXPECT_EQ(nvic.totalPends(), 0u);
}

TEST_F(EintTest, GpioOutputTriggersItsOwnEint) {
    GpioBlock grp0{"GPIO-GRP0", GpioBlock::Layout::PwmGroup, 0, 4, pins, log};
    dbnc(2, kEn | kPol);
    ASSERT_TRUE(grp0.write(GpioBlock::kOeSet, 4, 0x4));
    ASSERT_TRUE(grp0.write(GpioBlock::kDoutSet, 4, 0x4));
    EXPECT_EQ(nvic.pends(22), 1u);
    // A pull-up on an undriven pin is a rising edge too.
    dbnc(3, kEn | kPol);
    ASSERT_TRUE(grp0.write(GpioBlock::kPuSet, 4, 0x8));
    EXPECT_EQ(nvic.pends(23), 1u);
}

TEST_F(EintTest, DebounceTimeFromCountAndPrescaler) {
    EXPECT_EQ(Eint::debounceTime(kEn | prescaler(3)), 0u);                 // count 0
    EXPECT_EQ(Eint::debounceTime(1), 125 * kPicosPerMicro);                // 1 × 1/8 kHz
    EXPECT_EQ(Eint::debounceTime(4 | prescaler(0)), 500 * kPicosPerMicro);
    EXPECT_EQ(Eint::debounceTime(4 | prescaler(3)), 4 * kPicosPerMilli);   // 4 × 1/1 kHz
    EXPECT_EQ(Eint::debounceTime(15 | prescaler(7)), 240 * kPicosPerMilli); // 15 × 1/62.5 Hz
}

TEST_F(EintTest, DebounceSuppressesGlitch) {
    const std::uint32_t con = kEn | kPol | 4 | prescaler(3);  // 4 ms
    const Picos t = Eint::debounceTime(con);
    dbnc(12, con);
    scheduler.advanceTo(kPicosPerMilli);
    press(12, true);
    scheduler.advanceTo(kPicosPerMilli + t / 2);
    press(12, false);  // a 2 ms glitch
    scheduler.advanceTo(10 * kPicosPerMilli);
    EXPECT_EQ(nvic.totalPends(), 0u);
    EXPECT_FALSE(eint.acceptedLevel(12));
}

TEST_F(EintTest, DebounceAcceptsPressAtExactlyTheDebounceTime) {
    const std::uint32_t con = kEn | kPol | 4 | prescaler(3);  // 4 ms
    const Picos t = Eint::debounceTime(con);
    const Picos t0 = kPicosPerMilli;
    dbnc(12, con);
    scheduler.advanceTo(t0);
    press(12, true);
    scheduler.advanceTo(t0 + t - 1);
    EXPECT_EQ(nvic.pends(32), 0u);
    scheduler.advanceTo(t0 + t);
    EXPECT_EQ(nvic.pends(32), 1u);
    ASSERT_FALSE(nvic.calls.empty());
    EXPECT_EQ(nvic.calls.front().time, t0 + t);
    EXPECT_TRUE(eint.acceptedLevel(12));
    // The release (falling, ignored with POL=1) is debounced too; then another press.
    press(12, false);
    scheduler.advanceTo(t0 + 3 * t);
    EXPECT_FALSE(eint.acceptedLevel(12));
    press(12, true);
    scheduler.advanceTo(t0 + 5 * t);
    EXPECT_EQ(nvic.pends(32), 2u);
}

TEST_F(EintTest, BouncesRestartTheWait) {
    const std::uint32_t con = kEn | kDual | 1 | prescaler(0);  // 125 us
    const Picos t = Eint::debounceTime(con);
    dbnc(7, con);
    // A bouncing press: changes every t/2 for a while, then settles high.
    Picos now = 0;
    bool level = false;
    for (int i = 0; i < 9; ++i) {
        level = !level;
        press(7, level);
        now += t / 2;
        scheduler.advanceTo(now);
    }
    EXPECT_TRUE(level);
    EXPECT_EQ(nvic.totalPends(), 0u);
    scheduler.advanceTo(now + t);
    EXPECT_EQ(nvic.pends(27), 1u);  // one edge for the whole bouncing press
}

TEST_F(EintTest, ResetCancelsPendingDebounce) {
    const std::uint32_t con = kEn | kPol | 2;
    dbnc(1, con);
    press(1, true);
    eint.reset();
    EXPECT_TRUE(eint.acceptedLevel(1));  // the present level, without an interrupt
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_EQ(nvic.totalPends(), 0u);
}

}  // namespace
}  // namespace mt3620
