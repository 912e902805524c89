// PwmController: waveforms on the pads, exact to the tick, for each tick clock; polarity, stop,
// S0/S1 alternation, global kick (reference §4.2).
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/PinBank.h"
#include "periph/PwmController.h"

namespace mt3620 {
namespace {

constexpr std::uint32_t GLO = 0x000;
constexpr std::uint32_t CTRL(unsigned k) { return 0x100 + 0x10 * k; }
constexpr std::uint32_t S0(unsigned k) { return 0x104 + 0x10 * k; }
constexpr std::uint32_t S1(unsigned k) { return 0x108 + 0x10 * k; }
constexpr std::uint32_t kKick = 1u << 0, kReplay = 1u << 1, kPolarity = 1u << 2, kClockEn = 1u << 4,
                        kGlobalKickEn = 1u << 5;
constexpr std::uint32_t kGloDefault = 0x0000'E400;
constexpr std::uint32_t kTick32k = 0, kTick2M = 1, kTick26M = 2;
constexpr std::uint32_t stay(std::uint32_t s0, std::uint32_t s1 = 0) { return (s0 << 8) | (s1 << 20); }
constexpr std::uint32_t param(std::uint32_t on, std::uint32_t off) { return (off << 16) | on; }

struct Edge {
    unsigned pin;
    bool level;
    Picos time;
    bool operator==(const Edge& o) const { return std::tie(pin, level, time) == std::tie(o.pin, o.level, o.time); }
};

std::ostream& operator<<(std::ostream& os, const Edge& e) {
    return os << "{GPIO" << e.pin << " " << (e.level ? "high" : "low") << " @" << e.time << "}";
}

class Recorder : public PinListener {
public:
    void pinChanged(unsigned pin, bool level, Picos time) override { edges.push_back({pin, level, time}); }
    std::vector<Edge> edges;
};

class PwmTest : public ::testing::Test {
protected:
    PwmTest() {
        log.setTimeSource(&scheduler);
        pins.addListener(&rec);
    }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(pwm.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(pwm.write(offset, 4, v)) << std::hex << offset; }

    /// Programs channel k the way CT's PWM_ConfigurePin does (push-pull, S0 only) and kicks it.
    void kick(unsigned k, std::uint32_t tick_sel, std::uint32_t on, std::uint32_t off, std::uint32_t extra = 0) {
        wr(GLO, kGloDefault | (tick_sel << 1));
        wr(S0(k), param(on, off));
        wr(S1(k), 0);
        wr(CTRL(k), kClockEn | stay(1) | extra | kKick);
    }

    /// Edges expected on `pin` for a waveform of `on`/`off` ticks at `hz`, from t0, for n periods.
    static std::vector<Edge> expectedEdges(unsigned pin, Picos t0, std::uint64_t hz, std::uint64_t on,
                                           std::uint64_t off, unsigned periods, bool inverted = false) {
        std::vector<Edge> v;
        for (unsigned n = 0; n < periods; ++n) {
            const std::uint64_t start = n * (on + off);
            if (!(inverted && n == 0)) v.push_back({pin, !inverted, t0 + cyclesToPicosCeil(start, hz)});
            v.push_back({pin, inverted, t0 + cyclesToPicosCeil(start + on, hz)});
        }
        return v;
    }

    Scheduler scheduler;
    Log log;
    PinBank pins{&scheduler};
    Recorder rec;
    PwmController pwm{"PWM0", 0, pins, scheduler, log};
};

TEST_F(PwmTest, ResetValuesAndAddresses) {
    EXPECT_EQ(rd(GLO), 0x0000'E400u);
    for (unsigned k = 0; k < 4; ++k) {
        EXPECT_EQ(rd(CTRL(k)), 0x0Cu);
        EXPECT_EQ(rd(S0(k)), 0u);
        EXPECT_EQ(rd(S1(k)), 0u);
        EXPECT_FALSE(pwm.channel(k).running);
    }
    EXPECT_EQ(PwmController::base(0), 0x3801'1000u);
    EXPECT_EQ(PwmController::base(1), 0x3802'1000u);
    EXPECT_EQ(PwmController::base(2), 0x3803'1000u);
    EXPECT_EQ(pwm.registerName(0x124), "PWM2_PARAM_S0");
    PwmController pwm2{"PWM2", 2, pins, scheduler, log};
    EXPECT_EQ(pwm2.pin(0), 8u);
    EXPECT_EQ(pwm2.pin(3), 11u);
}

TEST_F(PwmTest, ThirtyTwoKilohertzEdgesExactToThePicosecond) {
    const Picos t0 = 1'234'567;  // not on a tick boundary: ticks count from the kick
    scheduler.advanceTo(t0);
    kick(0, kTick32k, 16, 48);

    auto st = pwm.channel(0);
    EXPECT_TRUE(st.running);
    EXPECT_DOUBLE_EQ(st.duty, 0.25);
    EXPECT_EQ(st.period, 1'953'125'000u);  // 64 / 32768 s
    EXPECT_FALSE(st.inverted);
    EXPECT_TRUE(pins.chipDriven(0));
    EXPECT_TRUE(pins.level(0));

    // 16 ticks = 488 281 250 ps, exactly.
    const Picos fall = t0 + 488'281'250;
    scheduler.advanceTo(fall - 1);
    EXPECT_TRUE(pins.level(0));
    scheduler.advanceTo(fall);
    EXPECT_FALSE(pins.level(0));
    scheduler.advanceTo(t0 + 1'953'125'000 - 1);
    EXPECT_FALSE(pins.level(0));
    scheduler.advanceTo(t0 + 1'953'125'000);
    EXPECT_TRUE(pins.level(0));

    scheduler.advanceTo(t0 + 5 * Picos{1'953'125'000} - 1);
    EXPECT_EQ(rec.edges, expectedEdges(0, t0, 32768, 16, 48, 5));
    EXPECT_EQ(rec.edges[1].time, t0 + 488'281'250);
    EXPECT_EQ(rec.edges[9].time, t0 + 4 * Picos{1'953'125'000} + 488'281'250);
}

TEST_F(PwmTest, UnevenTicksDoNotDrift) {
    // 32768 Hz ticks are 30 517 578.125 ps: each edge is rounded up from the exact tick time,
    // never accumulated, so after many periods the edges are still on their ticks.
    kick(1, kTick32k, 3, 4);
    scheduler.advanceTo(1000 * cyclesToPicosCeil(7, 32768));
    auto expected = expectedEdges(1, 0, 32768, 3, 4, 1000);
    // The last expected edge is the fall at tick 6996; the rise at tick 7000 follows it.
    std::vector<Edge> got(rec.edges.begin(), rec.edges.begin() + static_cast<long>(expected.size()));
    EXPECT_EQ(got, expected);
    EXPECT_EQ(got.back().time, 213'500'976'563u);  // ceil(6996 / 32768 s)
}

TEST_F(PwmTest, PolarityInvertsTheWaveform) {
    const Picos t0 = 7'000'000;
    scheduler.advanceTo(t0);
    kick(0, kTick32k, 16, 48, kPolarity);
    auto st = pwm.channel(0);
    EXPECT_TRUE(st.inverted);
    EXPECT_DOUBLE_EQ(st.duty, 0.25);
    EXPECT_TRUE(pins.chipDriven(0));
    EXPECT_FALSE(pins.level(0));  // low during the on-time: no change from the idle pad
    scheduler.advanceTo(t0 + 3 * Picos{1'953'125'000} - 1);
    EXPECT_EQ(rec.edges, expectedEdges(0, t0, 32768, 16, 48, 3, true));
    EXPECT_EQ(rec.edges.front(), (Edge{0, true, t0 + 488'281'250}));
}

TEST_F(PwmTest, TwoMegahertzTick) {
    kick(2, kTick2M, 3, 7);  // 1.5 us high, 3.5 us low
    auto st = pwm.channel(2);
    EXPECT_EQ(st.period, 5 * kPicosPerMicro);
    EXPECT_DOUBLE_EQ(st.duty, 0.3);
    scheduler.advanceTo(20 * kPicosPerMicro - 1);
    EXPECT_EQ(rec.edges, expectedEdges(2, 0, 2'000'000, 3, 7, 4));
    EXPECT_EQ(rec.edges[1].time, 1'500'000u);
    EXPECT_EQ(rec.edges[2].time, 5'000'000u);
}

TEST_F(PwmTest, TwentySixMegahertzTick) {
    const Picos t0 = 333;
    scheduler.advanceTo(t0);
    kick(3, kTick26M, 1, 2);  // 38 461.54 ps ticks
    EXPECT_EQ(pwm.channel(3).period, 115'384u);  // rounded down
    scheduler.advanceTo(t0 + cyclesToPicosCeil(30, 26'000'000) - 1);
    EXPECT_EQ(rec.edges, expectedEdges(3, t0, 26'000'000, 1, 2, 10));
    EXPECT_EQ(rec.edges[1].time, t0 + 38'462);   // tick 1
    EXPECT_EQ(rec.edges[2].time, t0 + 115'385);  // tick 3
    EXPECT_EQ(rec.edges[3].time, t0 + 153'847);  // tick 4
}

TEST_F(PwmTest, ClockDisableStopsAndHandsThePadBack) {
    kick(0, kTick2M, 2, 2);
    scheduler.advanceTo(2'500'000);  // 2 us periods, 1 us high: high at 2.5 us
    EXPECT_TRUE(pins.level(0));
    wr(CTRL(0), rd(CTRL(0)) & ~kClockEn);
    EXPECT_FALSE(pwm.channel(0).running);
    EXPECT_FALSE(pins.chipDriven(0));
    EXPECT_FALSE(pins.level(0));  // nothing else drives GPIO0
    const size_t n = rec.edges.size();
    scheduler.advanceTo(100 * kPicosPerMicro);
    EXPECT_EQ(rec.edges.size(), n);

    // The GPIO output takes the pad while the PWM is off and loses it while it runs.
    pins.setGpioOutput(0, true, true);
    EXPECT_TRUE(pins.level(0));
    wr(CTRL(0), kClockEn | stay(1) | kKick | kPolarity);  // inverted: low first
    EXPECT_FALSE(pins.level(0));
}

TEST_F(PwmTest, CtrlRewriteWithoutKickStops) {
    kick(1, kTick2M, 2, 2);
    EXPECT_TRUE(pwm.channel(1).running);
    wr(CTRL(1), kClockEn | stay(1));
    EXPECT_FALSE(pwm.channel(1).running);
    EXPECT_FALSE(pins.chipDriven(1));
}

TEST_F(PwmTest, ParametersTakeEffectAtTheNextKick) {
    kick(0, kTick2M, 2, 2);
    wr(S0(0), param(1, 3));
    EXPECT_DOUBLE_EQ(pwm.channel(0).duty, 0.5);
    scheduler.advanceTo(kPicosPerMicro);  // 2 MHz: period 2 us
    EXPECT_EQ(rec.edges.back(), (Edge{0, false, kPicosPerMicro}));

    // Kick again (read-modify-write, as MTK does): restarts with the new parameters.
    wr(CTRL(0), rd(CTRL(0)) | kKick);
    EXPECT_DOUBLE_EQ(pwm.channel(0).duty, 0.25);
    EXPECT_TRUE(pins.level(0));
    scheduler.advanceTo(kPicosPerMicro + 500'000);
    EXPECT_FALSE(pins.level(0));
}

TEST_F(PwmTest, TickClockIsLatchedAtTheKick) {
    kick(0, kTick2M, 1, 1);
    wr(GLO, kGloDefault | (kTick32k << 1));
    EXPECT_EQ(pwm.channel(0).period, kPicosPerMicro);
    wr(CTRL(0), rd(CTRL(0)));  // kick still set: restart at 32 kHz
    EXPECT_EQ(pwm.channel(0).period, cyclesToPicos(2, 32768));
}

TEST_F(PwmTest, ConstantOutputs) {
    // on = 0: constant low (inactive); off = 0: constant high; no events either way.
    kick(0, kTick32k, 0, 10);
    kick(1, kTick32k, 10, 0);
    EXPECT_TRUE(pwm.channel(0).running);
    EXPECT_DOUBLE_EQ(pwm.channel(0).duty, 0.0);
    EXPECT_TRUE(pwm.channel(1).running);
    EXPECT_DOUBLE_EQ(pwm.channel(1).duty, 1.0);
    EXPECT_TRUE(pins.chipDriven(0));
    EXPECT_FALSE(pins.level(0));
    EXPECT_TRUE(pins.level(1));
    EXPECT_EQ(scheduler.nextDeadline(), kNever);
    scheduler.advanceTo(kPicosPerSecond);
    ASSERT_EQ(rec.edges.size(), 1u);
    EXPECT_EQ(rec.edges[0], (Edge{1, true, 0}));

    // on = off = 0: disabled.
    kick(2, kTick32k, 0, 0);
    EXPECT_FALSE(pwm.channel(2).running);
    EXPECT_FALSE(pins.chipDriven(2));
}

TEST_F(PwmTest, ZeroS0StayCycleIsDisabled) {
    wr(S0(0), param(1, 1));
    wr(CTRL(0), kClockEn | kKick);  // S0_stay_cycle = 0
    EXPECT_FALSE(pwm.channel(0).running);
}

TEST_F(PwmTest, ReplayAlternatesS0AndS1) {
    // 2 MHz; S0 = 1 on / 1 off for 2 periods, S1 = 3 on / 1 off for 1 period, repeated.
    wr(GLO, kGloDefault | (kTick2M << 1));
    wr(S0(0), param(1, 1));
    wr(S1(0), param(3, 1));
    wr(CTRL(0), kClockEn | kReplay | stay(2, 1) | kKick);
    scheduler.advanceTo(cyclesToPicos(24, 2'000'000) - 1);
    std::vector<Edge> expected;
    const std::uint64_t rises[] = {0, 2, 4, 8, 10, 12, 16, 18, 20};
    const std::uint64_t falls[] = {1, 3, 7, 9, 11, 15, 17, 19, 23};
    for (int i = 0; i < 9; ++i) {
        expected.push_back({0, true, rises[i] * 500'000});
        expected.push_back({0, false, falls[i] * 500'000});
    }
    EXPECT_EQ(rec.edges, expected);
}

TEST_F(PwmTest, WithoutReplayS1LastsForEver) {
    wr(GLO, kGloDefault | (kTick2M << 1));
    wr(S0(0), param(1, 1));
    wr(S1(0), param(3, 1));
    wr(CTRL(0), kClockEn | stay(2, 1) | kKick);
    scheduler.advanceTo(cyclesToPicos(20, 2'000'000) - 1);
    std::vector<Edge> expected;
    const std::uint64_t rises[] = {0, 2, 4, 8, 12, 16};
    const std::uint64_t falls[] = {1, 3, 7, 11, 15, 19};
    for (int i = 0; i < 6; ++i) {
        expected.push_back({0, true, rises[i] * 500'000});
        expected.push_back({0, false, falls[i] * 500'000});
    }
    EXPECT_EQ(rec.edges, expected);
}

TEST_F(PwmTest, ConstantStatesInReplay) {
    // S0 constant high for 3 periods of 4 ticks, S1 constant low for 2 periods of 5 ticks.
    wr(GLO, kGloDefault | (kTick2M << 1));
    wr(S0(0), param(4, 0));
    wr(S1(0), param(0, 5));
    wr(CTRL(0), kClockEn | kReplay | stay(3, 2) | kKick);
    scheduler.advanceTo(cyclesToPicos(44, 2'000'000) - 1);
    std::vector<Edge> expected = {{0, true, 0},
                                  {0, false, 12 * 500'000},
                                  {0, true, 22 * 500'000},
                                  {0, false, 34 * 500'000}};
    EXPECT_EQ(rec.edges, expected);
}

TEST_F(PwmTest, S1WithoutStayCyclesRunsS0ForEver) {
    wr(GLO, kGloDefault | (kTick2M << 1));
    wr(S0(0), param(1, 1));
    wr(S1(0), param(5, 5));
    wr(CTRL(0), kClockEn | kReplay | stay(1, 0) | kKick);
    scheduler.advanceTo(cyclesToPicos(10, 2'000'000) - 1);
    EXPECT_EQ(rec.edges, expectedEdges(0, 0, 2'000'000, 1, 1, 5));
}

TEST_F(PwmTest, GlobalKickStartsEnabledChannels) {
    wr(GLO, kGloDefault | (kTick2M << 1));
    for (unsigned k = 0; k < 3; ++k) wr(S0(k), param(1, 1));
    wr(CTRL(0), kClockEn | stay(1) | kGlobalKickEn);
    wr(CTRL(1), kClockEn | stay(1) | kGlobalKickEn);
    wr(CTRL(2), kClockEn | stay(1));  // not part of the global kick
    EXPECT_FALSE(pwm.channel(0).running);
    wr(GLO, rd(GLO) | 1);
    EXPECT_EQ(rd(GLO) & 1, 0u);  // global_kick reads back 0
    EXPECT_TRUE(pwm.channel(0).running);
    EXPECT_TRUE(pwm.channel(1).running);
    EXPECT_FALSE(pwm.channel(2).running);
    EXPECT_TRUE(pins.level(0));
    EXPECT_TRUE(pins.level(1));
}

TEST_F(PwmTest, CodethinkConfigureSequence) {
    // CT-D PWM_ConfigurePin(pin 4 = controller 1 channel 0, 32 kHz, on 100, off 300).
    PwmController pwm1{"PWM1", 1, pins, scheduler, log};
    auto w = [&](std::uint32_t off, std::uint32_t v) { ASSERT_TRUE(pwm1.write(off, 4, v)); };
    auto r = [&](std::uint32_t off) {
        std::uint32_t v = 0;
        EXPECT_TRUE(pwm1.read(off, 4, v));
        return v;
    };
    w(GLO, 0x0000'E400);
    w(CTRL(0), 0x0C);
    w(S0(0), 0);
    w(S1(0), 0);
    w(GLO, (r(GLO) & ~0x6u) | (kTick32k << 1));
    w(CTRL(0), r(CTRL(0)) | kClockEn);
    w(S0(0), param(100, 300));
    w(S1(0), 0);
    w(CTRL(0), (r(CTRL(0)) & ~(0xFFFu << 8) & ~0x8u) | stay(1));
    EXPECT_FALSE(pwm1.channel(0).running);
    w(CTRL(0), r(CTRL(0)) | kKick);
    auto st = pwm1.channel(0);
    EXPECT_TRUE(st.running);
    EXPECT_DOUBLE_EQ(st.duty, 0.25);
    EXPECT_EQ(st.period, cyclesToPicos(400, 32768));
    // The reset CTRL value keeps polarity = 1, so the on-time drives the pad low.
    EXPECT_TRUE(st.inverted);
    EXPECT_TRUE(pins.chipDriven(4));
    EXPECT_FALSE(pins.level(4));
}

TEST_F(PwmTest, ResetStopsEverything) {
    kick(0, kTick2M, 1, 1);
    kick(3, kTick2M, 1, 1);
    pwm.reset();
    EXPECT_FALSE(pwm.channel(0).running);
    EXPECT_FALSE(pwm.channel(3).running);
    EXPECT_FALSE(pins.chipDriven(0));
    EXPECT_EQ(scheduler.nextDeadline(), kNever);
    EXPECT_EQ(rd(CTRL(0)), 0x0Cu);
}

}  // namespace
}  // namespace mt3620
