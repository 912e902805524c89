#pragma once
// One event queue for the whole machine. Peripherals own EventTimers (like QEMU's QEMUTimer):
// created once with their callback, then armed and cancelled without allocating. The machine
// fires due timers between core quanta, in deadline order, ties broken by arming order, so
// runs are deterministic.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/Log.h"
#include "common/VirtualTime.h"

namespace mt3620 {

class Scheduler;

class EventTimer {
public:
    EventTimer(Scheduler& scheduler, std::string name, std::function<void()> callback);
    ~EventTimer();
    EventTimer(const EventTimer&) = delete;
    EventTimer& operator=(const EventTimer&) = delete;

    void armAt(Picos deadline);
    void armAfter(Picos delay);
    void cancel();
    bool armed() const { return armed_; }
    Picos deadline() const { return deadline_; }
    const std::string& name() const { return name_; }

private:
    friend class Scheduler;
    Scheduler& scheduler_;
    std::string name_;
    std::function<void()> callback_;
    Picos deadline_ = kNever;
    std::uint64_t sequence_ = 0;
    bool armed_ = false;
};

class Scheduler : public TimeSource {
public:
    /// The current virtual time: while a core executes, that core's own time (so a timer
    /// register read mid-quantum sees time advance); otherwise the machine time.
    Picos now() const override { return local_ ? local_->now() : now_; }

    /// The machine time at the last quantum boundary or fired event.
    Picos machineTime() const { return now_; }

    /// Earliest armed deadline, or kNever.
    Picos nextDeadline() const;

    /// Advances machine time to `t` (never backwards), firing every timer due at or before it.
    void advanceTo(Picos t);

    /// While a core runs, now() asks it; pass nullptr when it stops.
    void setLocalTime(const TimeSource* source) { local_ = source; }

    /// Called when a timer is armed earlier than the deadline the running core was given,
    /// so the core can stop in time. Set by the Machine.
    void setDeadlineListener(std::function<void(Picos)> listener) { listener_ = std::move(listener); }

private:
    friend class EventTimer;
    void add(EventTimer* timer);
    void remove(EventTimer* timer);

    Picos now_ = 0;
    const TimeSource* local_ = nullptr;
    std::uint64_t next_sequence_ = 0;
    std::vector<EventTimer*> armed_;  // small (one entry per armed timer); scanned linearly
    std::function<void(Picos)> listener_;
};

}  // namespace mt3620
