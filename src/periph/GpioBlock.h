#pragma once
// One MT3620 GPIO register block (reference §4.1). The chip has four kinds of block that share
// the same pin registers from 0x10 up but differ below that:
//   PwmGroup  GPIO groups 0-5 (0x3801_0000 + n·0x1_0000): GLOBAL_CTRL at 0x00, DIN at 0x04;
//   Isu       ISU0-5 (0x3807_0000 ...): ISU global control at 0x00 (§4.4), DIN at 0x0C;
//   Adc       the ADC block (0x3800_0000, GPIO41-48): ADC_GLOBAL_CTRL at 0x00, DIN at 0x04;
//   I2s       I2S0/1 (0x380D_0100, 0x380E_0100): DIN at 0x00.
//
// Pin registers (bit = pin − first_pin; only the low pin_count bits are stored):
//   DOUT 0x10 (+SET 0x14, RESET 0x18), OE 0x20/24/28, PU 0x30/34/38, PD 0x40/44/48 (b31
//   gpio_pad_pu_sw stored as well), SR 0x50/54/58, IES 0x60/64/68, PADDRV 0x70, RDSEL 0x80,
//   TDSEL 0x90, EA 0xA0/A4/A8, RSEL 0xB0/B4/B8. _SET/_RESET are write-1 strobes that read 0.
//
// Every change of DOUT, OE, PU or PD is pushed to the PinBank (setGpioOutput, setPull) for
// each pin of the block; DIN reads the resolved pad level back from the PinBank. The GPIO
// counter registers (0x100-0x154) are outside the 0x100-byte block and are not modelled.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/Log.h"
#include "periph/PinBank.h"
#include "periph/RegisterBlock.h"

namespace mt3620 {

class GpioBlock : public RegisterBlock {
public:
    enum class Layout : std::uint8_t { PwmGroup, Isu, Adc, I2s };

    /// One row of the reference §4.1 pin → block table.
    struct GpioBlockInfo {
        std::uint32_t base;
        Layout layout;
        unsigned first_pin;
        unsigned pin_count;
        const char* name;
    };

    static constexpr std::uint32_t kSize = 0x100;

    // Register offsets (reference §4.1, CT-D mt3620_gpio_t).
    static constexpr std::uint32_t kGlobalCtrl = 0x00;  // not in I2s blocks (DIN lives there)
    static constexpr std::uint32_t kDinGroup = 0x04;    // PwmGroup and Adc
    static constexpr std::uint32_t kDinIsu = 0x0C;
    static constexpr std::uint32_t kDinI2s = 0x00;
    static constexpr std::uint32_t kDout = 0x10, kDoutSet = 0x14, kDoutReset = 0x18;
    static constexpr std::uint32_t kOe = 0x20, kOeSet = 0x24, kOeReset = 0x28;
    static constexpr std::uint32_t kPu = 0x30, kPuSet = 0x34, kPuReset = 0x38;
    static constexpr std::uint32_t kPd = 0x40, kPdSet = 0x44, kPdReset = 0x48;
    static constexpr std::uint32_t kSr = 0x50, kSrSet = 0x54, kSrReset = 0x58;
    static constexpr std::uint32_t kIes = 0x60, kIesSet = 0x64, kIesReset = 0x68;
    static constexpr std::uint32_t kPadDrv = 0x70, kRdSel = 0x80, kTdSel = 0x90;
    static constexpr std::uint32_t kEa = 0xA0, kEaSet = 0xA4, kEaReset = 0xA8;
    static constexpr std::uint32_t kRsel = 0xB0, kRselSet = 0xB4, kRselReset = 0xB8;
    static constexpr std::uint32_t kPadPuSw = 1u << 31;  // gpio_pad_pu_sw in PU and PD

    GpioBlock(std::string name, Layout layout, unsigned first_pin, unsigned pin_count, PinBank& pins,
              Log& log);

    /// The M4-reachable GPIO blocks of reference §4.1, in pin order (the CA7-only block at
    /// 0x3002_0000 is left out).
    static const std::vector<GpioBlockInfo>& mt3620Blocks();
    /// The block that holds `pin`, or nullptr if no M4-reachable block does.
    static const GpioBlockInfo* blockForPin(unsigned pin);
    /// Offset of DIN in a block of this layout.
    static std::uint32_t dinOffset(Layout layout);

    Layout layout() const { return layout_; }
    unsigned firstPin() const { return first_pin_; }
    unsigned pinCount() const { return pin_count_; }
    /// Mask of the block's pin bits.
    std::uint32_t pinMask() const { return pin_mask_; }

    /// Called after every write of the register at 0x00 in PwmGroup, Isu and Adc blocks (the
    /// soft-reset and clock-enable bits of GPIO_PWM_GRP_GLOBAL_CTRL / ISU / ADC_GLOBAL_CTRL),
    /// with the stored value. The register itself is plain R/W and gates nothing here.
    std::function<void(std::uint32_t value)> on_global_ctrl;

protected:
    void onReset() override;

private:
    /// Declares a value register and its _SET/_RESET strobes. `push` sends pad state after a change.
    Register& defineTriple(std::uint32_t offset, const std::string& base_name, std::uint32_t mask, bool push);
    /// Sends OE/DOUT and the pull of each pin to the PinBank.
    void pushPads();
    std::uint32_t readDin() const;

    Layout layout_;
    unsigned first_pin_;
    unsigned pin_count_;
    std::uint32_t pin_mask_;
    PinBank& pins_;
    Log& log_;

    Register* dout_ = nullptr;
    Register* oe_ = nullptr;
    Register* pu_ = nullptr;
    Register* pd_ = nullptr;
};

using GpioBlockInfo = GpioBlock::GpioBlockInfo;

}  // namespace mt3620
