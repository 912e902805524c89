#pragma once
// The per-core M4 watchdog (base 0x2102_0000, IRQ 3; reference §4.9). Only MediaTek's driver
// (hdl_wdt.c) documents it, so most of the behaviour below is what that driver expects:
//
//   * every control write carries a key (WDT_MODE b[15:8] = 0x22, WDT_LENGTH b[4:0] = 0x08,
//     WDT_RESTART = 0x1971, WDT_SWRST = 0x1209); writes without it are ignored, as on MediaTek's
//     other watchdogs, so a stray store cannot disarm or fire the watchdog;
//   * the timeout is (ticks + 1) / 32 s, because MTK's SEC2TICK(s) = 32·s − 1 and one tick is
//     1024 periods of the 32 768 Hz clock;
//   * on expiry the core is reset (on_reset) or, in IRQ mode, IRQ 3 is raised;
//   * WDT_STA tells the firmware after a reset why it happened, so it survives the watchdog's own
//     reset (reset()) and is cleared only by powerOn().
//
// The countdown is one EventTimer armed at the expiry time; nothing ticks.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/RegisterBlock.h"
#include "periph/Signals.h"

namespace mt3620 {

class Watchdog : public RegisterBlock {
public:
    static constexpr std::uint32_t kBase = 0x2102'0000;
    static constexpr std::uint32_t kSize = 0x1000;
    static constexpr unsigned kIrq = 3;  // CM4_IRQ_WDT_M4_IO (reference §3)

    // Register offsets (reference §4.9).
    static constexpr std::uint32_t kMode = 0x30, kLength = 0x34, kRestart = 0x38, kSta = 0x3C,
                                   kInterval = 0x40, kSwrst = 0x44, kSwint = 0x80;

    // WDT_MODE bits and key.
    static constexpr std::uint32_t kModeEnable = 1u << 0;
    static constexpr std::uint32_t kModeIrq = 1u << 3;         // interrupt instead of reset
    static constexpr std::uint32_t kModeIrqOtherEn = 1u << 4;  // stored only; MTK always clears it
    static constexpr std::uint32_t kModeKey = 0x22u << 8;
    // WDT_LENGTH: b[15:5] ticks of 1/32 s, b[4:0] key.
    static constexpr std::uint32_t kLengthKey = 0x08;
    static constexpr unsigned kLengthShift = 5;
    static constexpr std::uint32_t kLengthMaxTicks = 0x7FF;   // 64 s
    static constexpr std::uint32_t kRestartKey = 0x1971;
    static constexpr std::uint32_t kSwrstKey = 0x1209;
    // WDT_STA bits (MTK hdl_wdt.h: WDT_HW_RST_STA, WDT_SW_RST_STA).
    static constexpr std::uint32_t kStaHwTimeout = 1u << 15;
    static constexpr std::uint32_t kStaSwReset = 1u << 14;
    // WDT_SWINT bits.
    static constexpr std::uint32_t kSwintSet = 1u << 31;
    static constexpr std::uint32_t kSwintClr = 1u << 30;

    /// One tick of WDT_LENGTH: 1024 periods of 32 768 Hz = 1/32 s (exact in picoseconds).
    static constexpr Picos kTick = kPicosPerSecond / 32;

    Watchdog(std::string name, Scheduler& scheduler, Log& log);

    /// IRQ 3: high after a timeout in IRQ mode (until a kick or a disable) or while WDT_SWINT's
    /// software interrupt is set.
    IrqLine irq;

    /// The watchdog resets the core: a timeout in reset mode, or a WDT_SWRST write. Called after
    /// WDT_STA is updated and after the watchdog has put itself back in its reset state (so the
    /// handler may call reset() again, or not). The machine restarts the core from its vector
    /// table. `reason` is a short, static text for the log.
    std::function<void(const char* reason)> on_reset;

    /// Back to power-on: like reset(), and WDT_STA is cleared too. reset() (a core reset, or a
    /// reset by this watchdog) keeps WDT_STA so the firmware can read why it was reset.
    void powerOn();

    /// The countdown is running.
    bool counting() const { return timer_.armed(); }
    /// Time from a kick to the expiry, from the current WDT_LENGTH.
    Picos timeout() const;
    /// WDT_STA.
    std::uint32_t status() const { return sta_; }

protected:
    void onReset() override;

private:
    void writeMode(std::uint32_t written);
    void writeLength(std::uint32_t written);
    void kick();
    void onExpired();
    void softwareReset();
    void resetCore(const char* reason);
    void setStatus(std::uint32_t value);
    void updateIrq() { irq.set(timeout_irq_ || swint_); }
    void debugOnce(bool& flag, std::string_view what);

    Scheduler& scheduler_;
    Log& log_;
    EventTimer timer_;

    Register* mode_ = nullptr;
    Register* length_ = nullptr;
    Register* sta_reg_ = nullptr;

    std::uint32_t sta_ = 0;       // WDT_STA; the copy that survives reset()
    bool timeout_irq_ = false;    // IRQ-mode timeout, until kicked or disabled
    bool swint_ = false;          // WDT_SWINT software interrupt

    bool logged_mode_key_ = false;
    bool logged_length_key_ = false;
    bool logged_restart_key_ = false;
    bool logged_swrst_key_ = false;
    bool logged_interval_ = false;
};

}  // namespace mt3620
