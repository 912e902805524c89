#include "periph/Watchdog.h"

namespace mt3620 {

namespace {

constexpr std::uint32_t kModeKeyMask = 0xFFu << 8;
// [unknown] Which WDT_MODE bits exist. MTK names b0, b3 and b4 (mask 0x19); the whole low byte
// is stored so firmware reads back what it wrote. The key byte is not stored and reads as 0.
constexpr std::uint32_t kModeStored = 0xFF;
constexpr std::uint32_t kLengthKeyMask = 0x1F;
constexpr std::uint32_t kLengthTicksMask = Watchdog::kLengthMaxTicks << Watchdog::kLengthShift;

}  // namespace

Watchdog::Watchdog(std::string name, Scheduler& scheduler, Log& log)
    : RegisterBlock(std::move(name), kSize),
      scheduler_(scheduler),
      log_(log),
      timer_(scheduler, this->name() + ".timeout", [this] { onExpired(); }) {
    // Keyed registers are readOnly(): the bus never stores into them directly; the write
    // callbacks check the key and then store the payload themselves.

    // [unknown] reset value: disabled, reset mode. The Azure Sphere OS does not start an RTApp's
    // watchdog (reference §4.9: Microsoft only recommends that apps use it).
    mode_ = &define(kMode, "WDT_MODE").readOnly()
        .onWrite([this](std::uint32_t, std::uint32_t written) { writeMode(written); });

    // [unknown] reset value: the longest timeout, 0x7FF ticks = 64 s, so firmware that enables the
    // watchdog without programming a length is not reset sooner than it could have asked for.
    // Reads return the tick field; the key bits read as 0.
    length_ = &define(kLength, "WDT_LENGTH", kLengthTicksMask).readOnly()
        .onWrite([this](std::uint32_t, std::uint32_t written) { writeLength(written); });

    define(kRestart, "WDT_RESTART").writeOnly().onWrite([this](std::uint32_t, std::uint32_t written) {
        if (written == kRestartKey) kick();
        else debugOnce(logged_restart_key_, "WDT_RESTART write without key 0x1971 ignored");
    });

    // Written only by the model (setStatus); the firmware cannot clear it.
    sta_reg_ = &define(kSta, "WDT_STA").readOnly();

    define(kInterval, "WDT_INTERVAL").mask(0xFFF).onWrite([this](std::uint32_t, std::uint32_t) {
        debugOnce(logged_interval_, "WDT_INTERVAL is stored and has no effect");
    });

    define(kSwrst, "WDT_SWRST").writeOnly().onWrite([this](std::uint32_t, std::uint32_t written) {
        if (written == kSwrstKey) softwareReset();
        else debugOnce(logged_swrst_key_, "WDT_SWRST write without key 0x1209 ignored");
    });

    // SW_INT (b31) raises IRQ 3, SW_INT_CLR (b30) lowers it; a write with both clears ([unknown]:
    // the safe reading, no interrupt the firmware did not clearly ask for). Reads show b31.
    define(kSwint, "WDT_SWINT").readOnly()
        .onRead([this](std::uint32_t) { return swint_ ? kSwintSet : 0u; })
        .onWrite([this](std::uint32_t, std::uint32_t written) {
            if (written & kSwintClr) swint_ = false;
            else if (written & kSwintSet) swint_ = true;
            updateIrq();
        });
}

Picos Watchdog::timeout() const {
    // MTK: SEC2TICK(s) = 32·s − 1, so the programmed value is one less than the tick count.
    const std::uint64_t ticks = ((length_->value & kLengthTicksMask) >> kLengthShift) + 1;
    return ticks * kTick;
}

void Watchdog::onReset() {
    // After a core reset the watchdog is disabled again, but WDT_STA keeps the reset reason.
    timer_.cancel();
    timeout_irq_ = false;
    swint_ = false;
    sta_reg_->value = sta_;
    updateIrq();
}

void Watchdog::powerOn() {
    sta_ = 0;
    reset();
}

void Watchdog::setStatus(std::uint32_t value) {
    sta_ = value;
    sta_reg_->value = value;
}

void Watchdog::debugOnce(bool& flag, std::string_view what) {
    if (flag) return;
    flag = true;
    log_.debug(name(), "{}", what);
}

void Watchdog::writeMode(std::uint32_t written) {
    if ((written & kModeKeyMask) != kModeKey) {
        debugOnce(logged_mode_key_, "WDT_MODE write without key 0x22 in bits [15:8] ignored");
        return;
    }
    const bool was_enabled = mode_->value & kModeEnable;
    mode_->value = written & kModeStored;
    const bool enabled = mode_->value & kModeEnable;
    if (enabled && !was_enabled) {
        timer_.armAfter(timeout());
        log_.debug(name(), "enabled, {} mode, timeout {}", (mode_->value & kModeIrq) ? "IRQ" : "reset",
                   formatSeconds(timeout()));
    } else if (!enabled && was_enabled) {
        timer_.cancel();
        timeout_irq_ = false;  // a disable also withdraws a pending IRQ-mode timeout
        updateIrq();
        log_.debug(name(), "disabled");
    }
    // Changing IRQ mode while counting keeps the countdown; the mode is looked at on expiry.
}

void Watchdog::writeLength(std::uint32_t written) {
    if ((written & kLengthKeyMask) != kLengthKey) {
        debugOnce(logged_length_key_, "WDT_LENGTH write without key 0x08 in bits [4:0] ignored");
        return;
    }
    // Takes effect at the next kick or enable: MTK always writes WDT_RESTART right after
    // WDT_LENGTH ([unknown] whether silicon reloads on the LENGTH write itself).
    length_->value = written & kLengthTicksMask;
}

void Watchdog::kick() {
    if (!(mode_->value & kModeEnable)) return;  // nothing counts; the next enable loads the length
    timeout_irq_ = false;
    updateIrq();
    timer_.armAfter(timeout());
}

void Watchdog::onExpired() {
    // WDT_STA holds the latest event: a new cause replaces the old one.
    setStatus(kStaHwTimeout);
    if (mode_->value & kModeIrq) {
        // [unknown] MTK's IRQ handling is not public. The line stays high and the countdown stops
        // until the firmware kicks or disables the watchdog, so a handler that kicks clears it.
        timeout_irq_ = true;
        updateIrq();
        log_.info(name(), "watchdog timeout: IRQ {} raised", kIrq);
        return;
    }
    resetCore("watchdog timeout");
}

void Watchdog::softwareReset() {
    setStatus(kStaSwReset);
    resetCore("watchdog software reset (WDT_SWRST)");
}

void Watchdog::resetCore(const char* reason) {
    log_.debug(name(), "{}: resetting the core", reason);
    // The watchdog is part of what the reset resets; do it here so the model is consistent even
    // if the handler only restarts the core. STA survives (onReset).
    reset();
    if (on_reset) on_reset(reason);
    else log_.warnOnce(name() + ".no-reset", name(), "{}, but no core reset is connected", reason);
}

}  // namespace mt3620
