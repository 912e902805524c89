// Time, sleep, poll, epoll, timerfd and eventfd system calls of the emulated OS (see Syscalls.h).
#include <cstring>

#include "os/Epoll.h"
#include "os/EventFiles.h"
#include "os/GuestClock.h"
#include "os/HlProcess.h"
#include "os/Syscalls.h"

namespace mt3620::os {

namespace {
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kInvalid = -1;  // readTimespec: tv_nsec out of range or tv_sec negative
}  // namespace

std::optional<std::int64_t> Syscalls::readTimespec(std::uint32_t addr, bool time64) {
    std::int64_t sec, nsec;
    if (time64) {
        std::int64_t v[2];
        if (!p_.mem_.read(addr, v, sizeof v)) return std::nullopt;
        sec = v[0];
        nsec = static_cast<std::int32_t>(v[1]);  // a 32-bit process: the kernel uses the low half
    } else {
        std::int32_t v[2];
        if (!p_.mem_.read(addr, v, sizeof v)) return std::nullopt;
        sec = v[0];
        nsec = v[1];
    }
    if (sec < 0 || nsec < 0 || nsec >= kNanosPerSecond || sec > INT64_MAX / kNanosPerSecond - 1) return kInvalid;
    return sec * kNanosPerSecond + nsec;
}

bool Syscalls::writeTimespec(std::uint32_t addr, std::int64_t ns, bool time64) {
    if (time64) {
        std::int64_t v[2] = {ns / kNanosPerSecond, ns % kNanosPerSecond};
        return p_.mem_.write(addr, v, sizeof v);
    }
    std::int32_t v[2] = {static_cast<std::int32_t>(ns / kNanosPerSecond), static_cast<std::int32_t>(ns % kNanosPerSecond)};
    return p_.mem_.write(addr, v, sizeof v);
}

bool Syscalls::timedOut() const {
    return wait_deadline_ && *wait_deadline_ != kNever && p_.scheduler_.now() >= *wait_deadline_;
}

Picos Syscalls::deadlineAfter(Picos timeout) {
    if (wait_deadline_) return *wait_deadline_;
    const Picos now = p_.scheduler_.now();
    return timeout >= kNever - now ? kNever : now + timeout;
}

std::int64_t Syscalls::waitForIo(Picos deadline) {
    if (!wait_deadline_) wait_deadline_ = deadline;
    if (timedOut()) return 0;
    waiting_io_ = true;
    p_.core_.restartSyscall();
    p_.core_.sleepUntil(*wait_deadline_);
    if (*wait_deadline_ == kNever && p_.fds_.open().empty())
        p_.log_.warn("a7", "the app waits with no file that could wake it");
    return kBlocked;
}

// --- clocks and sleep ------------------------------------------------------------------------

std::int64_t Syscalls::sysClockGettime(std::uint32_t clock, std::uint32_t ts, bool time64) {
    auto ns = clockNanos(clock, p_.scheduler_.now(), cpuTime());
    if (!ns) return -EINVAL;
    return writeTimespec(ts, *ns, time64) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sysClockGetres(std::uint32_t clock, std::uint32_t ts, bool time64) {
    if (!clockNanos(clock, 0, 0)) return -EINVAL;
    if (!ts) return 0;
    return writeTimespec(ts, 1, time64) ? 0 : -EFAULT;  // virtual time resolves single nanoseconds
}

std::int64_t Syscalls::sysGettimeofday(std::uint32_t tv, std::uint32_t tz) {
    const std::int64_t ns = *clockNanos(kClockRealtime, p_.scheduler_.now(), 0);
    if (tv) {
        std::int32_t v[2] = {static_cast<std::int32_t>(ns / kNanosPerSecond),
                             static_cast<std::int32_t>((ns % kNanosPerSecond) / 1000)};
        if (!p_.mem_.write(tv, v, sizeof v)) return -EFAULT;
    }
    if (tz) {
        std::int32_t z[2] = {0, 0};  // UTC
        if (!p_.mem_.write(tz, z, sizeof z)) return -EFAULT;
    }
    return 0;
}

std::int64_t Syscalls::sysNanosleep(std::uint32_t req, std::uint32_t rem) {
    return sysClockNanosleep(kClockMonotonic, 0, req, rem, false);
}

std::int64_t Syscalls::sysClockNanosleep(std::uint32_t clock, int flags, std::uint32_t req, std::uint32_t rem, bool time64) {
    constexpr int kTimerAbstime = 1;
    if (clock == kClockThreadCputime) return -EINVAL;
    if (!clockNanos(clock, 0, 0)) return -EINVAL;
    auto ns = readTimespec(req, time64);
    if (!ns) return -EFAULT;
    if (*ns == kInvalid) return -EINVAL;
    const Picos now = p_.scheduler_.now();
    Picos until = (flags & kTimerAbstime) ? virtualTimeOf(clock, *ns) : now + static_cast<Picos>(*ns) * kPicosPerNano;
    // The call completes now (nothing interrupts it: no signal is delivered) and the core
    // sleeps like WFI until the deadline: the app sees time pass, no instruction runs.
    if (until > now) p_.core_.sleepUntil(until);
    return 0;
}

// --- eventfd, timerfd, epoll, poll -----------------------------------------------------------

std::int64_t Syscalls::sysEventfd2(std::uint32_t initval, std::uint32_t flags) {
    constexpr std::uint32_t kSemaphore = 1;
    if (flags & ~(kOCloExec | kONonBlock | kSemaphore)) return -EINVAL;
    return installFile(std::make_shared<EventFd>(initval, (flags & kSemaphore) != 0, nextAnonId()), flags);
}

std::int64_t Syscalls::sysTimerfdCreate(std::uint32_t clock, std::uint32_t flags) {
    if (clock != kClockRealtime && clock != kClockMonotonic && clock != kClockBoottime &&
        clock != kClockRealtimeAlarm && clock != kClockBoottimeAlarm)
        return -EINVAL;
    if (flags & ~(kOCloExec | kONonBlock)) return -EINVAL;
    return installFile(std::make_shared<TimerFd>(p_.scheduler_, clock, nextAnonId()), flags);
}

std::int64_t Syscalls::sysTimerfdSettime(int fd, int flags, std::uint32_t new_value, std::uint32_t old_value, bool time64) {
    constexpr int kAbstime = 1, kCancelOnSet = 2;
    auto* t = dynamic_cast<TimerFd*>(p_.fds_.get(fd));
    if (!p_.fds_.get(fd)) return -EBADF;
    if (!t) return -EINVAL;
    if (flags & ~(kAbstime | kCancelOnSet)) return -EINVAL;
    const std::uint32_t ts_size = time64 ? 16 : 8;
    auto interval = readTimespec(new_value, time64);
    auto value = readTimespec(new_value + ts_size, time64);
    if (!interval || !value) return -EFAULT;
    if (*interval == kInvalid || *value == kInvalid) return -EINVAL;
    TimerFd::Setting old = t->set(*value, *interval, (flags & kAbstime) != 0);
    if (old_value && (!writeTimespec(old_value, old.interval_ns, time64) ||
                      !writeTimespec(old_value + ts_size, old.value_ns, time64)))
        return -EFAULT;
    return 0;
}

std::int64_t Syscalls::sysTimerfdGettime(int fd, std::uint32_t cur, bool time64) {
    auto* t = dynamic_cast<TimerFd*>(p_.fds_.get(fd));
    if (!p_.fds_.get(fd)) return -EBADF;
    if (!t) return -EINVAL;
    TimerFd::Setting s = t->get();
    const std::uint32_t ts_size = time64 ? 16 : 8;
    if (!writeTimespec(cur, s.interval_ns, time64) || !writeTimespec(cur + ts_size, s.value_ns, time64)) return -EFAULT;
    return 0;
}

std::int64_t Syscalls::sysEpollCreate(std::uint32_t flags) {
    if (flags & ~kOCloExec) return -EINVAL;
    return installFile(std::make_shared<Epoll>(nextAnonId()), flags);
}

std::int64_t Syscalls::sysEpollCtl(int epfd, int op, int fd, std::uint32_t event) {
    constexpr int kAdd = 1, kDel = 2, kMod = 3;
    auto* ep = dynamic_cast<Epoll*>(p_.fds_.get(epfd));
    auto file = p_.fds_.shared(fd);
    if (!p_.fds_.get(epfd) || !file) return -EBADF;
    if (!ep || epfd == fd) return -EINVAL;
    if ((file->stat().mode & kModeTypeMask) == kModeReg || (file->stat().mode & kModeTypeMask) == kModeDir)
        return -EPERM;  // regular files and directories cannot be polled by epoll
    Epoll::Event ev{0, 0};
    if (op != kDel) {
        // struct epoll_event on ARM EABI: events (4), padding (4), data (8).
        std::uint32_t raw[4];
        if (!p_.mem_.read(event, raw, sizeof raw)) return -EFAULT;
        ev.events = raw[0];
        ev.data = std::uint64_t{raw[2]} | (std::uint64_t{raw[3]} << 32);
    }
    switch (op) {
        case kAdd: return ep->add(fd, file, ev);
        case kMod: return ep->modify(fd, file.get(), ev);
        case kDel: return ep->remove(fd, file.get());
        default: return -EINVAL;
    }
}

std::int64_t Syscalls::sysEpollWait(int epfd, std::uint32_t events, int max, int timeout_ms) {
    auto* ep = dynamic_cast<Epoll*>(p_.fds_.get(epfd));
    if (!p_.fds_.get(epfd)) return -EBADF;
    if (!ep || max <= 0 || max > 65536) return -EINVAL;
    if (!p_.mem_.isMapped(events, static_cast<std::uint32_t>(max) * 16, kProtWrite)) return -EFAULT;
    auto ready = ep->ready(static_cast<std::size_t>(max));
    if (!ready.empty()) {
        for (std::size_t k = 0; k < ready.size(); ++k) {
            std::uint32_t raw[4] = {ready[k].events, 0, static_cast<std::uint32_t>(ready[k].data),
                                    static_cast<std::uint32_t>(ready[k].data >> 32)};
            p_.mem_.write(events + static_cast<std::uint32_t>(k) * 16, raw, sizeof raw);
        }
        return static_cast<std::int64_t>(ready.size());
    }
    if (timeout_ms == 0 || timedOut()) return 0;
    return waitForIo(timeout_ms < 0 ? kNever : deadlineAfter(Picos(timeout_ms) * kPicosPerMilli));
}

std::int64_t Syscalls::sysPoll(std::uint32_t fds, std::uint32_t nfds, std::optional<Picos> timeout) {
    if (nfds > FdTable::kMaxFds) return -EINVAL;
    std::vector<std::uint8_t> raw(nfds * 8);
    if (nfds && !p_.mem_.read(fds, raw.data(), raw.size())) return -EFAULT;
    int count = 0;
    for (std::uint32_t k = 0; k < nfds; ++k) {
        std::int32_t fd;
        std::uint16_t want, got = 0;
        std::memcpy(&fd, &raw[k * 8], 4);
        std::memcpy(&want, &raw[k * 8 + 4], 2);
        if (fd >= 0) {
            GuestFile* f = p_.fds_.get(fd);
            got = f ? static_cast<std::uint16_t>(f->pollEvents() & (want | kPollErr | kPollHup)) : 0x20 /* POLLNVAL */;
        }
        std::memcpy(&raw[k * 8 + 6], &got, 2);
        if (got) ++count;
    }
    if (count || (timeout && *timeout == 0) || timedOut()) {
        if (nfds && !p_.mem_.write(fds, raw.data(), raw.size())) return -EFAULT;
        return count;
    }
    return waitForIo(timeout ? deadlineAfter(*timeout) : kNever);
}

std::int64_t Syscalls::sysPpoll(std::uint32_t fds, std::uint32_t nfds, std::uint32_t ts, bool time64) {
    std::optional<Picos> timeout;
    if (ts) {
        auto ns = readTimespec(ts, time64);
        if (!ns) return -EFAULT;
        if (*ns == kInvalid) return -EINVAL;
        timeout = static_cast<Picos>(*ns) * kPicosPerNano;
    }
    return sysPoll(fds, nfds, timeout);
}

}  // namespace mt3620::os
