#include "os/EventFiles.h"

#include <cstring>

#include "os/GuestClock.h"

namespace mt3620::os {

std::int64_t EventFd::read(std::span<std::uint8_t> out) {
    if (out.size() < 8) return -EINVAL;
    if (count_ == 0) return -EAGAIN;
    std::uint64_t v = semaphore_ ? 1 : count_;
    count_ -= v;
    std::memcpy(out.data(), &v, 8);
    return 8;
}

std::int64_t EventFd::write(std::span<const std::uint8_t> in) {
    if (in.size() < 8) return -EINVAL;
    std::uint64_t v;
    std::memcpy(&v, in.data(), 8);
    if (v == ~std::uint64_t{0}) return -EINVAL;
    if (~std::uint64_t{0} - 1 - count_ < v) return -EAGAIN;
    count_ += v;
    return 8;
}

std::uint32_t EventFd::pollEvents() const {
    std::uint32_t ev = 0;
    if (count_) ev |= kPollIn | kPollRdNorm;
    if (count_ < ~std::uint64_t{0} - 1) ev |= kPollOut | kPollWrNorm;
    return ev;
}

TimerFd::TimerFd(Scheduler& scheduler, std::uint32_t clock, std::uint64_t id)
    : scheduler_(scheduler), clock_(clock), id_(id), timer_(scheduler, "a7 timerfd", [this] { expire(); }) {}

void TimerFd::expire() {
    ++expirations_;
    if (interval_) timer_.armAt(timer_.deadline() + interval_);
    notifyReadiness();
}

TimerFd::Setting TimerFd::get() const {
    Setting s;
    s.interval_ns = static_cast<std::int64_t>(interval_ / kPicosPerNano);
    if (timer_.armed()) {
        const Picos now = scheduler_.now();
        const Picos left = timer_.deadline() > now ? timer_.deadline() - now : 0;
        s.value_ns = std::max<std::int64_t>(1, static_cast<std::int64_t>((left + kPicosPerNano - 1) / kPicosPerNano));
    }
    return s;
}

TimerFd::Setting TimerFd::set(std::int64_t value_ns, std::int64_t interval_ns, bool absolute) {
    Setting old = get();
    timer_.cancel();
    expirations_ = 0;
    interval_ = static_cast<Picos>(std::max<std::int64_t>(interval_ns, 0)) * kPicosPerNano;
    if (value_ns > 0) {
        const Picos now = scheduler_.now();
        Picos at = absolute ? virtualTimeOf(clock_, value_ns) : now + static_cast<Picos>(value_ns) * kPicosPerNano;
        timer_.armAt(std::max(at, now));
    }
    return old;
}

std::int64_t TimerFd::read(std::span<std::uint8_t> out) {
    if (out.size() < 8) return -EINVAL;
    if (expirations_ == 0) return -EAGAIN;
    std::memcpy(out.data(), &expirations_, 8);
    expirations_ = 0;
    return 8;
}

}  // namespace mt3620::os
