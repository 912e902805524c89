#pragma once
// The M4 IRQ configuration block (base 0x2100_0000; reference §4.10): the EINT debounce
// settings, the level/edge sense of each NVIC input, and MediaTek's wake-up (WIC), disable and
// test registers.
//
// What has an effect:
//   * IRQ_SENS[k] chooses level (1) or edge (0) sensing for IRQ 32k..32k+31; each change is
//     reported through on_sense_change so the machine can tell the NVIC;
//   * CFG_IRQ_TEST[k] with IRQ_TEST_CTL b0 set drives IRQ 32k+bit high (on_test_irq), the
//     software trigger of MTK's cirq_irq_test_set_trigger();
//   * DBNC_CON[n] is stored for the EINT/GPIO model to read (debounceControl()).
// Everything else (WIC, CFG_IRQ_DIS, CFG_WIC_DIS, CFG_SOFT_RST, DBNC_CON_TEMP) only stores what
// is written; the first write to each is logged at debug level.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/Log.h"
#include "periph/RegisterBlock.h"

namespace mt3620 {

class IrqConfig : public RegisterBlock {
public:
    static constexpr std::uint32_t kBase = 0x2100'0000;
    static constexpr std::uint32_t kSize = 0x1000;

    static constexpr unsigned kEintCount = 24;   // DBNC_CON[0..23], EINT n = GPIO n
    static constexpr unsigned kSenseWords = 3;   // IRQ_SENS[0..2]: IRQ 0..95
    static constexpr unsigned kTestWords = 5;    // CFG_IRQ_TEST[0..4]: IRQ 0..159

    // Register offsets (reference §4.10; names from MTK nvic.h).
    static constexpr std::uint32_t kDbncCon = 0x000;       // + 4n
    static constexpr std::uint32_t kDbncConTemp = 0x060;   // + 4i, i = 0..7
    static constexpr std::uint32_t kIrqSens = 0x200;       // + 4k
    static constexpr std::uint32_t kWicSwPend = 0x304;     // + 4i, i = 0..4
    static constexpr std::uint32_t kWicSwEn = 0x324;       // + 4i
    static constexpr std::uint32_t kWicSwCon = 0x340;
    static constexpr std::uint32_t kWicSwClr = 0x344;
    static constexpr std::uint32_t kWicPendSta = 0x364;    // + 4i
    static constexpr std::uint32_t kWicEnSta = 0x384;      // + 4i
    static constexpr std::uint32_t kWicWakeupSta = 0x3A0;
    static constexpr std::uint32_t kCfgIrqDis = 0x600;     // + 4i
    static constexpr std::uint32_t kCfgWicDis = 0x620;     // + 4i
    static constexpr std::uint32_t kCfgIrqTest = 0x700;    // + 4k
    static constexpr std::uint32_t kIrqTestCtl = 0x720;    // b0 enable
    static constexpr std::uint32_t kCfgSoftRst = 0x900;    // b2 NVIC soft reset (not modelled)

    IrqConfig(std::string name, Log& log);
    ~IrqConfig() override;

    /// DBNC_CON[eint] (b[3:0] count, b[6:4] prescaler, b7 dual edge, b8 polarity, b9 enable);
    /// 0 for eint >= 24.
    std::uint32_t debounceControl(unsigned eint) const;

    /// IRQ_SENS bit for `irq`: true = level, false = edge. IRQs past IRQ_SENS[2] read as level.
    bool isLevel(unsigned irq) const;

    /// The level CFG_IRQ_TEST currently forces on `irq` (false unless IRQ_TEST_CTL b0 is set).
    bool testLevel(unsigned irq) const;

    /// Called once per IRQ whose IRQ_SENS bit changed (by a write or by reset()), in IRQ order.
    std::function<void(unsigned irq, bool level)> on_sense_change;

    /// Called once per IRQ whose forced test level changed: true when CFG_IRQ_TEST drives it
    /// high, false when that stops. The receiver ORs it into the IRQ's input, so a level-sensed
    /// IRQ stays pending while forced and an edge-sensed one pends once.
    std::function<void(unsigned irq, bool level)> on_test_irq;

    // The 42 storage-only registers live in a second RegisterBlock, so that this one holds only
    // the registers with behaviour and neither exceeds the 64 registers the committed
    // RegisterBlock reserves (75 in all). These overrides look in both.
    bool read(std::uint32_t offset, unsigned size, std::uint32_t& value) override;
    bool write(std::uint32_t offset, unsigned size, std::uint32_t value) override;
    std::string registerName(std::uint32_t offset) const override;
    void reset() override;
    /// Stored value at `offset`, in either block.
    std::uint32_t peek(std::uint32_t offset) const;

private:
    class StorageOnly;

    std::uint32_t forcedWord(unsigned k) const;
    void updateSense();
    void updateTest();

    Log& log_;
    std::unique_ptr<StorageOnly> storage_;
    std::array<Register*, kSenseWords> sens_{};
    std::array<Register*, kTestWords> test_{};
    Register* test_ctl_ = nullptr;
    // The sense and forced-test words last reported through the callbacks.
    std::array<std::uint32_t, kSenseWords> reported_sens_{};
    std::array<std::uint32_t, kTestWords> reported_test_{};
};

}  // namespace mt3620
