// Signals of the emulated OS (see Syscalls.h): rt_sigaction, rt_sigprocmask, kill/tkill/tgkill
// to the app itself, signals from outside (SIGTERM when the OS stops the app), delivery to
// handlers through a Linux ARM signal frame, and sigreturn/rt_sigreturn.
//
// The frame follows the kernel's ARM layout, so SA_SIGINFO handlers can read it: siginfo
// (128 bytes, SA_SIGINFO only), then the ucontext: uc_flags, uc_link, uc_stack (12 bytes),
// uc_mcontext (struct sigcontext: trap_no, error_code, oldmask, r0-r10, fp, ip, sp, lr, pc,
// cpsr, fault_address), uc_sigmask (8 bytes + 120 unused), uc_regspace (the VFP state: magic
// 0x56465001, size, d0-d31, fpscr). Guest faults (SIGSEGV, SIGBUS, SIGILL, SIGTRAP) reach a
// handler with si_code, si_addr and the faulting instruction's PC in the ucontext (the core
// finds it, CortexA7Faults.cpp), so the handler can siglongjmp out or fix the cause and return;
// like Linux's force_sig_fault, a blocked or ignored fault signal kills the app.
#include <unicorn/unicorn.h>

#include <cstring>

#include "os/HlProcess.h"
#include "os/Syscalls.h"

namespace mt3620::os {

namespace {
constexpr int kSigKill = 9, kSigStop = 19, kSigChld = 17, kSigUrg = 23, kSigWinch = 28, kSigCont = 18;
constexpr std::uint32_t kSaSiginfo = 0x4, kSaRestorer = 0x04000000, kSaNodefer = 0x40000000,
                        kSaResethand = 0x80000000;
constexpr std::uint64_t kUnblockable = (1ull << (kSigKill - 1)) | (1ull << (kSigStop - 1));
constexpr std::uint32_t kSiginfoSize = 128, kUcontextSize = 744;
constexpr std::uint32_t kUcMcontext = 20, kUcSigmask = 104, kUcRegspace = 232;
constexpr std::uint32_t kVfpMagic = 0x56465001, kVfpFrameSize = 288;
// Sigreturn trampolines in the kuser page for handlers installed without SA_RESTORER.
constexpr std::uint32_t kSigreturnTrampoline = 0xffff0f60, kRtSigreturnTrampoline = 0xffff0f68;
// CPSR bits a signal frame may restore: N Z C V Q, IT[1:0], J? no; GE, IT[7:2], E, T.
constexpr std::uint32_t kCpsrUserBits = 0xf8000000 | 0x06000000 | 0x000f0000 | 0x0000fc00 | 0x200 | 0x20;

bool defaultIgnored(int sig) { return sig == kSigChld || sig == kSigUrg || sig == kSigWinch || sig == kSigCont; }
}  // namespace

std::int64_t Syscalls::sysKill(int pid, int sig) {
    if (sig < 0 || sig > 64) return -EINVAL;
    if (pid != 1 && pid != 0 && pid != -1) return -ESRCH;
    if (sig == 0) return 0;
    sigpending_ |= 1ull << (sig - 1);  // acts when the call returns, or when unblocked
    sigwhy_[sig] = "sent by the app itself (kill/tgkill)";
    return 0;
}

void Syscalls::sendSignal(int sig, const std::string& why) {
    if (sig < 1 || sig > 64 || p_.status() != HlProcess::Status::Running) return;
    sigpending_ |= 1ull << (sig - 1);
    sigwhy_[sig] = why;
    const std::uint64_t deliverable = sigpending_ & ~sigmask_;
    if (!deliverable) return;
    CortexA7& core = p_.core_;
    if (core.state() == CoreState::Sleeping) {
        // Interrupt the wait: the blocking call (rewound to its SVC) or the sleep returns -EINTR.
        if (waiting_io_) core.setReg(UC_ARM_REG_PC, (core.reg(UC_ARM_REG_PC) + (core.thumb() ? 2 : 4)) | (core.thumb() ? 1u : 0u));
        core.setReg(UC_ARM_REG_R0, static_cast<std::uint32_t>(-EINTR));
        waiting_io_ = false;
        wait_deadline_.reset();
        core.wake();
    }
    deliverPending();
}

void Syscalls::deliverPending() {
    for (int sig = 1; sig <= 64 && p_.status() == HlProcess::Status::Running; ++sig) {
        const std::uint64_t bit = 1ull << (sig - 1);
        if (!(sigpending_ & bit) || ((sigmask_ & bit) && !(kUnblockable & bit))) continue;
        sigpending_ &= ~bit;
        const SigAction& act = sigactions_[sig];
        const bool catchable = sig != kSigKill && sig != kSigStop;
        if (catchable && (act.handler == 1 /* SIG_IGN */ || (act.handler == 0 && defaultIgnored(sig)))) continue;
        if (catchable && act.handler > 1) {
            if (!enterHandler(sig)) p_.kill(kSigKill == sig ? sig : 11, "no room on the stack for a signal frame");
            return;  // one handler at a time; others act when it returns
        }
        p_.kill(sig, sigwhy_[sig]);
        return;
    }
}

void Syscalls::deliverFault(int sig, int code, std::uint32_t address, const std::string& why) {
    if (sig < 1 || sig > 64 || p_.status() != HlProcess::Status::Running) return;
    const std::uint64_t bit = 1ull << (sig - 1);
    const SigAction& act = sigactions_[sig];
    if (act.handler > 1 && !(sigmask_ & bit)) {
        // Linux's trap numbers in sigcontext: 14 for an abort, 6 for an undefined instruction.
        const FaultInfo info{code, address, sig == 4 ? 6u : sig == 5 ? 1u : 14u};
        p_.log_.debug("a7", "{} at {:#010x} (address {:#010x}) to the app's handler", signalName(sig),
                      p_.core_.reg(UC_ARM_REG_PC), address);
        if (enterHandler(sig, &info)) return;
        p_.kill(11, why + "; no room on the stack for the signal frame");
        return;
    }
    p_.kill(sig, why);
}

bool Syscalls::enterHandler(int sig, const FaultInfo* fault) {
    CortexA7& c = p_.core_;
    SigAction act = sigactions_[sig];
    const bool rt = (act.flags & kSaSiginfo) != 0;
    const std::uint32_t uc_off = rt ? kSiginfoSize : 0;
    std::vector<std::uint8_t> frame(uc_off + kUcontextSize, 0);
    auto put32 = [&](std::uint32_t off, std::uint32_t v) { std::memcpy(&frame[off], &v, 4); };
    if (rt) {
        put32(0, static_cast<std::uint32_t>(sig));                  // si_signo
        put32(8, static_cast<std::uint32_t>(sigwhy_[sig].rfind("sent by the app", 0) == 0 ? -6 : 0));  // SI_TKILL / SI_USER
        if (fault) {
            put32(8, static_cast<std::uint32_t>(fault->code));
            put32(12, fault->address);  // si_addr
        } else {
            put32(12, 1);  // si_pid
        }
    }
    const std::uint32_t uc = uc_off;
    put32(uc + 8 + 4, 2);  // uc_stack.ss_flags = SS_DISABLE
    const std::uint32_t mc = uc + kUcMcontext;
    if (fault) {
        put32(mc + 0, fault->trap_no);
        put32(mc + 80, fault->address);  // fault_address
    }
    put32(mc + 8, static_cast<std::uint32_t>(sigmask_));  // oldmask
    for (int r = 0; r <= 12; ++r) put32(mc + 12 + 4 * r, c.reg(UC_ARM_REG_R0 + r));
    put32(mc + 64, c.reg(UC_ARM_REG_SP));
    put32(mc + 68, c.reg(UC_ARM_REG_LR));
    put32(mc + 72, c.reg(UC_ARM_REG_PC));
    put32(mc + 76, c.reg(UC_ARM_REG_CPSR));
    std::memcpy(&frame[uc + kUcSigmask], &sigmask_, 8);
    const std::uint32_t vfp = uc + kUcRegspace;
    put32(vfp, kVfpMagic);
    put32(vfp + 4, kVfpFrameSize);
    for (int d = 0; d < 32; ++d) {
        std::uint64_t v = 0;
        uc_reg_read(c.engine(), UC_ARM_REG_D0 + d, &v);
        std::memcpy(&frame[vfp + 8 + 8 * d], &v, 8);
    }
    put32(vfp + 8 + 256, c.reg(UC_ARM_REG_FPSCR));

    const std::uint32_t sp = (c.reg(UC_ARM_REG_SP) - static_cast<std::uint32_t>(frame.size())) & ~7u;
    if (!p_.mem_.write(sp, frame.data(), frame.size())) return false;

    sigmask_ |= act.mask | ((act.flags & kSaNodefer) ? 0 : 1ull << (sig - 1));
    sigmask_ &= ~kUnblockable;
    if (act.flags & kSaResethand) sigactions_[sig] = SigAction{};
    c.setReg(UC_ARM_REG_R0, static_cast<std::uint32_t>(sig));
    c.setReg(UC_ARM_REG_R1, rt ? sp : 0);
    c.setReg(UC_ARM_REG_R2, rt ? sp + uc : 0);
    c.setReg(UC_ARM_REG_SP, sp);
    c.setReg(UC_ARM_REG_LR, (act.flags & kSaRestorer) ? act.restorer : rt ? kRtSigreturnTrampoline : kSigreturnTrampoline);
    // Enter the handler in its own instruction set with no IT block pending.
    c.setReg(UC_ARM_REG_CPSR, c.reg(UC_ARM_REG_CPSR) & ~(0x0600fc00u | 0x20u));
    c.setReg(UC_ARM_REG_PC, act.handler);  // bit 0 selects Thumb
    p_.log_.debug("a7", "{}: handler {:#010x}", signalName(sig), act.handler);
    return true;
}

std::int64_t Syscalls::sysSigreturn(bool rt) {
    CortexA7& c = p_.core_;
    const std::uint32_t uc = c.reg(UC_ARM_REG_SP) + (rt ? kSiginfoSize : 0);
    std::uint8_t u[kUcontextSize];
    if (!p_.mem_.read(uc, u, sizeof u)) {
        p_.kill(11, "sigreturn with no signal frame on the stack");
        return kNoReturn;
    }
    auto get32 = [&](std::uint32_t off) {
        std::uint32_t v;
        std::memcpy(&v, &u[off], 4);
        return v;
    };
    const std::uint32_t mc = kUcMcontext;
    const std::uint32_t cpsr = (c.reg(UC_ARM_REG_CPSR) & ~kCpsrUserBits) | (get32(mc + 76) & kCpsrUserBits);
    c.setReg(UC_ARM_REG_CPSR, cpsr);
    for (int r = 0; r <= 12; ++r) c.setReg(UC_ARM_REG_R0 + r, get32(mc + 12 + 4 * r));
    c.setReg(UC_ARM_REG_SP, get32(mc + 64));
    c.setReg(UC_ARM_REG_LR, get32(mc + 68));
    c.setReg(UC_ARM_REG_PC, get32(mc + 72) | ((cpsr & 0x20) ? 1u : 0u));
    std::memcpy(&sigmask_, &u[kUcSigmask], 8);
    sigmask_ &= ~kUnblockable;
    if (get32(kUcRegspace) == kVfpMagic) {
        for (int d = 0; d < 32; ++d) {
            std::uint64_t v;
            std::memcpy(&v, &u[kUcRegspace + 8 + 8 * d], 8);
            uc_reg_write(c.engine(), UC_ARM_REG_D0 + d, &v);
        }
        c.setReg(UC_ARM_REG_FPSCR, get32(kUcRegspace + 8 + 256));
    }
    return kRegistersRestored;
}

std::int64_t Syscalls::sysRtSigaction(int sig, std::uint32_t act, std::uint32_t oldact, std::uint32_t size) {
    if (sig < 1 || sig > 64 || size != 8) return -EINVAL;
    // struct k_sigaction on ARM: handler, flags, restorer, mask (64 bits).
    if (oldact) {
        const SigAction& o = sigactions_[sig];
        std::uint32_t old[5] = {o.handler, o.flags, o.restorer, static_cast<std::uint32_t>(o.mask),
                                static_cast<std::uint32_t>(o.mask >> 32)};
        if (!p_.mem_.write(oldact, old, sizeof old)) return -EFAULT;
    }
    if (act) {
        if (sig == kSigKill || sig == kSigStop) return -EINVAL;
        std::uint32_t nw[5];
        if (!p_.mem_.read(act, nw, sizeof nw)) return -EFAULT;
        sigactions_[sig] = SigAction{nw[0], nw[1], nw[2], std::uint64_t{nw[3]} | (std::uint64_t{nw[4]} << 32)};
    }
    return 0;
}

std::int64_t Syscalls::sysRtSigprocmask(int how, std::uint32_t set, std::uint32_t oldset, std::uint32_t size) {
    if (size != 8) return -EINVAL;
    if (oldset && !p_.mem_.writeValue(oldset, sigmask_)) return -EFAULT;
    if (!set) return 0;
    auto s = p_.mem_.readValue<std::uint64_t>(set);
    if (!s) return -EFAULT;
    switch (how) {
        case 0: sigmask_ |= *s; break;    // SIG_BLOCK
        case 1: sigmask_ &= ~*s; break;   // SIG_UNBLOCK
        case 2: sigmask_ = *s; break;     // SIG_SETMASK
        default: return -EINVAL;
    }
    sigmask_ &= ~kUnblockable;
    return 0;  // pending signals it unblocked act as the call returns (Syscalls::handle)
}

}  // namespace mt3620::os
