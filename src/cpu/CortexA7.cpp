#include "cpu/CortexA7.h"

#include <unicorn/unicorn.h>

#include <algorithm>
#include <stdexcept>

#include "cpu/BlockCounter.h"

namespace mt3620 {

namespace {
void check(uc_err err, const char* what) {
    if (err != UC_ERR_OK) throw std::runtime_error(std::string("a7: ") + what + ": " + uc_strerror(err));
}
constexpr std::uint32_t kCpsrThumb = 1u << 5;
constexpr std::uint32_t kModeUser = 0x10;
constexpr int kSigIll = 4, kSigTrap = 5, kSigBus = 7, kSigSegv = 11;
// si_code values (Linux's asm-generic/siginfo.h).
constexpr int kSegvMaperr = 1, kSegvAccerr = 2, kBusAdraln = 1, kIllIllopc = 1, kTrapBrkpt = 1;

uc_arm_cp_reg cp15(std::uint32_t crn, std::uint32_t crm, std::uint32_t opc1, std::uint32_t opc2, std::uint64_t v = 0) {
    uc_arm_cp_reg r{};
    r.cp = 15;
    r.crn = crn;
    r.crm = crm;
    r.opc1 = opc1;
    r.opc2 = opc2;
    r.val = v;
    return r;
}
}  // namespace

CortexA7::CortexA7(Scheduler& scheduler, Log& log)
    : scheduler_(scheduler), log_(log), wake_(scheduler, "a7 wake", [this] { wake(); }), counts_(kCountCacheSize) {
    check(uc_open(UC_ARCH_ARM, UC_MODE_ARM, &uc_), "uc_open");
    check(uc_ctl_set_cpu_model(uc_, UC_CPU_ARM_CORTEX_A7), "select Cortex-A7");
    check(uc_ctl(uc_, UC_CTL_WRITE(UC_CTL_TCG_BUFFER_SIZE, 1), 64u * 1024 * 1024), "set TCG buffer size");
    uc_hook h;
    check(uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&CortexA7::onBlock), this, 1, 0), "block hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&CortexA7::onInterrupt), this, 1, 0),
          "interrupt hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&CortexA7::onInvalidMemory), this, 1, 0),
          "memory hook");
}

CortexA7::~CortexA7() {
    if (uc_) uc_close(uc_);
}

std::uint32_t CortexA7::reg(int uc_reg) const {
    std::uint32_t v = 0;
    uc_reg_read(uc_, uc_reg, &v);
    return v;
}

void CortexA7::setReg(int uc_reg, std::uint32_t value) { uc_reg_write(uc_, uc_reg, &value); }

bool CortexA7::thumb() const { return (reg(UC_ARM_REG_CPSR) & kCpsrThumb) != 0; }

void CortexA7::setThreadPointer(std::uint32_t value) {
    uc_arm_cp_reg r = cp15(13, 0, 0, 3, value);  // TPIDRURO
    uc_reg_write(uc_, UC_ARM_REG_CP_REG, &r);
}

std::uint32_t CortexA7::threadPointer() const {
    uc_arm_cp_reg r = cp15(13, 0, 0, 3);
    uc_reg_read(uc_, UC_ARM_REG_CP_REG, &r);
    return static_cast<std::uint32_t>(r.val);
}

void CortexA7::start(std::uint32_t pc, std::uint32_t sp) {
    // Still privileged (Unicorn starts in SVC mode): grant the FPU/NEON to all modes, enable
    // it, then drop to User mode for good.
    uc_arm_cp_reg cpacr = cp15(1, 0, 0, 2, 0x00F00000);
    check(uc_reg_write(uc_, UC_ARM_REG_CP_REG, &cpacr), "CPACR");
    std::uint32_t fpexc = 1u << 30;  // FPEXC.EN
    check(uc_reg_write(uc_, UC_ARM_REG_FPEXC, &fpexc), "FPEXC");
    std::uint32_t cpsr = reg(UC_ARM_REG_CPSR);
    cpsr = (cpsr & ~0x1ffu & ~(1u << 9) & ~0xF80F0000u) | kModeUser;  // ARM state, little-endian, no flags
    if (pc & 1) cpsr |= kCpsrThumb;
    setReg(UC_ARM_REG_CPSR, cpsr);
    for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; ++r) setReg(r, 0);
    setReg(UC_ARM_REG_LR, 0);
    setReg(UC_ARM_REG_SP, sp);
    setReg(UC_ARM_REG_PC, pc);  // Unicorn takes the Thumb state from bit 0 of a PC write
    setThreadPointer(0);
    flushCode();
    report_.clear();
    state_ = CoreState::Running;
}

void CortexA7::flushCode() {
    for (CountEntry& e : counts_) e = CountEntry{};
    // Nothing translated since the last flush: skip Unicorn's flush, which resets (and so first
    // touches) the whole 64 MiB code buffer.
    if (!translated_) return;
    uc_ctl_flush_tb(uc_);
    translated_ = false;
}

void CortexA7::updateStopCycles() {
    stop_cycles_ = target_ <= base_time_ ? base_cycles_
                                         : base_cycles_ + (target_ - base_time_ + kPicosPerInstruction - 1) / kPicosPerInstruction;
}

void CortexA7::shortenQuantum(Picos t) {
    if (t >= target_) return;
    target_ = t;
    updateStopCycles();
}

void CortexA7::stopEngine() {
    if (executing_ && !stop_requested_) {
        stop_requested_ = true;
        uc_emu_stop(uc_);
    }
}

void CortexA7::restartSyscall() {
    const bool t = thumb();
    setReg(UC_ARM_REG_PC, (reg(UC_ARM_REG_PC) - (t ? 2 : 4)) | (t ? 1u : 0u));  // bit 0 keeps Thumb state
}

void CortexA7::sleepUntil(Picos deadline) {
    if (state_ != CoreState::Running) return;
    state_ = CoreState::Sleeping;
    if (deadline != kNever) wake_.armAt(deadline);
    stopEngine();
}

void CortexA7::wake() {
    wake_.cancel();
    if (state_ != CoreState::Sleeping) return;
    state_ = CoreState::Running;
    if (on_wake) on_wake();
}

void CortexA7::halt(std::string report) {
    wake_.cancel();
    report_ = std::move(report);
    state_ = CoreState::Halted;
    stopEngine();
}

void CortexA7::runUntil(Picos t) {
    target_ = t;
    updateStopCycles();
    scheduler_.setLocalTime(this);
    if (state_ == CoreState::Running && on_quantum) on_quantum();
    while (state_ == CoreState::Running && cycles_ < stop_cycles_) {
        stop_requested_ = false;
        bad_access_.valid = false;
        pending_fault_ = {};
        const std::uint32_t pc = reg(UC_ARM_REG_PC) | (thumb() ? 1u : 0u);
        executing_ = true;
        translated_ = true;
        uc_err err = uc_emu_start(uc_, pc, 0xFFFFFFFFull, 0, 0);
        executing_ = false;
        if (err != UC_ERR_OK) faultFromEngineError(err);
        if (pending_fault_.signal && state_ == CoreState::Running) {
            Fault f = pending_fault_;
            pending_fault_ = {};
            if (on_fault) on_fault(f);
            else halt(f.what);
        }
    }
    scheduler_.setLocalTime(nullptr);
    if (state_ != CoreState::Running && target_ > now()) {
        // A core that does not execute keeps time with the machine.
        base_time_ = target_;
        base_cycles_ = cycles_;
    }
}

void CortexA7::faultFromEngineError(int err) {
    Fault f;
    f.pc = block_addr_;
    const bool page_table_denial = err == UC_ERR_EXCEPTION && bad_access_.valid;
    bool page_only = false;
    if (page_table_denial) {
        // A page-table denial (GuestMemory): the same fault as Unicorn's own unmapped/protection errors.
        switch (bad_access_.type) {
            case UC_MEM_READ_UNMAPPED: err = UC_ERR_READ_UNMAPPED; break;
            case UC_MEM_WRITE_UNMAPPED: err = UC_ERR_WRITE_UNMAPPED; break;
            case UC_MEM_FETCH_UNMAPPED: err = UC_ERR_FETCH_UNMAPPED; break;
            case UC_MEM_READ_PROT: err = UC_ERR_READ_PROT; break;
            case UC_MEM_WRITE_PROT: err = UC_ERR_WRITE_PROT; break;
            case UC_MEM_FETCH_PROT: err = UC_ERR_FETCH_PROT; break;
            default: break;
        }
    }
    switch (err) {
        case UC_ERR_READ_UNMAPPED:
        case UC_ERR_WRITE_UNMAPPED:
        case UC_ERR_FETCH_UNMAPPED:
        case UC_ERR_READ_PROT:
        case UC_ERR_WRITE_PROT:
        case UC_ERR_FETCH_PROT: {
            f.signal = kSigSegv;
            f.address = bad_access_.valid ? bad_access_.address : 0;
            const bool fetch = err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_FETCH_PROT;
            const bool write = err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_WRITE_PROT;
            const bool prot = err == UC_ERR_READ_PROT || err == UC_ERR_WRITE_PROT || err == UC_ERR_FETCH_PROT;
            f.code = prot ? kSegvAccerr : kSegvMaperr;
            if (page_table_denial) {
                // QEMU restored the state at the faulting instruction, so PC is exact; the
                // engine reports the start of the 1 KiB page (for a fetch: PC itself).
                f.pc = reg(UC_ARM_REG_PC);
                if (fetch) f.address = f.pc;
                else if (auto exact = exactDeniedAddress(f.address)) f.address = *exact;
                else page_only = true;
            } else if (fetch) {
                f.pc = f.address;  // a jump to the address: the instruction never began
                setReg(UC_ARM_REG_PC, f.address | (thumb() ? 1u : 0u));
            } else if (auto pc = locateMemoryFault(err, f.address)) {
                f.pc = *pc;
            } else {
                log_.warn("a7", "could not single out the instruction that faulted at {:#010x}: PC names its block",
                          f.address);
            }
            f.what = fmt::format("{} {} address {:#010x}{}", prot ? "permission denied for" : "unmapped",
                                 fetch ? "instruction fetch at" : write ? "write to" : "read from", f.address,
                                 page_only ? " (start of the 1 KiB page; the exact address is not known)" : "");
            break;
        }
        case UC_ERR_READ_UNALIGNED:
        case UC_ERR_WRITE_UNALIGNED:
        case UC_ERR_FETCH_UNALIGNED:
            f.signal = kSigBus;
            f.code = kBusAdraln;
            f.address = bad_access_.valid ? bad_access_.address : 0;
            f.what = fmt::format("unaligned access to {:#010x}", f.address);
            break;
        case UC_ERR_INSN_INVALID:
            // Unicorn leaves PC on the undefined instruction.
            f.signal = kSigIll;
            f.code = kIllIllopc;
            f.pc = f.address = reg(UC_ARM_REG_PC);
            f.what = fmt::format("undefined instruction at {:#010x}", f.pc);
            break;
        default:
            f.signal = kSigSegv;
            f.pc = reg(UC_ARM_REG_PC);
            f.what = fmt::format("engine error: {}", uc_strerror(static_cast<uc_err>(err)));
            break;
    }
    pending_fault_ = f;
}

std::uint32_t CortexA7::countBlock(std::uint32_t address, std::uint32_t size) {
    CountEntry& e = counts_[(address >> 1) & (kCountCacheSize - 1)];
    if (e.address == address && e.size == size) return e.count;
    std::uint32_t n;
    if (thumb()) {
        std::uint8_t buf[4096];
        const std::uint32_t len = std::min<std::uint32_t>(size, sizeof buf);
        n = uc_mem_read(uc_, address, buf, len) == UC_ERR_OK ? BlockCounter::decode(buf, len) : (size + 3) / 4;
    } else {
        n = size ? size / 4 : 1;
    }
    e = CountEntry{address, size, n};
    return n;
}

void CortexA7::onDeniedProbe(uc_struct* uc, int type, std::uint64_t address, int size, std::int64_t value,
                             void* user) {
    auto* self = static_cast<CortexA7*>(user);
    const auto a = static_cast<std::uint32_t>(address);
    if (!self->denied_address_ && a + static_cast<std::uint32_t>(size) > self->denied_page_ && a < self->denied_page_ + 1024)
        self->denied_address_ = std::max(a, self->denied_page_);
    if (type == UC_MEM_WRITE) onProbeWrite(uc, type, address, size, value, user);
}

std::optional<std::uint32_t> CortexA7::exactDeniedAddress(std::uint32_t page) {
    if (!on_grant_page) return std::nullopt;
    uc_context* saved = nullptr;
    if (uc_context_alloc(uc_, &saved) != UC_ERR_OK) return std::nullopt;
    uc_context_save(uc_, saved);
    const std::uint32_t pc = reg(UC_ARM_REG_PC) | (thumb() ? 1u : 0u);
    const BadAccess bad = bad_access_;
    denied_page_ = page;
    denied_address_.reset();
    probe_writes_.clear();
    on_grant_page(page & ~0xfffu);
    uc_ctl_flush_tb(uc_);  // a fresh translation, with the hook below in it
    uc_hook hook;
    uc_hook_add(uc_, &hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(&CortexA7::onDeniedProbe),
                this, 1, 0);
    probing_ = true;
    uc_emu_start(uc_, pc, 0xFFFFFFFFull, 0, 1);
    probing_ = false;
    uc_hook_del(uc_, hook);
    for (auto it = probe_writes_.rbegin(); it != probe_writes_.rend(); ++it)
        uc_mem_write(uc_, it->address, &it->old, it->size);
    on_grant_page(std::nullopt);
    uc_context_restore(uc_, saved);
    uc_context_free(saved);
    setReg(UC_ARM_REG_PC, pc);
    uc_ctl_flush_tb(uc_);  // the probe's translation counted instructions one by one
    bad_access_ = bad;
    return denied_address_;
}

void CortexA7::onBlock(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user) {
    auto* self = static_cast<CortexA7*>(user);
    if (self->probing_) return;
    // As on the M4 (measured): stopping here returns before the block runs, with PC exact.
    if (self->cycles_ >= self->stop_cycles_) {
        self->stop_requested_ = true;
        uc_emu_stop(uc);
        return;
    }
    self->block_addr_ = static_cast<std::uint32_t>(address);
    self->block_size_ = size;
    self->cycles_ += self->countBlock(static_cast<std::uint32_t>(address), size);
}

void CortexA7::onInterrupt(uc_struct* uc, std::uint32_t intno, void* user) {
    auto* self = static_cast<CortexA7*>(user);
    if (self->probing_) {  // a probe ran into an SVC or an exception: it proves nothing
        uc_emu_stop(uc);
        return;
    }
    if (intno == 2) {  // EXCP_SWI: SVC, PC after the instruction
        if (self->on_syscall) self->on_syscall();
        return;
    }
    // Any other exception in User mode is a fault the kernel turns into a signal. Unicorn calls
    // this hook before taking the exception, with PC on the instruction.
    Fault f;
    f.pc = self->reg(UC_ARM_REG_PC);
    switch (intno) {
        case 1:  // EXCP_UDEF
            f.signal = kSigIll;
            f.code = kIllIllopc;
            f.address = f.pc;
            f.what = fmt::format("undefined instruction at {:#010x}", f.pc);
            break;
        case 7:  // EXCP_BKPT
            f.signal = kSigTrap;
            f.code = kTrapBrkpt;
            f.address = f.pc;
            f.what = fmt::format("breakpoint (BKPT) at {:#010x}", f.pc);
            break;
        case 4:  // EXCP_DATA_ABORT: with flat user memory only an alignment fault (LDREX/STREX family)
            f.signal = kSigBus;
            f.code = kBusAdraln;
            f.address = self->exclusiveAddress(f.pc, self->thumb());
            f.what = fmt::format("unaligned exclusive access to {:#010x}", f.address);
            break;
        case 3:  // EXCP_PREFETCH_ABORT
            f.signal = kSigSegv;
            f.code = kSegvAccerr;
            f.address = f.pc;
            f.what = fmt::format("prefetch abort at {:#010x}", f.pc);
            break;
        default:
            f.signal = kSigIll;
            f.code = kIllIllopc;
            f.address = f.pc;
            f.what = fmt::format("unexpected exception {} at {:#010x}", intno, f.pc);
            break;
    }
    self->pending_fault_ = f;
    self->stop_requested_ = true;
    uc_emu_stop(uc);
}

bool CortexA7::onInvalidMemory(uc_struct*, int type, std::uint64_t address, int, std::int64_t, void* user) {
    auto* self = static_cast<CortexA7*>(user);
    self->bad_access_ = {true, type, static_cast<std::uint32_t>(address)};
    return false;
}

}  // namespace mt3620
