#include "cpu/SystemControlSpace.h"

namespace mt3620 {

SystemControlSpace::SystemControlSpace(std::string name, Nvic& nvic, SysTick& systick)
    : RegisterBlock(std::move(name), 0x1000), nvic_(nvic), systick_(systick) {
    define(0x004, "ICTR", (Nvic::kIrqCount + 31) / 32 - 1).readOnly();
    define(0x008, "ACTLR");
    defineSysTick();
    defineNvic();
    defineScb();
    defineMpu();
    defineFp();
}

void SystemControlSpace::onReset() {
    mpu_rbar_.fill(0);
    mpu_rasr_.fill(0);
}

void SystemControlSpace::defineSysTick() {
    define(0x010, "SYST_CSR").onRead([this](std::uint32_t) { return systick_.readCsr(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) { systick_.writeCsr(w); });
    define(0x014, "SYST_RVR").onRead([this](std::uint32_t) { return systick_.readRvr(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) { systick_.writeRvr(w); });
    define(0x018, "SYST_CVR").onRead([this](std::uint32_t) { return systick_.readCvr(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) { systick_.writeCvr(w); });
    define(0x01C, "SYST_CALIB").readOnly().onRead([this](std::uint32_t) { return systick_.readCalib(); });
}

void SystemControlSpace::defineNvic() {
    // Eight 32-bit registers per bank as in the architecture; lines past the 80 implemented
    // read as zero and ignore writes (Nvic bounds-checks).
    for (unsigned k = 0; k < 8; ++k) {
        const unsigned first = exc::kFirstIrq + 32 * k;
        auto bits = [first](auto pred) {
            std::uint32_t v = 0;
            for (unsigned b = 0; b < 32; ++b)
                if (first + b < Nvic::kExceptionCount && pred(first + b)) v |= 1u << b;
            return v;
        };
        auto each = [first](std::uint32_t w, auto fn) {
            for (unsigned b = 0; b < 32; ++b)
                if ((w >> b & 1) && first + b < Nvic::kExceptionCount) fn(first + b);
        };
        define(0x100 + 4 * k, "NVIC_ISER" + std::to_string(k)).readOnly()
            .onRead([this, bits](std::uint32_t) { return bits([this](unsigned e) { return nvic_.enabled(e); }); })
            .onWrite([this, each](std::uint32_t, std::uint32_t w) { each(w, [this](unsigned e) { nvic_.setEnabled(e, true); }); });
        define(0x180 + 4 * k, "NVIC_ICER" + std::to_string(k)).readOnly()
            .onRead([this, bits](std::uint32_t) { return bits([this](unsigned e) { return nvic_.enabled(e); }); })
            .onWrite([this, each](std::uint32_t, std::uint32_t w) { each(w, [this](unsigned e) { nvic_.setEnabled(e, false); }); });
        define(0x200 + 4 * k, "NVIC_ISPR" + std::to_string(k)).readOnly()
            .onRead([this, bits](std::uint32_t) { return bits([this](unsigned e) { return nvic_.pending(e); }); })
            .onWrite([this, each](std::uint32_t, std::uint32_t w) { each(w, [this](unsigned e) { nvic_.setPending(e); }); });
        define(0x280 + 4 * k, "NVIC_ICPR" + std::to_string(k)).readOnly()
            .onRead([this, bits](std::uint32_t) { return bits([this](unsigned e) { return nvic_.pending(e); }); })
            .onWrite([this, each](std::uint32_t, std::uint32_t w) { each(w, [this](unsigned e) { nvic_.clearPending(e); }); });
        define(0x300 + 4 * k, "NVIC_IABR" + std::to_string(k)).readOnly()
            .onRead([this, bits](std::uint32_t) { return bits([this](unsigned e) { return nvic_.active(e); }); });
    }
    // IPR: one byte per interrupt, byte-accessible (RegisterBlock merges sub-word writes).
    for (unsigned k = 0; k < Nvic::kIrqCount / 4; ++k) {
        const unsigned first = exc::kFirstIrq + 4 * k;
        define(0x400 + 4 * k, "NVIC_IPR" + std::to_string(k))
            .mask(0xE0E0E0E0u)
            .onWrite([this, first](std::uint32_t stored, std::uint32_t) {
                for (unsigned b = 0; b < 4; ++b) nvic_.setPriorityField(first + b, static_cast<std::uint8_t>(stored >> (8 * b)));
            });
    }
    define(0xF00, "STIR").writeOnly().onWrite([this](std::uint32_t, std::uint32_t w) {
        nvic_.setPending(exc::kFirstIrq + (w & 0x1FF));
    });
}

std::uint32_t SystemControlSpace::readIcsr() const {
    std::uint32_t v = 0;
    unsigned active = current_exception ? current_exception() : 0;
    v |= active & 0x1FF;
    // RETTOBASE: returning from the current exception goes back to Thread mode.
    if (active && nvic_.activeCount() <= 1) v |= 1u << 11;
    if (auto p = nvic_.highestPending()) v |= (*p & 0x1FF) << 12;
    for (unsigned e = exc::kFirstIrq; e < Nvic::kExceptionCount; ++e)
        if (nvic_.pending(e)) { v |= 1u << 22; break; }  // ISRPENDING
    if (nvic_.pending(exc::kSysTick)) v |= 1u << 26;     // PENDSTSET
    if (nvic_.pending(exc::kPendSv)) v |= 1u << 28;      // PENDSVSET
    if (nvic_.pending(exc::kNmi)) v |= 1u << 31;         // NMIPENDSET
    return v;
}

void SystemControlSpace::writeIcsr(std::uint32_t v) {
    if (v & (1u << 31)) nvic_.setPending(exc::kNmi);
    if (v & (1u << 28)) nvic_.setPending(exc::kPendSv);
    if (v & (1u << 27)) nvic_.clearPending(exc::kPendSv);
    if (v & (1u << 26)) nvic_.setPending(exc::kSysTick);
    if (v & (1u << 25)) nvic_.clearPending(exc::kSysTick);
}

std::uint32_t SystemControlSpace::readShcsr(std::uint32_t stored) const {
    // Enable bits are stored; active and pended bits mirror the NVIC.
    std::uint32_t v = stored & (kShcsrMemFaultEna | kShcsrBusFaultEna | kShcsrUsgFaultEna);
    struct Bit { unsigned e; unsigned bit; };
    static constexpr Bit act[] = {{exc::kMemManage, 0}, {exc::kBusFault, 1}, {exc::kUsageFault, 3}, {exc::kSvCall, 7},
                                  {exc::kDebugMonitor, 8}, {exc::kPendSv, 10}, {exc::kSysTick, 11}};
    for (const Bit& b : act)
        if (nvic_.active(b.e)) v |= 1u << b.bit;
    static constexpr Bit pend[] = {{exc::kUsageFault, 12}, {exc::kMemManage, 13}, {exc::kBusFault, 14}, {exc::kSvCall, 15}};
    for (const Bit& b : pend)
        if (nvic_.pending(b.e)) v |= 1u << b.bit;
    return v;
}

void SystemControlSpace::writeShcsr(std::uint32_t v) {
    nvic_.setEnabled(exc::kMemManage, v & kShcsrMemFaultEna);
    nvic_.setEnabled(exc::kBusFault, v & kShcsrBusFaultEna);
    nvic_.setEnabled(exc::kUsageFault, v & kShcsrUsgFaultEna);
}

void SystemControlSpace::writeShpr(unsigned first_exception, std::uint32_t v) {
    for (unsigned b = 0; b < 4; ++b) nvic_.setPriorityField(first_exception + b, static_cast<std::uint8_t>(v >> (8 * b)));
}

void SystemControlSpace::defineScb() {
    define(0xD00, "CPUID", kCpuid).readOnly();
    define(0xD04, "ICSR").readOnly()
        .onRead([this](std::uint32_t) { return readIcsr(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) { writeIcsr(w); });
    define(0xD08, "VTOR").mask(0xFFFFFF80u);
    define(0xD0C, "AIRCR", 0xFA050000u).readOnly()
        .onRead([this](std::uint32_t) { return 0xFA050000u | (nvic_.priorityGrouping() << 8); })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            if ((w >> 16) != 0x05FA) return;  // writes without VECTKEY are ignored
            nvic_.setPriorityGrouping((w >> 8) & 7);
            if ((w & (1u << 2)) && on_system_reset) on_system_reset();  // SYSRESETREQ
        });
    define(0xD10, "SCR").mask(0x16);
    define(0xD14, "CCR", kCcrStkAlign).mask(0x31B).onWrite([this](std::uint32_t stored, std::uint32_t) {
        if (on_ccr_change) on_ccr_change(stored);
    });
    define(0xD18, "SHPR1").mask(0x00E0E0E0u).onWrite([this](std::uint32_t s, std::uint32_t) { writeShpr(4, s); });
    define(0xD1C, "SHPR2").mask(0xE0000000u).onWrite([this](std::uint32_t s, std::uint32_t) { writeShpr(8, s); });
    define(0xD20, "SHPR3").mask(0xE0E000E0u).onWrite([this](std::uint32_t s, std::uint32_t) { writeShpr(12, s); });
    define(0xD24, "SHCSR").mask(kShcsrMemFaultEna | kShcsrBusFaultEna | kShcsrUsgFaultEna)
        .onRead([this](std::uint32_t stored) { return readShcsr(stored); })
        .onWrite([this](std::uint32_t stored, std::uint32_t) { writeShcsr(stored); });
    // Fault status registers are write-one-to-clear.
    for (auto [off, name] : {std::pair{0xD28u, "CFSR"}, std::pair{0xD2Cu, "HFSR"}, std::pair{0xD30u, "DFSR"}}) {
        Register& r = define(off, name);
        r.readOnly().onWrite([&r](std::uint32_t, std::uint32_t w) { r.value &= ~w; });
    }
    define(0xD34, "MMFAR");
    define(0xD38, "BFAR");
    define(0xD3C, "AFSR");
    // Feature registers (Cortex-M4 TRM values).
    define(0xD40, "ID_PFR0", 0x00000030).readOnly();
    define(0xD44, "ID_PFR1", 0x00000200).readOnly();
    define(0xD48, "ID_DFR0", 0x00100000).readOnly();
    define(0xD4C, "ID_AFR0", 0).readOnly();
    define(0xD50, "ID_MMFR0", 0x00100030).readOnly();
    define(0xD54, "ID_MMFR1", 0).readOnly();
    define(0xD58, "ID_MMFR2", 0x01000000).readOnly();
    define(0xD5C, "ID_MMFR3", 0).readOnly();
    define(0xD60, "ID_ISAR0", 0x01101110).readOnly();
    define(0xD64, "ID_ISAR1", 0x02111000).readOnly();
    define(0xD68, "ID_ISAR2", 0x21112231).readOnly();
    define(0xD6C, "ID_ISAR3", 0x01111110).readOnly();
    define(0xD70, "ID_ISAR4", 0x01310132).readOnly();
    define(0xD88, "CPACR").mask(0x00F00000u);
}

void SystemControlSpace::defineMpu() {
    // Accepted and stored; the MPU is not enforced (docs/exceptions.md).
    define(0xD90, "MPU_TYPE", 8u << 8).readOnly();  // 8 data regions, unified
    define(0xD94, "MPU_CTRL").mask(0x7);
    define(0xD98, "MPU_RNR").mask(0xFF);
    auto rnr = [this] { return peek(0xD98) & 7; };
    for (unsigned alias = 0; alias < 4; ++alias) {
        std::string sfx = alias ? "_A" + std::to_string(alias) : "";
        define(0xD9C + 8 * alias, "MPU_RBAR" + sfx).readOnly()
            .onRead([this, rnr](std::uint32_t) { return (mpu_rbar_[rnr()] & ~0x1Fu) | rnr(); })
            .onWrite([this](std::uint32_t, std::uint32_t w) {
                // VALID (b4) selects the region from the REGION field instead of RNR.
                if (w & 0x10) find(0xD98)->value = w & 0xF;
                mpu_rbar_[peek(0xD98) & 7] = w & ~0x1Fu;
            });
        define(0xDA0 + 8 * alias, "MPU_RASR" + sfx).readOnly()
            .onRead([this, rnr](std::uint32_t) { return mpu_rasr_[rnr()]; })
            .onWrite([this, rnr](std::uint32_t, std::uint32_t w) { mpu_rasr_[rnr()] = w; });
    }
}

void SystemControlSpace::defineFp() {
    define(0xF34, "FPCCR", kFpccrAspen | kFpccrLspen).mask(0xC00001FBu);
    define(0xF38, "FPCAR").mask(0xFFFFFFF8u);
    define(0xF3C, "FPDSCR").mask(0x07C00000u);
    define(0xF40, "MVFR0", 0x10110021).readOnly();
    define(0xF44, "MVFR1", 0x11000011).readOnly();
}

}  // namespace mt3620
