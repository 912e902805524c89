#pragma once
// The M4 general-purpose timer block (base 0x2103_0000, IRQ 1 for GPT0/1 and IRQ 2 for GPT3;
// reference §4.8). Five timers:
//   GPT0, GPT1  count down from ICNT at 32768 Hz or 32768/33 Hz, one-shot or repeat, interrupt
//               through GPT_ISR/GPT_IER on IRQ 1;
//   GPT2        counts up, free-running, 32768 Hz or 32768/33 Hz;
//   GPT3        counts up from INIT at 26 MHz / (OSC_CNT_1US + 1), IRQ 2 when it reaches EXPIRE;
//   GPT4        counts up from INIT at the CPU clock or half of it.
//
// No timer ticks per cycle: each running counter remembers when it started and from which
// value, and a read computes the count from Scheduler::now(). EventTimers exist only for the
// interrupts (GPT0/1 expiry, GPT3 EXPIRE).
#include <cstdint>
#include <functional>
#include <string>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/RegisterBlock.h"
#include "periph/Signals.h"

namespace mt3620 {

class GptTimer : public RegisterBlock {
public:
    static constexpr std::uint32_t kBase = 0x2103'0000;
    static constexpr std::uint32_t kSize = 0x1000;
    static constexpr unsigned kIrqGpt01 = 1;  // CM4_IRQ_GPT (reference §3)
    static constexpr unsigned kIrqGpt3 = 2;   // CM4_IRQ_GPT3

    static constexpr std::uint64_t k32kHz = 32768;          // GPT0/1/2 fast tick
    static constexpr std::uint64_t kSlowDivider = 33;       // "1 kHz" = 32768/33 Hz
    static constexpr std::uint64_t kOscHz = 26'000'000;     // GPT3 source

    // Register offsets (reference §4.8).
    static constexpr std::uint32_t kIsr = 0x00, kIer = 0x04, kGpt0Ctrl = 0x10, kGpt0Icnt = 0x14,
                                   kGpt1Ctrl = 0x20, kGpt1Icnt = 0x24, kGpt2Ctrl = 0x30,
                                   kGpt2Cnt = 0x34, kGpt0Cnt = 0x40, kGpt1Cnt = 0x44,
                                   kGpt3Ctrl = 0x50, kGpt3Init = 0x54, kGpt3Cnt = 0x58,
                                   kGpt3Expire = 0x5C, kGpt4Ctrl = 0x60, kGpt4Init = 0x64,
                                   kGpt4Cnt = 0x68;

    /// `cpu_hz` reports the current core clock (GPT4's source).
    GptTimer(std::string name, Scheduler& scheduler, Log& log, std::function<std::uint64_t()> cpu_hz);

    /// The core clock changed: GPT4 continues from its current count at the new rate.
    void cpuClockChanged();

    /// IRQ 1: (GPT_ISR & GPT_IER & 3) != 0.
    IrqLine irq_gpt01;
    /// IRQ 2: GPT3 reached EXPIRE; held until GPT3_CTRL.ICLR is written 1.
    IrqLine irq_gpt3;

protected:
    void onReset() override;

private:
    /// A clock of num/den Hz whose tick 0 is at `origin`. Rational, because 32768/33 Hz is not
    /// a whole number of hertz.
    struct Timebase {
        Picos origin = 0;
        std::uint64_t num = 1;
        std::uint64_t den = 1;
        /// Whole ticks elapsed at time t.
        std::uint64_t ticksAt(Picos t) const;
        /// The first time at which ticksAt() reaches n, or kNever.
        Picos timeOfTick(std::uint64_t n) const;
        bool sameRate(const Timebase& o) const { return num * o.den == o.num * den; }
        // Reduced form of num / (den * 1e12), computed on first use after a rate change.
        mutable std::uint64_t cached_num = 0, cached_den = 0, reduced_num = 1, reduced_den = 0;
    };

    /// GPT0 or GPT1: a down counter with an expiry interrupt.
    struct DownCounter {
        DownCounter(Scheduler& scheduler, std::string name, std::function<void()> on_expiry)
            : expiry(scheduler, std::move(name), std::move(on_expiry)) {}
        Register* ctrl = nullptr;
        Register* icnt = nullptr;
        std::uint32_t isr_bit = 0;
        bool running = false;
        Timebase clock;
        // The current segment counts down from segment_count, starting at tick segment_tick.
        std::uint64_t segment_tick = 0;
        std::uint32_t segment_count = 0;
        std::uint32_t stopped_count = 0;  // what CNT reads while not running
        EventTimer expiry;
    };

    /// GPT2, GPT3 or GPT4: an up counter, 32-bit wrap.
    struct UpCounter {
        bool running = false;
        Timebase clock;
        std::uint32_t start_count = 0;
        std::uint32_t stopped_count = 0;
        std::uint32_t countAt(Picos t) const {
            return running ? static_cast<std::uint32_t>(start_count + clock.ticksAt(t)) : stopped_count;
        }
        void start(Picos now, std::uint32_t from, Timebase rate);
        void stop(Picos now);
        /// Keeps the current count and continues at a new rate from `now`.
        void rebase(Picos now, Timebase rate);
    };

    Timebase gpt01Rate(std::uint32_t ctrl) const;
    Timebase gpt2Rate(std::uint32_t ctrl) const;
    Timebase gpt3Rate(std::uint32_t ctrl) const;
    Timebase gpt4Rate(std::uint32_t ctrl) const;

    void defineDownCounter(DownCounter& d, std::uint32_t ctrl_offset, std::uint32_t icnt_offset,
                           std::uint32_t cnt_offset, const char* prefix);
    void writeDownCtrl(DownCounter& d);
    std::uint32_t downCount(const DownCounter& d, Picos now) const;
    void armDown(DownCounter& d);
    void onDownExpired(DownCounter& d);

    void writeGpt3Ctrl(std::uint32_t stored, std::uint32_t written);
    void armGpt3Expire();
    void onGpt3Expired();

    void updateIrq01();

    Scheduler& scheduler_;
    Log& log_;
    std::function<std::uint64_t()> cpu_hz_;

    Register* ier_ = nullptr;
    Register* gpt2_ctrl_ = nullptr;
    Register* gpt3_ctrl_ = nullptr;
    Register* gpt3_init_ = nullptr;
    Register* gpt3_expire_ = nullptr;
    Register* gpt4_ctrl_ = nullptr;
    Register* gpt4_init_ = nullptr;

    std::uint32_t isr_ = 0;
    DownCounter gpt0_;
    DownCounter gpt1_;
    UpCounter gpt2_;
    UpCounter gpt3_;
    UpCounter gpt4_;
    std::uint64_t gpt3_expire_tick_ = 0;  // tick (of gpt3_.clock) at which EXPIRE is reached
    EventTimer gpt3_timer_;
    bool gpt3_pending_ = false;
    bool logged_zero_period_ = false;
};

}  // namespace mt3620
