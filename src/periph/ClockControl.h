#pragma once
// The M4 clock/low-power control registers (RGU/LP block at 0x2101_0000; reference §4.12).
// What matters to the emulator is HCLK_CK_CTRL[9:8], the core clock select: firmware switches
// the M4 from the 26 MHz crystal to the 197.6 MHz PLL, and the machine then has to let less
// virtual time pass per instruction. The other registers only store what is written.
#include <cstdint>
#include <functional>
#include <string>

#include "common/Log.h"
#include "periph/RegisterBlock.h"

namespace mt3620 {

class ClockControl : public RegisterBlock {
public:
    static constexpr std::uint32_t kBase = 0x2101'0000;
    static constexpr std::uint32_t kSize = 0x1000;

    // Core clock choices of HCLK_CK_CTRL[9:8] (reference §4.12).
    static constexpr std::uint64_t kXtalHz = 26'000'000;    // 0: crystal (reset value)
    static constexpr std::uint64_t kRtcHz = 32'768;         // 1: 32 kHz
    static constexpr std::uint64_t kPllHz = 197'600'000;    // 2: PLL

    // Register offsets (reference §4.12, MTK memmap).
    static constexpr std::uint32_t kCm4SlpCtrl = 0x000, kHclkCkCtrl = 0x00C,
                                   kTopAonCm4Ckgen0 = 0x1B0, kHclk2mCkgen = 0x1B4,
                                   kCm4PwrCtlCr = 0x1B8;

    ClockControl(std::string name, Log& log);

    /// The core clock the current select field gives.
    std::uint64_t coreHz() const { return core_hz_; }

    /// Called with the new frequency whenever the core clock changes (writes and reset).
    std::function<void(std::uint64_t hz)> on_clock_change;

protected:
    void onReset() override;

private:
    std::uint64_t selectedHz(std::uint32_t hclk_ck_ctrl);
    void setCoreHz(std::uint64_t hz);

    Log& log_;
    std::uint64_t core_hz_ = kXtalHz;
};

}  // namespace mt3620
