#include "periph/GpioBlock.h"

#include <stdexcept>

namespace mt3620 {

namespace {

std::uint32_t lowBits(unsigned n) { return n >= 32 ? 0xFFFF'FFFFu : (1u << n) - 1; }

const char* globalCtrlName(GpioBlock::Layout layout) {
    switch (layout) {
    case GpioBlock::Layout::PwmGroup: return "GPIO_PWM_GRP_GLOBAL_CTRL";
    case GpioBlock::Layout::Isu: return "ISU_GLOBAL_CTRL";
    case GpioBlock::Layout::Adc: return "ADC_GLOBAL_CTRL";
    case GpioBlock::Layout::I2s: break;
    }
    return "";
}

}  // namespace

// --- The pin → block table (reference §4.1) ---------------------------------------------------

const std::vector<GpioBlock::GpioBlockInfo>& GpioBlock::mt3620Blocks() {
    using L = Layout;
    // [conflict] §4.1: MS-OS pinctrl puts the ISU GPIO registers at +0x500; MTK, CT and MS-S
    // use the ISU base (+0x0C for DIN) on real hardware, as here. ISU5 (GPIO76-80) is in the
    // register maps but not on the datasheet (§8 item 6): present, as the reference suggests.
    static const std::vector<GpioBlockInfo> blocks = {
        {0x3801'0000, L::PwmGroup, 0, 4, "GPIO-GRP0"},
        {0x3802'0000, L::PwmGroup, 4, 4, "GPIO-GRP1"},
        {0x3803'0000, L::PwmGroup, 8, 4, "GPIO-GRP2"},
        {0x3804'0000, L::PwmGroup, 12, 4, "GPIO-GRP3"},
        {0x3805'0000, L::PwmGroup, 16, 4, "GPIO-GRP4"},
        {0x3806'0000, L::PwmGroup, 20, 4, "GPIO-GRP5"},
        {0x3807'0000, L::Isu, 26, 5, "ISU0"},
        {0x3808'0000, L::Isu, 31, 5, "ISU1"},
        {0x3809'0000, L::Isu, 36, 5, "ISU2"},
        {0x3800'0000, L::Adc, 41, 8, "ADC-GPIO"},
        {0x380D'0100, L::I2s, 56, 5, "I2S0"},
        {0x380E'0100, L::I2s, 61, 5, "I2S1"},
        {0x380A'0000, L::Isu, 66, 5, "ISU3"},
        {0x380B'0000, L::Isu, 71, 5, "ISU4"},
        {0x380C'0000, L::Isu, 76, 5, "ISU5"},
    };
    return blocks;
}

const GpioBlock::GpioBlockInfo* GpioBlock::blockForPin(unsigned pin) {
    for (const GpioBlockInfo& b : mt3620Blocks())
        if (pin >= b.first_pin && pin < b.first_pin + b.pin_count) return &b;
    return nullptr;
}

std::uint32_t GpioBlock::dinOffset(Layout layout) {
    switch (layout) {
    case Layout::PwmGroup:
    case Layout::Adc: return kDinGroup;
    case Layout::Isu: return kDinIsu;
    case Layout::I2s: return kDinI2s;
    }
    return kDinGroup;
}

// --- Construction ------------------------------------------------------------------------------

GpioBlock::GpioBlock(std::string name, Layout layout, unsigned first_pin, unsigned pin_count,
                     PinBank& pins, Log& log)
    : RegisterBlock(std::move(name), kSize),
      layout_(layout),
      first_pin_(first_pin),
      pin_count_(pin_count),
      pin_mask_(lowBits(pin_count)),
      pins_(pins),
      log_(log) {
    if (pin_count == 0 || pin_count > 16)
        throw std::logic_error(this->name() + ": a GPIO block has 1 to 16 pins");

    // 0x00: block-specific control (§4.1, §4.4, §4.7), or DIN in I2S blocks. Plain R/W: the
    // reference says not to gate the ISU functions on the clock bits (§4.4). Reset value
    // [unknown]: 0.
    if (layout_ != Layout::I2s) {
        define(kGlobalCtrl, globalCtrlName(layout_)).onWrite([this](std::uint32_t stored, std::uint32_t) {
            if (on_global_ctrl) on_global_ctrl(stored);
        });
    }
    // DIN: the resolved pad level of each pin. Choice ([unknown] in §4.1): IES = 0 does not
    // mask DIN; every driver sets IES for inputs anyway.
    define(dinOffset(layout_), "GPIO_DIN").readOnly().onRead([this](std::uint32_t) { return readDin(); });

    // DOUT is plain R/W so MTK's read-modify-write works (§4.1); _SET/_RESET are strobes.
    dout_ = &defineTriple(kDout, "GPIO_DOUT", pin_mask_, true);
    oe_ = &defineTriple(kOe, "GPIO_OE", pin_mask_, true);
    // b31 gpio_pad_pu_sw: MTK writes 1<<31 to hand PU/PD control to software. Stored only.
    pu_ = &defineTriple(kPu, "GPIO_PU", pin_mask_ | kPadPuSw, true);
    pd_ = &defineTriple(kPd, "GPIO_PD", pin_mask_ | kPadPuSw, true);
    defineTriple(kSr, "GPIO_SR", pin_mask_, false);
    defineTriple(kIes, "GPIO_IES", pin_mask_, false);
    // PADDRV: 2 bits per pin (§4.1). RDSEL/TDSEL widths are [unknown]: all bits are stored.
    define(kPadDrv, "GPIO_PADDRV").mask(lowBits(2 * pin_count_));
    define(kRdSel, "GPIO_RDSEL");
    define(kTdSel, "GPIO_TDSEL");
    // EA: MTK's I2C init sets EA bits 1 and 2 of the ISU block (§4.1). Stored only.
    defineTriple(kEa, "GPIO_EA", pin_mask_, false);
    defineTriple(kRsel, "GPIO_RSEL", pin_mask_, false);

    pushPads();
}

RegisterBlock::Register& GpioBlock::defineTriple(std::uint32_t offset, const std::string& base_name,
                                                 std::uint32_t mask, bool push) {
    Register& value = define(offset, base_name).mask(mask);
    Register* v = &value;
    if (push) value.onWrite([this](std::uint32_t, std::uint32_t) { pushPads(); });
    define(offset + 4, base_name + "_SET").writeOnly().onWrite([this, v, mask, push](std::uint32_t, std::uint32_t written) {
        v->value |= written & mask;
        if (push) pushPads();
    });
    define(offset + 8, base_name + "_RESET").writeOnly().onWrite([this, v, mask, push](std::uint32_t, std::uint32_t written) {
        v->value &= ~(written & mask);
        if (push) pushPads();
    });
    return value;
}

void GpioBlock::onReset() { pushPads(); }

// --- Pads --------------------------------------------------------------------------------------

void GpioBlock::pushPads() {
    const std::uint32_t oe = oe_->value, dout = dout_->value, pu = pu_->value, pd = pd_->value;
    for (unsigned i = 0; i < pin_count_; ++i) {
        const std::uint32_t bit = 1u << i;
        const unsigned pin = first_pin_ + i;
        // Choice ([unknown]): with both PU and PD set, the pull-up wins.
        const PinBank::Pull pull = (pu & bit)   ? PinBank::Pull::Up
                                   : (pd & bit) ? PinBank::Pull::Down
                                                : PinBank::Pull::None;
        pins_.setPull(pin, pull);
        pins_.setGpioOutput(pin, (oe & bit) != 0, (dout & bit) != 0);
    }
    if (log_.enabled(spdlog::level::trace))
        log_.trace(name(), "pads: OE={:#x} DOUT={:#x} PU={:#x} PD={:#x}", oe, dout, pu & pin_mask_, pd & pin_mask_);
}

std::uint32_t GpioBlock::readDin() const {
    std::uint32_t din = 0;
    for (unsigned i = 0; i < pin_count_; ++i)
        if (pins_.level(first_pin_ + i)) din |= 1u << i;
    return din;
}

}  // namespace mt3620
