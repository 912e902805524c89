#pragma once
// Event GuestFiles: eventfd (a 64-bit counter) and timerfd (a virtual-time timer whose
// expirations are read as a 64-bit count), the building blocks of Azure Sphere's EventLoop.
#include <memory>

#include "machine/Scheduler.h"
#include "os/GuestFile.h"

namespace mt3620::os {

class EventFd : public GuestFile {
public:
    EventFd(std::uint64_t initial, bool semaphore, std::uint64_t id) : count_(initial), semaphore_(semaphore), id_(id) {}
    std::int64_t read(std::span<std::uint8_t> out) override;
    std::int64_t write(std::span<const std::uint8_t> in) override;
    std::uint32_t pollEvents() const override;
    GuestStat stat() const override { return anonInodeStat(id_); }
    std::string describe() const override { return "anon_inode:[eventfd]"; }

private:
    std::uint64_t count_;
    bool semaphore_;
    std::uint64_t id_;
};

class TimerFd : public GuestFile {
public:
    TimerFd(Scheduler& scheduler, std::uint32_t clock, std::uint64_t id);
    /// timerfd_settime: value/interval in nanoseconds; `absolute` (TFD_TIMER_ABSTIME) means
    /// `value` is a time on the timer's clock. value 0 disarms. Returns the old setting.
    struct Setting {
        std::int64_t value_ns = 0;     // time to the next expiry (0: disarmed)
        std::int64_t interval_ns = 0;
    };
    Setting set(std::int64_t value_ns, std::int64_t interval_ns, bool absolute);
    Setting get() const;

    std::int64_t read(std::span<std::uint8_t> out) override;
    std::uint32_t pollEvents() const override { return expirations_ ? kPollIn | kPollRdNorm : 0; }
    GuestStat stat() const override { return anonInodeStat(id_); }
    std::string describe() const override { return "anon_inode:[timerfd]"; }

private:
    void expire();
    Scheduler& scheduler_;
    std::uint32_t clock_;
    std::uint64_t id_;
    EventTimer timer_;
    Picos interval_ = 0;
    std::uint64_t expirations_ = 0;
};

}  // namespace mt3620::os
