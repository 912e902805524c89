#pragma once
// One PWM controller (reference §4.2). Three exist, one per GPIO group 0-2, at
// 0x3801_1000, 0x3802_1000 and 0x3803_1000; each has four channels, and channel k of
// controller c drives GPIO 4c+k.
//
//   PWM_GLO_CTRL  0x000        b0 global_kick, b[2:1] tick clock (0 = 32 768 Hz, 1 = 2 MHz,
//                              2 = 26 MHz XTAL), b3 global reset, b[15:8] dp_sel
//   PWMk_CTRL     0x100+0x10k  b0 kick, b1 replay_mode, b2 polarity (1 = inverted), b3 io_ctrl,
//                              b4 clock_en, b5 global_kick_enable, b[19:8] S0_stay_cycle,
//                              b[31:20] S1_stay_cycle
//   PWMk_PARAM_S0 0x104+0x10k  b[15:0] on-time, b[31:16] off-time, in ticks
//   PWMk_PARAM_S1 0x108+0x10k  the same for state S1
//
// A kicked channel drives its pad through PinBank::setPwmOutput: high for on-time ticks, then
// low for off-time ticks (the other way round with polarity set), in S0 for S0_stay_cycle
// periods, then in S1 for S1_stay_cycle periods (replay mode) or for ever (no replay). An
// EventTimer is armed for each level change only, never per tick, and edges fall on the exact
// picosecond of their tick, counted from the kick. docs/peripherals.md lists the choices made
// where the public sources say nothing.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/PinBank.h"
#include "periph/RegisterBlock.h"

namespace mt3620 {

class PwmController : public RegisterBlock {
public:
    static constexpr unsigned kControllers = 3;
    static constexpr unsigned kChannels = 4;
    static constexpr std::uint32_t kSize = 0x1000;
    /// Base address of controller `index` (0-2): GPIO group base + 0x1000.
    static constexpr std::uint32_t base(unsigned index) { return 0x3801'1000u + index * 0x1'0000u; }

    // Tick clocks selected by PWM_GLO_CTRL b[2:1] (reference §4.2, §4.12).
    static constexpr std::uint64_t k32kHz = 32768;
    static constexpr std::uint64_t k2MHz = 2'000'000;
    static constexpr std::uint64_t kXtalHz = 26'000'000;

    // Register offsets.
    static constexpr std::uint32_t kGloCtrl = 0x000;
    static constexpr std::uint32_t kCtrl0 = 0x100, kParamS0_0 = 0x104, kParamS1_0 = 0x108;
    static constexpr std::uint32_t kChannelStride = 0x10;
    static constexpr std::uint32_t ctrlOffset(unsigned k) { return kCtrl0 + k * kChannelStride; }
    static constexpr std::uint32_t paramS0Offset(unsigned k) { return kParamS0_0 + k * kChannelStride; }
    static constexpr std::uint32_t paramS1Offset(unsigned k) { return kParamS1_0 + k * kChannelStride; }

    // Reset values. PWMk_CTRL: CT-D's 0x0C (polarity and io_ctrl set); MTK says 0x04.
    static constexpr std::uint32_t kGloCtrlReset = 0x0000'E400;
    static constexpr std::uint32_t kCtrlReset = 0x0000'000C;

    // PWM_GLO_CTRL bits.
    static constexpr std::uint32_t kGlobalKick = 1u << 0;
    static constexpr unsigned kTickSelShift = 1;
    static constexpr std::uint32_t kTickSelMask = 0x3u << kTickSelShift;
    // PWMk_CTRL bits.
    static constexpr std::uint32_t kKick = 1u << 0;
    static constexpr std::uint32_t kReplay = 1u << 1;
    static constexpr std::uint32_t kPolarity = 1u << 2;
    static constexpr std::uint32_t kIoCtrl = 1u << 3;
    static constexpr std::uint32_t kClockEn = 1u << 4;
    static constexpr std::uint32_t kGlobalKickEnable = 1u << 5;
    static constexpr unsigned kS0StayShift = 8;
    static constexpr unsigned kS1StayShift = 20;

    PwmController(std::string name, unsigned index, PinBank& pins, Scheduler& scheduler, Log& log);

    /// What a channel is doing, for tests and board devices.
    struct ChannelState {
        bool running = false;  // kicked, clock enabled and producing an output
        double duty = 0.0;     // S0 on-time / (on-time + off-time), as latched at the kick
        Picos period = 0;      // S0 (on-time + off-time) ticks, in picoseconds (rounded down)
        bool inverted = false; // polarity bit latched at the kick: the pad is low during on-time
    };
    ChannelState channel(unsigned k) const;

    /// GPIO pad driven by channel k of this controller.
    unsigned pin(unsigned k) const { return 4 * index_ + k; }
    unsigned index() const { return index_; }

protected:
    void onReset() override;

private:
    static constexpr std::uint64_t kForever = ~std::uint64_t{0};

    struct Params {
        std::uint32_t on = 0;
        std::uint32_t off = 0;
        std::uint64_t period() const { return std::uint64_t{on} + off; }
        bool constant() const { return on == 0 || off == 0; }
    };
    /// A stretch of constant output: `level` (after polarity) for `length` ticks, or kForever.
    struct Segment {
        bool level = false;
        std::uint64_t length = 0;
    };

    struct Channel {
        Channel(Scheduler& scheduler, std::string name, std::function<void()> on_edge)
            : edge(scheduler, std::move(name), std::move(on_edge)) {}
        unsigned k = 0;
        Register* ctrl = nullptr;
        Register* s0 = nullptr;
        Register* s1 = nullptr;
        bool running = false;
        // Latched at the kick.
        std::uint64_t hz = k32kHz;
        bool polarity = false;
        bool two_state = false;
        bool replay = false;
        std::array<Params, 2> params{};
        std::array<std::uint32_t, 2> stay{};
        Picos origin = 0;  // tick 0 = the kick
        // Waveform generator: the next segment to produce.
        unsigned state = 0;           // 0 = S0, 1 = S1
        std::uint32_t periods = 0;    // whole periods done in the current state
        bool off_half = false;        // next half-period is the off-time
        // Output.
        bool level = false;           // level on the pad now
        std::uint64_t level_end = 0;  // tick at which the current level's last segment ends
        Segment pending;              // the segment that starts at the next edge
        std::uint64_t pending_tick = 0;
        EventTimer edge;
    };

    void writeCtrl(Channel& c);
    void globalKick();
    void start(Channel& c);
    void stop(Channel& c);
    Segment nextSegment(Channel& c);
    void enterNextState(Channel& c);
    void scheduleNextEdge(Channel& c);
    void onEdge(Channel& c);
    std::uint64_t tickHz();

    unsigned index_;
    PinBank& pins_;
    Scheduler& scheduler_;
    Log& log_;
    Register* glo_ctrl_ = nullptr;
    std::array<std::unique_ptr<Channel>, kChannels> channels_;
};

}  // namespace mt3620
