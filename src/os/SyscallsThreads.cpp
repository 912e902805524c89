// Threads: clone (as pthread_create makes them), futex, thread exit, set_tid_address
// (docs/hl-apps.md "Threads"). The scheduling itself is HlThreads.
#include <unicorn/unicorn.h>

#include "os/GuestClock.h"
#include "os/HlProcess.h"
#include "os/SyscallNames.h"
#include "os/Syscalls.h"

namespace mt3620::os {

namespace {
// clone flags (include/uapi/linux/sched.h)
constexpr std::uint32_t kCloneVm = 0x100, kCloneSighand = 0x800,
                        kCloneVfork = 0x4000, kCloneThread = 0x10000, kCloneSettls = 0x80000,
                        kCloneParentSettid = 0x100000, kCloneChildCleartid = 0x200000,
                        kCloneChildSettid = 0x1000000;
// futex operations (include/uapi/linux/futex.h)
constexpr int kFutexWait = 0, kFutexWake = 1, kFutexRequeue = 3, kFutexCmpRequeue = 4, kFutexWaitBitset = 9,
              kFutexWakeBitset = 10, kFutexPrivate = 128, kFutexClockRealtime = 256;
constexpr std::uint32_t kBitsetAll = 0xffffffff;
}  // namespace

std::int64_t Syscalls::notOnAzureSphere(std::uint32_t number) {
    if (reported_unknown_.insert(number).second)
        p_.log_.warn("a7", "{}: creating processes is not supported on Azure Sphere: returning -ENOSYS",
                     syscallName(number));
    return -ENOSYS;
}

std::int64_t Syscalls::sysClone(const Args& a) {
    // ARM EABI argument order: flags, stack, parent_tid, tls, child_tid.
    const std::uint32_t flags = a[0], stack = a[1], ptid = a[2], tls = a[3], ctid = a[4];
    constexpr std::uint32_t kThread = kCloneVm | kCloneSighand | kCloneThread;
    if ((flags & kThread) != kThread || (flags & kCloneVfork)) {
        // fork, vfork or posix_spawn through clone: a new process.
        return notOnAzureSphere(120);
    }
    if (stack == 0) return -EINVAL;  // a thread sharing its parent's stack could not return
    const int tid = threads_.spawn(stack, (flags & kCloneSettls) ? std::optional<std::uint32_t>(tls) : std::nullopt,
                                   (flags & kCloneChildCleartid) ? ctid : 0);
    if ((flags & kCloneParentSettid) && !p_.mem_.writeValue<std::int32_t>(ptid, tid)) return -EFAULT;
    if ((flags & kCloneChildSettid) && !p_.mem_.writeValue<std::int32_t>(ctid, tid)) return -EFAULT;
    return tid;
}

std::int64_t Syscalls::sysSetTidAddress(std::uint32_t addr) {
    threads_.setClearTid(addr);
    return threads_.currentTid();
}

std::int64_t Syscalls::sysExitThread(int code) {
    if (threads_.count() == 1) return sysExit(code);  // the last thread: the process ends
    // CLONE_CHILD_CLEARTID: zero the thread id word and wake one waiter (pthread_join).
    if (const std::uint32_t ctid = threads_.clearTid()) {
        if (p_.mem_.writeValue<std::uint32_t>(ctid, 0)) threads_.wakeFutex(ctid, kBitsetAll, 1);
    }
    threads_.exitCurrent();
    return kNoReturn;
}

std::int64_t Syscalls::sysFutex(const Args& a, bool time64) {
    const std::uint32_t uaddr = a[0], val = a[2], timeout = a[3], uaddr2 = a[4], val3 = a[5];
    const int op = static_cast<int>(a[1]);
    const int cmd = op & ~(kFutexPrivate | kFutexClockRealtime);
    if (uaddr % 4) return -EINVAL;
    switch (cmd) {
        case kFutexWake: return threads_.wakeFutex(uaddr, kBitsetAll, static_cast<int>(std::min<std::uint32_t>(val, INT32_MAX)));
        case kFutexWakeBitset:
            if (val3 == 0) return -EINVAL;
            return threads_.wakeFutex(uaddr, val3, static_cast<int>(std::min<std::uint32_t>(val, INT32_MAX)));
        case kFutexRequeue:
        case kFutexCmpRequeue: {
            // val2 (how many to move) comes in the timeout argument's register.
            if (cmd == kFutexCmpRequeue) {
                auto cur = p_.mem_.readValue<std::uint32_t>(uaddr);
                if (!cur) return -EFAULT;
                if (*cur != val3) return -EAGAIN;
            }
            if (uaddr2 % 4) return -EINVAL;
            return threads_.wakeFutex(uaddr, kBitsetAll, static_cast<int>(std::min<std::uint32_t>(val, INT32_MAX)),
                                      static_cast<int>(std::min<std::uint32_t>(timeout, INT32_MAX)), uaddr2);
        }
        case kFutexWait:
        case kFutexWaitBitset: {
            const std::uint32_t bitset = cmd == kFutexWait ? kBitsetAll : val3;
            if (bitset == 0) return -EINVAL;
            auto cur = p_.mem_.readValue<std::uint32_t>(uaddr);
            if (!cur) return -EFAULT;
            if (*cur != val) return -EAGAIN;
            Picos deadline = kNever;
            const Picos now = p_.scheduler_.now();
            if (timeout) {
                auto ns = readTimespec(timeout, time64);
                if (!ns) return -EFAULT;
                if (*ns < 0) return -EINVAL;
                // FUTEX_WAIT: relative; FUTEX_WAIT_BITSET: absolute on CLOCK_MONOTONIC or REALTIME.
                if (cmd == kFutexWait)
                    deadline = static_cast<Picos>(*ns) >= (kNever - now) / kPicosPerNano ? kNever
                                                                                        : now + static_cast<Picos>(*ns) * kPicosPerNano;
                else
                    deadline = virtualTimeOf((op & kFutexClockRealtime) ? kClockRealtime : kClockMonotonic, *ns);
                if (deadline <= now) return -ETIMEDOUT;
            } else if (threads_.count() == 1) {
                // Nothing could ever wake it.
                p_.kill(6, "futex wait with no other thread to wake it (deadlock)");
                return kNoReturn;
            }
            threads_.blockOnFutex(uaddr, bitset, deadline);
            return kBlocked;
        }
        default: return -ENOSYS;
    }
}

}  // namespace mt3620::os
