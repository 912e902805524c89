#include "os/Syscalls.h"

#include <unicorn/unicorn.h>

#include <cstring>

#include "os/GuestClock.h"
#include "os/HlProcess.h"
#include "os/SyscallNames.h"
#include "pluton/Rng.h"

namespace mt3620::os {

namespace nr {  // Linux ARM EABI numbers (arch/arm/tools/syscall.tbl)
enum : std::uint32_t {
    kExit = 1, kFork = 2, kRead = 3, kExecve = 11, kClone = 120, kVfork = 190, kWrite = 4, kOpen = 5, kClose = 6, kChdir = 12, kLseek = 19, kGetpid = 20,
    kAccess = 33, kKill = 37, kDup = 41, kPipe = 42, kBrk = 45, kIoctl = 54, kUmask = 60, kDup2 = 63,
    kGetppid = 64, kSetsid = 66, kGettimeofday = 78, kReadlink = 85, kMunmap = 91, kSysinfo = 116,
    kSigreturn = 119, kUname = 122, kMprotect = 125, kGetpgid = 132, kLlseek = 140, kReadv = 145,
    kWritev = 146, kFdatasync = 148, kSchedYield = 158, kNanosleep = 162, kMremap = 163, kPoll = 168,
    kRtSigreturn = 173, kRtSigaction = 174, kRtSigprocmask = 175, kPread64 = 180, kPwrite64 = 181,
    kGetcwd = 183, kSigaltstack = 186, kUgetrlimit = 191, kMmap2 = 192, kStat64 = 195, kLstat64 = 196,
    kFstat64 = 197, kGetuid32 = 199, kGetgid32 = 200, kGeteuid32 = 201, kGetegid32 = 202, kFsync = 118,
    kGetdents64 = 217, kMadvise = 220, kFcntl64 = 221, kGettid = 224, kTkill = 238, kFutex = 240,
    kSchedGetaffinity = 242, kExitGroup = 248, kEpollCreate = 250, kEpollCtl = 251, kEpollWait = 252,
    kSetTidAddress = 256, kClockGettime32 = 263, kClockGetres32 = 264, kClockNanosleep32 = 265,
    kTgkill = 268, kOpenat = 322, kFstatat64 = 327, kReadlinkat = 332, kFaccessat = 334, kPpoll = 336,
    kSetRobustList = 338, kEpollPwait = 346, kTimerfdCreate = 350, kEventfd = 351, kTimerfdSettime32 = 353,
    kTimerfdGettime32 = 354, kEventfd2 = 356, kEpollCreate1 = 357, kDup3 = 358, kPipe2 = 359,
    kPrlimit64 = 369, kGetrandom = 384, kMembarrier = 389, kStatx = 397, kClockGettime64 = 403,
    kClockGetres64 = 406, kClockNanosleep64 = 407, kTimerfdGettime64 = 410, kTimerfdSettime64 = 411,
    kPpollTime64 = 414, kFutexTime64 = 422, kFaccessat2 = 439, kEpollPwait2 = 441,
    kArmCacheflush = 0x0f0002, kArmSetTls = 0x0f0005, kArmGetTls = 0x0f0006,
};
}  // namespace nr

namespace {
constexpr int kAtFdcwd = -100;
}  // namespace

Syscalls::Syscalls(HlProcess& process)
    : p_(process), threads_(p_.core_, p_.scheduler_, p_.log_, SyscallWait{waiting_io_, wait_deadline_}) {
    p_.core_.on_wake = [this] { threads_.onWake(); };
    p_.core_.on_quantum = [this] { threads_.onQuantum(); };
}

void Syscalls::ioReady() {
    if (threads_.ioReady() && p_.core_.state() == CoreState::Sleeping) p_.core_.wake();
}

Picos Syscalls::cpuTime() const { return p_.core_.instructions() * CortexA7::kPicosPerInstruction; }

void Syscalls::handle() {
    CortexA7& core = p_.core_;
    const std::uint32_t number = core.reg(UC_ARM_REG_R7);
    Args a{};
    for (int i = 0; i < 6; ++i) a[i] = core.reg(UC_ARM_REG_R0 + i);
    const std::int64_t r = dispatch(number, a);
    if (r == kNoReturn) return;
    if (r == kBlocked) {
        threads_.afterSyscall();  // another thread may run while this one waits
        return;
    }
    waiting_io_ = false;
    wait_deadline_.reset();
    if (p_.log_.enabled(spdlog::level::trace))
        p_.log_.trace("a7", "{}({:#x}, {:#x}, {:#x}, {:#x}) = {}", syscallName(number), a[0], a[1], a[2], a[3], r);
    if (r != kRegistersRestored) core.setReg(UC_ARM_REG_R0, static_cast<std::uint32_t>(r));
    // Signals that became deliverable (sent by the app, or unblocked) act on the way out.
    deliverPending();
    threads_.afterSyscall();
}

std::int64_t Syscalls::dispatch(std::uint32_t n, const Args& a) {
    const auto i = [&](int k) { return static_cast<std::int32_t>(a[k]); };
    const auto u64 = [&](int lo) { return std::uint64_t{a[lo]} | (std::uint64_t{a[lo + 1]} << 32); };
    switch (n) {
        // --- process ---
        case nr::kExit: return sysExitThread(i(0));
        case nr::kExitGroup: return sysExit(i(0));
        case nr::kGetpid: return HlThreads::kMainTid;  // the app is the only process it can see
        case nr::kGettid: return threads_.currentTid();
        case nr::kClone: return sysClone(a);
        case nr::kFork:
        case nr::kVfork:
        case nr::kExecve: return notOnAzureSphere(n);
        case nr::kGetppid: return 0;
        case nr::kGetpgid: return 1;
        case nr::kSetsid: return -EPERM;
        case nr::kGetuid32:
        case nr::kGeteuid32:
        case nr::kGetgid32:
        case nr::kGetegid32: return 0;
        case nr::kSetTidAddress: return sysSetTidAddress(a[0]);
        case nr::kSetRobustList: return 0;
        case nr::kArmSetTls:
            p_.core_.setThreadPointer(a[0]);
            return 0;
        case nr::kArmGetTls: return p_.core_.threadPointer();
        case nr::kArmCacheflush:
            p_.core_.flushCode();
            return 0;
        case nr::kUname: return sysUname(a[0]);
        case nr::kGetrandom: return sysGetrandom(a[0], a[1]);
        case nr::kPrlimit64: return i(0) != 0 && i(0) != 1 ? -ESRCH : sysPrlimit(i(1), a[2], a[3]);
        case nr::kUgetrlimit: return sysPrlimit(i(0), 0, a[1]);
        case nr::kSchedYield:
            threads_.yield();
            return 0;
        case nr::kSchedGetaffinity: {
            if (a[1] < 4) return -EINVAL;
            return p_.mem_.writeValue<std::uint32_t>(a[2], 1) ? 4 : -EFAULT;  // one CPU: the A7
        }
        case nr::kMembarrier: return 0;  // one core: every barrier is a no-op
        case nr::kUmask: return 022;
        case nr::kSysinfo: return sysSysinfo(a[0]);
        case nr::kFutex: return sysFutex(a, false);
        case nr::kFutexTime64: return sysFutex(a, true);
        // --- signals ---
        case nr::kKill: return sysKill(i(0), i(1));
        case nr::kTkill: return sysKill(i(0), i(1));
        case nr::kTgkill: return sysKill(i(1), i(2));
        case nr::kRtSigaction: return sysRtSigaction(i(0), a[1], a[2], a[3]);
        case nr::kRtSigprocmask: return sysRtSigprocmask(i(0), a[1], a[2], a[3]);
        case nr::kSigaltstack: return 0;
        case nr::kSigreturn: return sysSigreturn(false);
        case nr::kRtSigreturn: return sysSigreturn(true);
        // --- memory ---
        case nr::kBrk: return sysBrk(a[0]);
        case nr::kMmap2: return sysMmap(a[0], a[1], a[2], a[3], i(4), std::uint64_t{a[5]} * 4096);
        case nr::kMunmap: return sysMunmap(a[0], a[1]);
        case nr::kMprotect: return sysMprotect(a[0], a[1], a[2]);
        case nr::kMremap: return sysMremap(a[0], a[1], a[2], a[3], a[4]);
        case nr::kMadvise: return sysMadvise(a[0], a[1], i(2));
        // --- files ---
        case nr::kOpen: return sysOpenat(kAtFdcwd, a[0], a[1]);
        case nr::kOpenat: return sysOpenat(i(0), a[1], a[2]);
        case nr::kRead: return sysRead(i(0), a[1], a[2]);
        case nr::kWrite: return sysWrite(i(0), a[1], a[2]);
        case nr::kReadv: return sysReadv(i(0), a[1], a[2], false);
        case nr::kWritev: return sysReadv(i(0), a[1], a[2], true);
        case nr::kPread64: return sysPread(i(0), a[1], a[2], u64(4), false);  // EABI: 64-bit args in even pairs
        case nr::kPwrite64: return sysPread(i(0), a[1], a[2], u64(4), true);
        case nr::kLseek: return sysLseek(i(0), i(1), i(2));
        case nr::kLlseek: return sysLlseek(i(0), a[1], a[2], a[3], i(4));
        case nr::kClose: return sysClose(i(0));
        case nr::kFstat64: return sysFstat64(i(0), a[1]);
        case nr::kStat64: return sysFstatat64(kAtFdcwd, a[0], a[1], 0);
        case nr::kLstat64: return sysFstatat64(kAtFdcwd, a[0], a[1], 0x100);
        case nr::kFstatat64: return sysFstatat64(i(0), a[1], a[2], i(3));
        case nr::kStatx: return sysStatx(i(0), a[1], i(2), a[3], a[4]);
        case nr::kGetdents64: return sysGetdents64(i(0), a[1], a[2]);
        case nr::kIoctl: return sysIoctl(i(0), a[1], a[2]);
        case nr::kFcntl64: return sysFcntl(i(0), i(1), a[2]);
        case nr::kDup: {
            auto f = p_.fds_.shared(i(0));
            return f ? p_.fds_.install(f) : -EBADF;
        }
        case nr::kDup2: return sysDup3(i(0), i(1), 0, true);
        case nr::kDup3: return sysDup3(i(0), i(1), a[2], false);
        case nr::kPipe: return sysPipe2(a[0], 0);
        case nr::kPipe2: return sysPipe2(a[0], a[1]);
        case nr::kAccess: return sysFaccessat(kAtFdcwd, a[0], i(1));
        case nr::kFaccessat:
        case nr::kFaccessat2: return sysFaccessat(i(0), a[1], i(2));
        case nr::kReadlink: return sysReadlinkat(kAtFdcwd, a[0], a[1], a[2]);
        case nr::kReadlinkat: return sysReadlinkat(i(0), a[1], a[2], a[3]);
        case nr::kGetcwd: return sysGetcwd(a[0], a[1]);
        case nr::kChdir: return sysChdir(a[0]);
        case nr::kFsync:
        case nr::kFdatasync: return p_.fds_.get(i(0)) ? 0 : -EBADF;
        // --- time ---
        case nr::kClockGettime32: return sysClockGettime(a[0], a[1], false);
        case nr::kClockGettime64: return sysClockGettime(a[0], a[1], true);
        case nr::kClockGetres32: return sysClockGetres(a[0], a[1], false);
        case nr::kClockGetres64: return sysClockGetres(a[0], a[1], true);
        case nr::kGettimeofday: return sysGettimeofday(a[0], a[1]);
        case nr::kNanosleep: return sysNanosleep(a[0], a[1]);
        case nr::kClockNanosleep32: return sysClockNanosleep(a[0], i(1), a[2], a[3], false);
        case nr::kClockNanosleep64: return sysClockNanosleep(a[0], i(1), a[2], a[3], true);
        // --- events ---
        case nr::kEpollCreate: return i(0) <= 0 ? -EINVAL : sysEpollCreate(0);
        case nr::kEpollCreate1: return sysEpollCreate(a[0]);
        case nr::kEpollCtl: return sysEpollCtl(i(0), i(1), i(2), a[3]);
        case nr::kEpollWait:
        case nr::kEpollPwait: return sysEpollWait(i(0), a[1], i(2), i(3));
        case nr::kPoll:
            return sysPoll(a[0], a[1], i(2) < 0 ? std::nullopt : std::optional<Picos>(Picos(i(2)) * kPicosPerMilli));
        case nr::kPpoll: return sysPpoll(a[0], a[1], a[2], false);
        case nr::kPpollTime64: return sysPpoll(a[0], a[1], a[2], true);
        case nr::kTimerfdCreate: return sysTimerfdCreate(a[0], a[1]);
        case nr::kTimerfdSettime32: return sysTimerfdSettime(i(0), i(1), a[2], a[3], false);
        case nr::kTimerfdSettime64: return sysTimerfdSettime(i(0), i(1), a[2], a[3], true);
        case nr::kTimerfdGettime32: return sysTimerfdGettime(i(0), a[1], false);
        case nr::kTimerfdGettime64: return sysTimerfdGettime(i(0), a[1], true);
        case nr::kEventfd: return sysEventfd2(a[0], 0);
        case nr::kEventfd2: return sysEventfd2(a[0], a[1]);
        default:
            if (auto r = dispatchSocket(n, a)) return *r;
            if (reported_unknown_.insert(n).second)
                p_.log_.warn("a7", "unsupported syscall {} ({}): returning -ENOSYS", n, syscallName(n));
            return -ENOSYS;
    }
}

// --- process ---------------------------------------------------------------------------------

std::int64_t Syscalls::sysExit(int code) {
    p_.exit(code & 0xff);
    return kNoReturn;
}

std::int64_t Syscalls::sysUname(std::uint32_t buf) {
    // struct utsname: six fields of 65 bytes. Values: see docs/hl-apps.md.
    char u[6 * 65] = {};
    const char* fields[6] = {"Linux", "azure-sphere", "5.10.0-mt3620-emu", "#1 SMP mt3620-emu", "armv7l", "(none)"};
    for (int f = 0; f < 6; ++f) std::strncpy(u + f * 65, fields[f], 64);
    return p_.mem_.write(buf, u, sizeof u) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sysGetrandom(std::uint32_t buf, std::uint32_t len) {
    len = std::min<std::uint32_t>(len, 33554431);
    std::vector<std::uint8_t> bytes(len);
    p_.rng_.fill(bytes);  // the Pluton RNG (pluton/Rng.h): reproducible per device
    return p_.mem_.write(buf, bytes.data(), len) ? static_cast<std::int64_t>(len) : -EFAULT;
}

std::int64_t Syscalls::sysPrlimit(int resource, std::uint32_t new_limit, std::uint32_t old_limit) {
    constexpr int kRlimitStack = 3, kRlimitNofile = 7, kRlimits = 16;
    if (resource < 0 || resource >= kRlimits) return -EINVAL;
    if (old_limit) {
        std::uint64_t lim[2] = {~0ull, ~0ull};
        if (resource == kRlimitStack) lim[0] = kStackSize;
        if (resource == kRlimitNofile) lim[0] = lim[1] = FdTable::kMaxFds;
        // prlimit64 takes 64-bit limits; ugetrlimit 32-bit ones (new_limit is 0 there).
        bool ok = p_.mem_.write(old_limit, lim, sizeof lim);
        if (!ok) return -EFAULT;
    }
    if (new_limit) return -EPERM;
    return 0;
}

std::int64_t Syscalls::sysSysinfo(std::uint32_t buf) {
    std::uint32_t s[16] = {};
    s[0] = static_cast<std::uint32_t>(p_.scheduler_.now() / kPicosPerSecond);  // uptime
    s[4] = 4u << 20;  // totalram: the A7's 4 MiB (reference 2.1)
    s[5] = 2u << 20;
    s[13] = 1;        // mem_unit (at offset 52: after procs/pad)
    return p_.mem_.write(buf, s, 64) ? 0 : -EFAULT;
}

// --- memory ----------------------------------------------------------------------------------

std::int64_t Syscalls::sysBrk(std::uint32_t addr) {
    if (addr < brk_start_) return brk_;
    const std::uint32_t want = static_cast<std::uint32_t>(pageUp(addr));
    if (want > mapped_brk_) {
        if (want > kMmapBottom || !p_.mem_.isFree(mapped_brk_, want - mapped_brk_)) return brk_;
        if (!p_.mem_.mapFixed(mapped_brk_, want - mapped_brk_, kProtRead | kProtWrite, "[heap]")) return brk_;
    } else if (want < mapped_brk_) {
        p_.mem_.unmap(want, mapped_brk_ - want);
    }
    mapped_brk_ = want;
    brk_ = addr;
    return brk_;
}

std::int64_t Syscalls::sysMmap(std::uint32_t addr, std::uint32_t len, std::uint32_t prot, std::uint32_t flags, int fd,
                               std::uint64_t offset) {
    constexpr std::uint32_t kShared = 1, kPrivate = 2, kFixed = 0x10, kAnonymous = 0x20, kFixedNoReplace = 0x100000;
    if (len == 0 || (flags & (kShared | kPrivate)) == 0) return -EINVAL;
    if (pageUp(len) > 0xffff'f000u) return -ENOMEM;
    std::shared_ptr<GuestFile> file;
    if (!(flags & kAnonymous)) {
        file = p_.fds_.shared(fd);
        if (!file) return -EBADF;
        if ((file->stat().mode & kModeTypeMask) != kModeReg) return -ENODEV;
        if ((flags & kShared) && (prot & kProtWrite)) return -EACCES;  // the image is read-only
    }
    std::uint32_t where;
    const std::string name = file ? file->describe() : "[anon]";
    const std::uint64_t gen = p_.mem_.codeGeneration();  // replacing executable pages flushes code
    if (flags & (kFixed | kFixedNoReplace)) {
        if (addr % kPageSize) return -EINVAL;
        if (addr < kLowestMapping) return -EPERM;  // below mmap_min_addr, as Linux
        if ((flags & kFixedNoReplace) && !p_.mem_.isFree(addr, len)) return -EEXIST;
        if (!p_.mem_.mapFixed(addr, len, kProtRead | kProtWrite, name)) return -ENOMEM;
        where = addr;
    } else {
        auto a = p_.mem_.mapAnywhere(len, kProtRead | kProtWrite, name, pageDown(addr));
        if (!a) return -ENOMEM;
        where = *a;
    }
    if (file) {
        // A private copy of the file's bytes (the app image never changes under the app).
        const std::int64_t saved = file->seek(0, 1);
        std::vector<std::uint8_t> data(len);
        std::int64_t got = file->seek(static_cast<std::int64_t>(offset), 0) >= 0 ? file->read(data) : -EIO;
        file->seek(saved, 0);
        if (got < 0) {
            p_.mem_.unmap(where, len);
            return got;
        }
        p_.mem_.write(where, data.data(), static_cast<std::size_t>(got), true);
    }
    p_.mem_.protect(where, len, prot & 7);
    if (gen != p_.mem_.codeGeneration()) p_.core_.flushCode();
    return where;
}

std::int64_t Syscalls::sysMunmap(std::uint32_t addr, std::uint32_t len) {
    if ((addr % kPageSize) || len == 0) return -EINVAL;
    const std::uint64_t gen = p_.mem_.codeGeneration();
    p_.mem_.unmap(addr, len);
    if (gen != p_.mem_.codeGeneration()) p_.core_.flushCode();
    return 0;
}

std::int64_t Syscalls::sysMprotect(std::uint32_t addr, std::uint32_t len, std::uint32_t prot) {
    if (addr % kPageSize) return -EINVAL;
    const std::uint64_t gen = p_.mem_.codeGeneration();
    if (!p_.mem_.protect(addr, len, prot & 7)) return -ENOMEM;
    if (gen != p_.mem_.codeGeneration()) p_.core_.flushCode();
    return 0;
}

std::int64_t Syscalls::sysMremap(std::uint32_t old_addr, std::uint32_t old_size, std::uint32_t new_size,
                                 std::uint32_t flags, std::uint32_t new_addr) {
    const std::uint64_t gen = p_.mem_.codeGeneration();
    const std::int64_t r = remap(old_addr, old_size, new_size, flags, new_addr);
    if (gen != p_.mem_.codeGeneration()) p_.core_.flushCode();  // executable pages moved or shrank
    return r;
}

std::int64_t Syscalls::remap(std::uint32_t old_addr, std::uint32_t old_size, std::uint32_t new_size,
                             std::uint32_t flags, std::uint32_t) {
    constexpr std::uint32_t kMayMove = 1, kFixed = 2;
    if ((old_addr % kPageSize) || new_size == 0 || (flags & kFixed)) return -EINVAL;
    auto info = p_.mem_.find(old_addr);
    if (!info || !p_.mem_.isMapped(old_addr, old_size)) return -EFAULT;
    old_size = static_cast<std::uint32_t>(pageUp(old_size));
    new_size = static_cast<std::uint32_t>(pageUp(new_size));
    if (new_size <= old_size) {
        p_.mem_.unmap(old_addr + new_size, old_size - new_size);
        return old_addr;
    }
    const std::uint32_t grow = new_size - old_size;
    if (std::uint64_t{old_addr} + new_size <= kMmapTop && p_.mem_.isFree(old_addr + old_size, grow)) {
        if (!p_.mem_.mapFixed(old_addr + old_size, grow, info->prot, info->name)) return -ENOMEM;
        return old_addr;
    }
    if (!(flags & kMayMove)) return -ENOMEM;
    auto to = p_.mem_.mapAnywhere(new_size, kProtRead | kProtWrite, info->name);
    if (!to) return -ENOMEM;
    std::vector<std::uint8_t> tmp(old_size);
    p_.mem_.read(old_addr, tmp.data(), old_size);
    p_.mem_.write(*to, tmp.data(), old_size, true);
    p_.mem_.protect(*to, new_size, info->prot);
    p_.mem_.unmap(old_addr, old_size);
    return *to;
}

std::int64_t Syscalls::sysMadvise(std::uint32_t addr, std::uint32_t len, int advice) {
    constexpr int kDontNeed = 4, kFree = 8;
    if (addr % kPageSize) return -EINVAL;
    if (advice == kDontNeed || advice == kFree) {
        // Private anonymous pages read back as zero afterwards, as on Linux.
        if (!p_.mem_.discard(addr, len)) return -ENOMEM;
    }
    return 0;
}

}  // namespace mt3620::os
