#include "periph/IrqConfig.h"

#include <vector>

namespace mt3620 {

namespace {
constexpr std::uint32_t kTestEnable = 1u << 0;  // IRQ_TEST_CTL b0 (MTK CM4_IRQ_TEST_CTL_ENABLE)
}

/// The registers that only store what is written (reference §4.10: their function on silicon
/// is MTK's wake-up and IRQ-disable logic, which the emulator does not need).
class IrqConfig::StorageOnly : public RegisterBlock {
public:
    StorageOnly(std::string name, Log& log) : RegisterBlock(std::move(name), kSize), log_(log) {
        auto plain = [this](std::uint32_t offset, std::string reg_name) {
            define(offset, std::move(reg_name)).onWrite([this, offset](std::uint32_t, std::uint32_t) {
                logNoEffect(offset);
            });
        };
        auto array = [&](std::uint32_t base, unsigned count, const char* prefix) {
            for (unsigned i = 0; i < count; ++i) plain(base + 4 * i, prefix + std::to_string(i));
        };
        array(kDbncConTemp, 8, "DBNC_CON_TEMP");
        array(kWicSwPend, 5, "WIC_SWPEND_CR");
        array(kWicSwEn, 5, "WIC_SWEN_CR");
        plain(kWicSwCon, "WIC_SWCON_CR");
        plain(kWicSwClr, "WIC_SW_CLR");
        array(kWicPendSta, 5, "WIC_PEND_STA");
        array(kWicEnSta, 5, "WIC_EN_STA");
        plain(kWicWakeupSta, "WIC_WAKEUP_STA");
        array(kCfgIrqDis, 5, "CFG_IRQ_DIS");
        array(kCfgWicDis, 5, "CFG_WIC_DIS");
        // b2 would soft-reset the NVIC (MTK cm4_irq_sw_reset); not modelled.
        plain(kCfgSoftRst, "CFG_SOFT_RST");
    }

private:
    void logNoEffect(std::uint32_t offset) {
        const std::uint32_t word = offset / 4;
        if (word >= logged_.size()) logged_.resize(word + 1, false);
        if (logged_[word]) return;
        logged_[word] = true;
        log_.debug(name(), "{} is stored and has no effect", registerName(offset));
    }

    Log& log_;
    std::vector<bool> logged_;
};

IrqConfig::IrqConfig(std::string name, Log& log)
    : RegisterBlock(std::move(name), kSize),
      log_(log),
      storage_(std::make_unique<StorageOnly>(this->name(), log)) {
    for (unsigned n = 0; n < kEintCount; ++n) define(kDbncCon + 4 * n, "DBNC_CON" + std::to_string(n));

    // Reset value: all level. Peripheral interrupts on this chip are level signals held until
    // the driver clears them, and firmware that never writes IRQ_SENS (Microsoft's and CT's
    // RTApps) must see level behaviour; MTK's CM4_Install_NVIC writes the bit for each IRQ.
    for (unsigned k = 0; k < kSenseWords; ++k) {
        sens_[k] = &define(kIrqSens + 4 * k, "IRQ_SENS" + std::to_string(k), 0xFFFF'FFFFu)
            .onWrite([this](std::uint32_t, std::uint32_t) { updateSense(); });
        reported_sens_[k] = sens_[k]->value;
    }

    for (unsigned k = 0; k < kTestWords; ++k)
        test_[k] = &define(kCfgIrqTest + 4 * k, "CFG_IRQ_TEST" + std::to_string(k))
            .onWrite([this](std::uint32_t, std::uint32_t) { updateTest(); });
    test_ctl_ = &define(kIrqTestCtl, "IRQ_TEST_CTL").onWrite([this](std::uint32_t, std::uint32_t) { updateTest(); });
}

IrqConfig::~IrqConfig() = default;

std::uint32_t IrqConfig::debounceControl(unsigned eint) const {
    return eint < kEintCount ? RegisterBlock::peek(kDbncCon + 4 * eint) : 0;
}

bool IrqConfig::isLevel(unsigned irq) const {
    if (irq >= 32 * kSenseWords) return true;
    return (sens_[irq / 32]->value >> (irq % 32)) & 1u;
}

bool IrqConfig::testLevel(unsigned irq) const {
    if (irq >= 32 * kTestWords) return false;
    return (forcedWord(irq / 32) >> (irq % 32)) & 1u;
}

std::uint32_t IrqConfig::forcedWord(unsigned k) const {
    return (test_ctl_->value & kTestEnable) ? test_[k]->value : 0;
}

void IrqConfig::updateSense() {
    for (unsigned k = 0; k < kSenseWords; ++k) {
        const std::uint32_t now = sens_[k]->value;
        std::uint32_t changed = now ^ reported_sens_[k];
        reported_sens_[k] = now;
        for (unsigned bit = 0; changed; ++bit, changed >>= 1) {
            if (!(changed & 1u)) continue;
            const unsigned irq = 32 * k + bit;
            const bool level = (now >> bit) & 1u;
            log_.trace(name(), "IRQ {} sensed as {}", irq, level ? "level" : "edge");
            if (on_sense_change) on_sense_change(irq, level);
        }
    }
}

void IrqConfig::updateTest() {
    for (unsigned k = 0; k < kTestWords; ++k) {
        const std::uint32_t now = forcedWord(k);
        std::uint32_t changed = now ^ reported_test_[k];
        reported_test_[k] = now;
        for (unsigned bit = 0; changed; ++bit, changed >>= 1) {
            if (!(changed & 1u)) continue;
            const unsigned irq = 32 * k + bit;
            const bool level = (now >> bit) & 1u;
            log_.debug(name(), "test IRQ {} {}", irq, level ? "forced" : "released");
            if (on_test_irq) on_test_irq(irq, level);
        }
    }
}

bool IrqConfig::read(std::uint32_t offset, unsigned size, std::uint32_t& value) {
    return RegisterBlock::read(offset, size, value) || storage_->read(offset, size, value);
}

bool IrqConfig::write(std::uint32_t offset, unsigned size, std::uint32_t value) {
    return RegisterBlock::write(offset, size, value) || storage_->write(offset, size, value);
}

std::string IrqConfig::registerName(std::uint32_t offset) const {
    std::string n = RegisterBlock::registerName(offset);
    return n.empty() ? storage_->registerName(offset) : n;
}

std::uint32_t IrqConfig::peek(std::uint32_t offset) const {
    return find(offset) ? RegisterBlock::peek(offset) : storage_->peek(offset);
}

void IrqConfig::reset() {
    RegisterBlock::reset();
    storage_->reset();
    // Report what the reset changed: edge-sensed IRQs go back to level, forced test IRQs drop.
    updateSense();
    updateTest();
}

}  // namespace mt3620
