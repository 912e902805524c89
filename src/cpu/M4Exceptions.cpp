// The ARMv7-M exception model for the Cortex-M4 cores (ARMv7-M Architecture Reference Manual
// B1.5): exception entry with the 8-word or 26-word frame, exception return through EXC_RETURN,
// tail-chaining, priority and masking, SVCall, faults with escalation to HardFault, lockup, and
// WFI wake-up. Unicorn executes instructions; everything here is ours (DESIGN.md 3.4).
#include <unicorn/unicorn.h>

#include "cpu/CortexM4.h"

namespace mt3620 {

namespace {
// QEMU exception numbers that Unicorn reports through UC_HOOK_INTR (target/arm/cpu.h).
constexpr std::uint32_t kExcpUdef = 1, kExcpSwi = 2, kExcpBkpt = 7, kExcpExceptionExit = 8, kExcpNocp = 17,
                        kExcpInvState = 18, kExcpLazyFp = 20, kExcpUnaligned = 22, kExcpDivByZero = 23;

constexpr std::uint32_t kControlNPriv = 1u << 0;
constexpr std::uint32_t kControlSpSel = 1u << 1;
constexpr std::uint32_t kControlFpca = 1u << 2;

// CFSR bits (B3.2.15): MMFSR [7:0], BFSR [15:8], UFSR [31:16].
constexpr std::uint32_t kIbusErr = 1u << 8, kPreciseErr = 1u << 9, kUnstkErr = 1u << 11, kStkErr = 1u << 12,
                        kBfarValid = 1u << 15;
constexpr std::uint32_t kUndefInstr = 1u << 16, kInvState = 1u << 17, kInvPc = 1u << 18, kNoCp = 1u << 19,
                        kUnaligned = 1u << 24, kDivByZero = 1u << 25;
constexpr std::uint32_t kHfsrForced = 1u << 30, kHfsrDebugEvt = 1u << 31;

const char* exceptionName(unsigned e) {
    switch (e) {
        case exc::kNmi: return "NMI";
        case exc::kHardFault: return "HardFault";
        case exc::kMemManage: return "MemManage";
        case exc::kBusFault: return "BusFault";
        case exc::kUsageFault: return "UsageFault";
        case exc::kSvCall: return "SVCall";
        case exc::kDebugMonitor: return "DebugMonitor";
        case exc::kPendSv: return "PendSV";
        case exc::kSysTick: return "SysTick";
        default: return "IRQ";
    }
}
}  // namespace

CortexM4::Masks CortexM4::readMasks() const {
    return Masks{(readReg(UC_ARM_REG_PRIMASK) & 1) != 0, (readReg(UC_ARM_REG_FAULTMASK) & 1) != 0,
                 static_cast<std::uint8_t>(readReg(UC_ARM_REG_BASEPRI))};
}

unsigned CortexM4::currentException() const { return readReg(UC_ARM_REG_IPSR) & 0x1FF; }

int CortexM4::executionPriority() const {
    Masks m = readMasks();
    return nvic_.executionPriority(m.primask, m.faultmask, m.basepri);
}

void CortexM4::onNvicChange() {
    check_exceptions_ = true;
    if (executing_) requestStop();
    // An interrupt raised by a timer event wakes a sleeping core, so the machine runs it.
    if (state_ == CoreState::Sleeping && !executing_ && wakeupPending()) state_ = CoreState::Running;
}

bool CortexM4::wakeupPending() const {
    // WFI wakes on an exception that would preempt if PRIMASK were clear (B1.5.19).
    Masks m = readMasks();
    return nvic_.exceptionToTake(nvic_.executionPriority(false, m.faultmask, m.basepri)).has_value();
}

bool CortexM4::deliverPendingException() {
    check_exceptions_ = false;
    auto take = nvic_.exceptionToTake(executionPriority());
    if (!take) {
        // Something pending but masked by PRIMASK/BASEPRI/FAULTMASK: watch for the unmask.
        Masks m = readMasks();
        poll_masks_ = nvic_.exceptionToTake(nvic_.executionPriority(false, false, 0)).has_value() &&
                      (m.primask || m.faultmask || m.basepri);
        return false;
    }
    poll_masks_ = false;
    enterException(*take, readReg(UC_ARM_REG_PC));
    return true;
}

void CortexM4::enterException(unsigned exception, std::uint32_t return_address) {
    const unsigned ipsr = currentException();
    // Bit 3 (SFPA) is kept as Unicorn has it: its M4 runs in QEMU's secure state, where a clear
    // SFPA makes the next FP instruction start a fresh FP context (FPSCR reset).
    const std::uint32_t control = readReg(UC_ARM_REG_CONTROL);
    const bool thread = ipsr == 0;
    if (thread && (control & kControlNPriv)) {
        // QEMU reads MSP/PSP as 0 and ignores CONTROL writes from unprivileged code: pass
        // through Handler mode to clear nPRIV first (it is restored below).
        writeReg(UC_ARM_REG_IPSR, exception);
        writeReg(UC_ARM_REG_CONTROL, control & ~kControlNPriv);
        writeReg(UC_ARM_REG_IPSR, 0);
    }
    const bool on_psp = thread && (control & kControlSpSel);
    const bool fp_frame = control & kControlFpca;
    std::uint32_t msp = readReg(UC_ARM_REG_MSP);
    std::uint32_t psp = readReg(UC_ARM_REG_PSP);
    std::uint32_t& sp = on_psp ? psp : msp;

    // PushStack (B1.5.6): 8 words, or 26 with the FP context; 8-byte aligned when
    // CCR.STKALIGN is set (always for an FP frame), the padding flagged in xPSR bit 9.
    const std::uint32_t frame_size = fp_frame ? 0x68 : 0x20;
    const bool force_align = fp_frame || (scs_.ccr() & SystemControlSpace::kCcrStkAlign);
    const std::uint32_t pad_flag = (force_align && (sp & 4)) ? (1u << 9) : 0;
    const std::uint32_t frame = (sp - frame_size) & (force_align ? ~7u : ~3u);
    std::uint32_t words[26] = {};
    const int regs[] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R12, UC_ARM_REG_LR};
    for (int i = 0; i < 6; ++i) words[i] = readReg(regs[i]);
    words[6] = return_address & ~1u;
    words[7] = (readReg(UC_ARM_REG_XPSR) & ~(1u << 9)) | pad_flag | (1u << 24);  // T bit: Thumb
    if (fp_frame) {
        // The lazy-stacking space is filled at once (FPCCR.LSPEN only changes when it would be).
        for (int i = 0; i < 16; ++i) words[8 + i] = readReg(UC_ARM_REG_S0 + i);
        words[24] = readReg(UC_ARM_REG_FPSCR);
        scs_.setFpcar(frame + 0x20);
    }
    if (uc_mem_write(uc_, frame, words, frame_size) != UC_ERR_OK) {
        // Stacking error: the frame is lost, the fault is taken on the same stack pointer.
        scs_.addCfsr(kStkErr);
        lockup(fmt::format("stacking error entering {} (frame at {:#010x} is not writable memory)",
                           exceptionName(exception), frame));
        return;
    }
    sp = frame;

    std::uint32_t vector = 0;
    if (uc_mem_read(uc_, scs_.vtor() + 4 * exception, &vector, 4) != UC_ERR_OK) {
        scs_.addHfsr(1u << 1);  // VECTTBL
        lockup(fmt::format("vector table read failed for exception {} (VTOR {:#010x})", exception, scs_.vtor()));
        return;
    }

    // Into Handler mode with CONTROL.SPSEL = 0 and FPCA = 0. QEMU honours SPSEL writes only in
    // Thread mode, so clear it there (now privileged), then enter Handler mode and put nPRIV
    // back. Both stack pointers are written last, so they land in QEMU's banked registers
    // according to the final mode.
    if (thread) writeReg(UC_ARM_REG_CONTROL, control & ~(kControlNPriv | kControlSpSel | kControlFpca));
    writeReg(UC_ARM_REG_IPSR, exception);
    writeReg(UC_ARM_REG_CONTROL, control & ~(kControlSpSel | kControlFpca));
    writeReg(UC_ARM_REG_MSP, msp);
    writeReg(UC_ARM_REG_PSP, psp);
    const std::uint32_t exc_return = 0xFFFFFFE0u | (fp_frame ? 0 : 0x10) | (thread ? (0x8 | (on_psp ? 0x4 : 0) | 0x1) : 0x1);
    writeReg(UC_ARM_REG_LR, exc_return);
    writeReg(UC_ARM_REG_PC, vector);  // bit 0 selects Thumb; 0 raises INVSTATE on execution
    nvic_.activate(exception);
    if (exception >= exc::kFirstIrq)
        log_.trace(name_, "IRQ {} taken (handler {:#010x})", exception - exc::kFirstIrq, vector & ~1u);
    else
        log_.trace(name_, "{} taken (handler {:#010x})", exceptionName(exception), vector & ~1u);
}

void CortexM4::tailChain(unsigned exception, std::uint32_t exc_return) {
    std::uint32_t vector = 0;
    if (uc_mem_read(uc_, scs_.vtor() + 4 * exception, &vector, 4) != UC_ERR_OK) {
        lockup("vector table read failed while tail-chaining");
        return;
    }
    writeReg(UC_ARM_REG_IPSR, exception);
    writeReg(UC_ARM_REG_CONTROL, readReg(UC_ARM_REG_CONTROL) & ~kControlFpca);
    writeReg(UC_ARM_REG_LR, exc_return);  // the frame on the stack is unchanged
    writeReg(UC_ARM_REG_PC, vector);
    nvic_.activate(exception);
    log_.trace(name_, "tail-chained into exception {}", exception);
}

void CortexM4::exceptionReturn(std::uint32_t exc_return) {
    const unsigned returning = currentException();
    const unsigned mode = exc_return & 0xF;
    if ((exc_return & 0xFFFFFFE0u) != 0xFFFFFFE0u || (mode != 0x1 && mode != 0x9 && mode != 0xD) ||
        !nvic_.active(returning)) {
        raiseFault(exc::kUsageFault, kInvPc, exc_return, fmt::format("invalid EXC_RETURN {:#010x}", exc_return));
        return;
    }
    Masks masks = readMasks();
    if (returning != exc::kNmi && masks.faultmask) {
        writeReg(UC_ARM_REG_FAULTMASK, 0);  // cleared on return from anything but NMI
        masks.faultmask = false;
    }
    const int priority_after = nvic_.executionPriorityWithout(returning, masks.primask, masks.faultmask, masks.basepri);
    nvic_.deactivate(returning);
    if (auto next = nvic_.exceptionToTake(priority_after)) {
        tailChain(*next, exc_return);
        return;
    }

    // PopStack (B1.5.8).
    const bool to_thread = mode != 0x1;
    const bool on_psp = mode == 0xD;
    const bool fp_frame = !(exc_return & 0x10);
    std::uint32_t msp = readReg(UC_ARM_REG_MSP);
    std::uint32_t psp = readReg(UC_ARM_REG_PSP);
    std::uint32_t& sp = on_psp ? psp : msp;
    const std::uint32_t frame_size = fp_frame ? 0x68 : 0x20;
    std::uint32_t words[26] = {};
    if (uc_mem_read(uc_, sp, words, frame_size) != UC_ERR_OK) {
        scs_.addCfsr(kUnstkErr);
        lockup(fmt::format("unstacking error: frame at {:#010x} is not readable memory", sp));
        return;
    }
    const std::uint32_t xpsr = words[7];
    const bool force_align = fp_frame || (scs_.ccr() & SystemControlSpace::kCcrStkAlign);
    sp = (sp + frame_size) | ((force_align && (xpsr & (1u << 9))) ? 4u : 0u);

    // Bit 3 (SFPA) is kept as Unicorn has it: its M4 runs in QEMU's secure state, where a clear
    // SFPA makes the next FP instruction start a fresh FP context (FPSCR reset).
    const std::uint32_t control = readReg(UC_ARM_REG_CONTROL);
    const std::uint32_t fpca = fp_frame ? kControlFpca : 0;
    if (to_thread) {
        // QEMU honours CONTROL/MSP/PSP writes only when privileged, and SPSEL only in Thread
        // mode: go to privileged Thread mode, set the stack selection and both stack pointers,
        // then restore nPRIV.
        writeReg(UC_ARM_REG_CONTROL, control & ~kControlNPriv);
        writeReg(UC_ARM_REG_IPSR, 0);
        const std::uint32_t wanted = (control & ~(kControlSpSel | kControlFpca)) | (on_psp ? kControlSpSel : 0) | fpca;
        writeReg(UC_ARM_REG_CONTROL, wanted & ~kControlNPriv);
        writeReg(UC_ARM_REG_MSP, msp);
        writeReg(UC_ARM_REG_PSP, psp);
        writeReg(UC_ARM_REG_CONTROL, wanted);
    } else {
        writeReg(UC_ARM_REG_IPSR, xpsr & 0x1FF);
        writeReg(UC_ARM_REG_MSP, msp);
        writeReg(UC_ARM_REG_PSP, psp);
        writeReg(UC_ARM_REG_CONTROL, (control & ~kControlFpca) | fpca);
    }
    const int regs[] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R12, UC_ARM_REG_LR};
    for (int i = 0; i < 6; ++i) writeReg(regs[i], words[i]);
    if (fp_frame) {
        for (int i = 0; i < 16; ++i) writeReg(UC_ARM_REG_S0 + i, words[8 + i]);
        writeReg(UC_ARM_REG_FPSCR, words[24]);
    }
    writeReg(UC_ARM_REG_APSR_NZCVQG, xpsr);
    writeReg(UC_ARM_REG_PC, words[6] | ((xpsr >> 24) & 1));  // a clear T bit faults (INVSTATE)

    if (to_thread && (scs_.scr() & SystemControlSpace::kScrSleepOnExit)) {
        state_ = CoreState::Sleeping;  // SLEEPONEXIT: back to Thread mode asleep
        requestStop();
    }
}

void CortexM4::onInterrupt(uc_struct* uc, std::uint32_t intno, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    const std::uint32_t pc = self->readReg(UC_ARM_REG_PC);
    switch (intno) {
        case kExcpExceptionExit:
            self->exceptionReturn(pc | 1u);
            return;
        case kExcpSwi: {
            // SVC is synchronous: taken now if its priority allows, else it escalates.
            if (self->nvic_.groupPriority(exc::kSvCall) < self->executionPriority()) {
                self->enterException(exc::kSvCall, pc);
            } else {
                self->scs_.addHfsr(kHfsrForced);
                self->raiseFault(exc::kHardFault, 0, pc, "SVC executed at a priority that masks SVCall");
            }
            return;
        }
        case kExcpBkpt:
            // No debugger attached: BKPT escalates to HardFault (DEBUGEVT).
            self->scs_.addHfsr(kHfsrDebugEvt);
            self->raiseFault(exc::kHardFault, 0, pc, "BKPT with no debugger attached");
            return;
        case kExcpUdef: self->raiseFault(exc::kUsageFault, kUndefInstr, pc, "undefined instruction"); return;
        case kExcpNocp: self->raiseFault(exc::kUsageFault, kNoCp, pc, "coprocessor access with the FPU disabled"); return;
        case kExcpInvState: self->raiseFault(exc::kUsageFault, kInvState, pc, "execution in ARM state (Thumb bit clear)"); return;
        case kExcpUnaligned: self->raiseFault(exc::kUsageFault, kUnaligned, pc, "unaligned access"); return;
        case kExcpDivByZero: self->raiseFault(exc::kUsageFault, kDivByZero, pc, "division by zero"); return;
        case kExcpLazyFp: self->raiseFault(exc::kHardFault, 0, pc, "lazy FP stacking fault"); return;
        default:
            self->halt(fmt::format("unexpected CPU exception {} at {:#010x}", intno, pc));
            self->requestStop();
            return;
    }
}

void CortexM4::faultFromEngineError(int uc_error) {
    std::uint32_t pc = readReg(UC_ARM_REG_PC);
    switch (uc_error) {
        case UC_ERR_READ_UNMAPPED: case UC_ERR_WRITE_UNMAPPED: case UC_ERR_READ_PROT: case UC_ERR_WRITE_PROT:
        case UC_ERR_READ_UNALIGNED: case UC_ERR_WRITE_UNALIGNED: {
            const bool write = uc_error == UC_ERR_WRITE_UNMAPPED || uc_error == UC_ERR_WRITE_PROT ||
                               uc_error == UC_ERR_WRITE_UNALIGNED;
            const std::uint32_t addr = bad_access_.valid ? bad_access_.address : 0;
            // Unicorn reports the start of the translated block; find the access instruction.
            if (auto precise = locateFaultingInstruction(addr)) pc = *precise;
            scs_.setBfar(addr);
            if (std::string why = explain_denial ? explain_denial(addr) : std::string(); !why.empty()) {
                // Refused by the firewall (docs/firewall.md): one log line per denial.
                log_.warn(name_, "firewall: {} of {:#010x} at PC {:#010x} denied: {}; BusFault", write ? "write" : "read",
                          addr, pc, why);
                raiseFault(exc::kBusFault, kPreciseErr | kBfarValid, pc,
                           fmt::format("firewall denied {} of {:#010x} ({})", write ? "write" : "read", addr, why));
                return;
            }
            raiseFault(exc::kBusFault, kPreciseErr | kBfarValid, pc,
                       fmt::format("precise bus error: {} of {:#010x} ({})", write ? "write" : "read", addr,
                                   uc_error == UC_ERR_WRITE_PROT ? "read-only memory" : "no memory or device there"));
            return;
        }
        case UC_ERR_FETCH_UNMAPPED: case UC_ERR_FETCH_PROT: case UC_ERR_FETCH_UNALIGNED: {
            const std::uint32_t addr = bad_access_.valid ? bad_access_.address : pc;
            raiseFault(exc::kBusFault, kIbusErr, addr, fmt::format("instruction fetch from {:#010x}", addr));
            return;
        }
        case UC_ERR_INSN_INVALID:
            raiseFault(exc::kUsageFault, kUndefInstr, pc, "undefined instruction");
            return;
        case UC_ERR_EXCEPTION:
            raiseFault(exc::kUsageFault, kInvState, pc, "execution in ARM state (Thumb bit clear)");
            return;
        default:
            halt(fmt::format("emulation error: {}", uc_strerror(static_cast<uc_err>(uc_error))));
    }
}

void CortexM4::raiseFault(unsigned exception, std::uint32_t cfsr_bits, std::uint32_t return_address,
                          const std::string& what) {
    scs_.addCfsr(cfsr_bits);
    const int current = executionPriority();
    unsigned target = exception;
    // A configurable fault that is disabled, or cannot preempt, escalates to HardFault.
    if (target != exc::kHardFault && (!nvic_.enabled(target) || nvic_.groupPriority(target) >= current)) {
        scs_.addHfsr(kHfsrForced);
        target = exc::kHardFault;
    }
    if (target == exc::kHardFault && current <= -1) {
        lockup(fmt::format("{} while at priority {} (in HardFault or NMI, or FAULTMASK set)", what, current));
        return;
    }
    writeReg(UC_ARM_REG_PC, return_address | 1u);
    enterException(target, return_address);
    log_.debug(name_, "{}: {} at PC {:#010x}", exceptionName(target), what, return_address);
    if (state_ == CoreState::Running && handlerSpinsForever(target)) {
        std::string report = describeFault(fmt::format("{} fault: {} ({} handler is a default spin loop)",
                                                       name_, what, exceptionName(target)),
                                           readReg(UC_ARM_REG_MSP));
        fault_report_ = report;
        log_.error(name_, "{}", report);
        if (halt_on_unhandled_fault) state_ = CoreState::Halted;
    }
    requestStop();
}

void CortexM4::lockup(const std::string& why) {
    fault_report_ = describeFault(fmt::format("{} LOCKUP: {}", name_, why), std::nullopt);
    log_.error(name_, "{}", fault_report_);
    // Locked up, the core executes nothing more until reset.
    state_ = CoreState::Halted;
    requestStop();
}

void CortexM4::halt(const std::string& reason) {
    fault_report_ = describeFault(fmt::format("{} halted: {}", name_, reason), std::nullopt);
    log_.error(name_, "{}", fault_report_);
    state_ = CoreState::Halted;
}

void CortexM4::busErrorFromBus(std::uint32_t address, bool is_write) {
    // Raised from inside an MMIO callback: stop, and take the BusFault between instructions.
    bus_error_ = {true, address, is_write};
    requestStop();
}

bool CortexM4::handlerSpinsForever(unsigned exception) const {
    std::uint32_t vector = 0;
    if (uc_mem_read(uc_, scs_.vtor() + 4 * exception, &vector, 4) != UC_ERR_OK) return false;
    std::uint16_t insn[2] = {};
    if (uc_mem_read(uc_, vector & ~1u, insn, 4) != UC_ERR_OK) return false;
    // "b ." (16-bit 0xE7FE, or 32-bit 0xF7FF 0xBFFE): the handler never returns.
    return insn[0] == 0xE7FE || (insn[0] == 0xF7FF && insn[1] == 0xBFFE);
}

}  // namespace mt3620
