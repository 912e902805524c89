#include "periph/ClockControl.h"

namespace mt3620 {

namespace {

constexpr unsigned kSelectShift = 8;

/// "197.6 MHz", "26 MHz", "32.768 kHz".
std::string formatHz(std::uint64_t hz) {
    if (hz >= 1'000'000) return fmt::format("{:g} MHz", static_cast<double>(hz) / 1e6);
    if (hz >= 1'000) return fmt::format("{:g} kHz", static_cast<double>(hz) / 1e3);
    return fmt::format("{} Hz", hz);
}

}  // namespace

ClockControl::ClockControl(std::string name, Log& log) : RegisterBlock(std::move(name), kSize), log_(log) {
    define(kCm4SlpCtrl, "CM4_SLP_CTRL");
    // [unknown] clock at app start (reference §4.12): reset to the crystal, as recommended.
    define(kHclkCkCtrl, "HCLK_CK_CTRL", 0).onWrite([this](std::uint32_t stored, std::uint32_t) {
        setCoreHz(selectedHz(stored));
    });
    define(kTopAonCm4Ckgen0, "TOP_AON_CM4_CKGEN0");
    define(kHclk2mCkgen, "HCLK_2M_CKGEN");
    define(kCm4PwrCtlCr, "CM4_PWRCTLCR");
}

std::uint64_t ClockControl::selectedHz(std::uint32_t hclk_ck_ctrl) {
    // CT-D decodes b[9:8]; MTK masks b[10:8]. Read three bits so b10 set counts as undocumented.
    const std::uint32_t select = (hclk_ck_ctrl >> kSelectShift) & 0x7;
    switch (select) {
        case 0: return kXtalHz;
        case 1: return kRtcHz;
        case 2: return kPllHz;
        default:
            // Undocumented select value: keep the core on the crystal rather than guess a rate.
            log_.warnOnce(name() + ".bad-select", name(),
                          "HCLK_CK_CTRL clock select {} is undocumented; core runs at 26 MHz", select);
            return kXtalHz;
    }
}

void ClockControl::setCoreHz(std::uint64_t hz) {
    if (hz == core_hz_) return;
    core_hz_ = hz;
    log_.info(name(), "core clock {}", formatHz(hz));
    if (on_clock_change) on_clock_change(hz);
}

void ClockControl::onReset() { setCoreHz(kXtalHz); }

}  // namespace mt3620
