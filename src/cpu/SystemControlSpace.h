#pragma once
// The System Control Space of one Cortex-M4 at 0xE000E000 (ARMv7-M B3.2): NVIC registers,
// the System Control Block (CPUID, ICSR, VTOR, AIRCR, SCR, CCR, SHPR1-3, SHCSR, fault status),
// SysTick, the MPU registers, CPACR and the FP context registers. Unicorn models none of these
// (DESIGN.md 3.4), so the core reads its configuration from here.
#include <array>
#include <cstdint>
#include <functional>

#include "cpu/Nvic.h"
#include "cpu/SysTick.h"
#include "periph/RegisterBlock.h"

namespace mt3620 {

class SystemControlSpace : public RegisterBlock {
public:
    static constexpr std::uint32_t kBase = 0xE000E000;
    static constexpr std::uint32_t kCpuid = 0x410FC241;  // Cortex-M4 r0p1

    // CCR bits
    static constexpr std::uint32_t kCcrUnalignTrp = 1u << 3;
    static constexpr std::uint32_t kCcrDiv0Trp = 1u << 4;
    static constexpr std::uint32_t kCcrStkAlign = 1u << 9;
    // SCR bits
    static constexpr std::uint32_t kScrSleepOnExit = 1u << 1;
    // SHCSR enable bits
    static constexpr std::uint32_t kShcsrMemFaultEna = 1u << 16;
    static constexpr std::uint32_t kShcsrBusFaultEna = 1u << 17;
    static constexpr std::uint32_t kShcsrUsgFaultEna = 1u << 18;
    // FPCCR bits
    static constexpr std::uint32_t kFpccrLspact = 1u << 0;
    static constexpr std::uint32_t kFpccrLspen = 1u << 30;
    static constexpr std::uint32_t kFpccrAspen = 1u << 31;

    SystemControlSpace(std::string name, Nvic& nvic, SysTick& systick);

    // State the core uses during exception entry, return and faults.
    std::uint32_t vtor() const { return peek(0xD08); }
    std::uint32_t ccr() const { return peek(0xD14); }
    std::uint32_t scr() const { return peek(0xD10); }
    std::uint32_t fpccr() const { return peek(0xF34); }
    void setFpccr(std::uint32_t v) { find(0xF34)->value = v; }
    void setFpcar(std::uint32_t v) { find(0xF38)->value = v; }
    void setCpacr(std::uint32_t v) { find(0xD88)->value = v; }
    void setVtor(std::uint32_t v) { find(0xD08)->value = v & 0xFFFFFF80u; }
    /// Fault status: the core ORs bits in when it raises a fault.
    void addCfsr(std::uint32_t bits) { find(0xD28)->value |= bits; }
    void addHfsr(std::uint32_t bits) { find(0xD2C)->value |= bits; }
    void setMmfar(std::uint32_t a) { find(0xD34)->value = a; }
    void setBfar(std::uint32_t a) { find(0xD38)->value = a; }
    std::uint32_t cfsr() const { return peek(0xD28); }
    std::uint32_t hfsr() const { return peek(0xD2C); }
    std::uint32_t bfar() const { return peek(0xD38); }
    std::uint32_t mmfar() const { return peek(0xD34); }
    std::uint32_t shcsr() const { return peek(0xD24); }

    /// IPSR of the core (for ICSR.VECTACTIVE and RETTOBASE). Set by the core.
    std::function<unsigned()> current_exception;
    /// AIRCR.SYSRESETREQ written with the key: the core resets.
    std::function<void()> on_system_reset;
    /// CCR written (DIV_0_TRP and UNALIGN_TRP need the core to watch instructions).
    std::function<void(std::uint32_t ccr)> on_ccr_change;

private:
    void onReset() override;
    void defineNvic();
    void defineScb();
    void defineSysTick();
    void defineMpu();
    void defineFp();
    std::uint32_t readIcsr() const;
    void writeIcsr(std::uint32_t v);
    void writeShcsr(std::uint32_t v);
    std::uint32_t readShcsr(std::uint32_t stored) const;
    void writeShpr(unsigned first_exception, std::uint32_t v);

    Nvic& nvic_;
    SysTick& systick_;
    std::array<std::uint32_t, 8> mpu_rbar_{};
    std::array<std::uint32_t, 8> mpu_rasr_{};
};

}  // namespace mt3620
