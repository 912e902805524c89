#include "machine/Scheduler.h"

#include <algorithm>

namespace mt3620 {

EventTimer::EventTimer(Scheduler& scheduler, std::string name, std::function<void()> callback)
    : scheduler_(scheduler), name_(std::move(name)), callback_(std::move(callback)) {}

EventTimer::~EventTimer() { cancel(); }

void EventTimer::armAt(Picos deadline) {
    if (armed_) scheduler_.remove(this);
    deadline_ = deadline;
    armed_ = true;
    scheduler_.add(this);
}

void EventTimer::armAfter(Picos delay) {
    Picos now = scheduler_.now();
    armAt(delay >= kNever - now ? kNever : now + delay);
}

void EventTimer::cancel() {
    if (!armed_) return;
    scheduler_.remove(this);
    armed_ = false;
    deadline_ = kNever;
}

void Scheduler::add(EventTimer* timer) {
    timer->sequence_ = next_sequence_++;
    armed_.push_back(timer);
    if (listener_) listener_(timer->deadline_);
}

void Scheduler::remove(EventTimer* timer) {
    auto it = std::find(armed_.begin(), armed_.end(), timer);
    if (it != armed_.end()) armed_.erase(it);
}

Picos Scheduler::nextDeadline() const {
    Picos best = kNever;
    for (const EventTimer* t : armed_) best = std::min(best, t->deadline_);
    return best;
}

void Scheduler::advanceTo(Picos t) {
    for (;;) {
        EventTimer* due = nullptr;
        for (EventTimer* timer : armed_) {
            if (timer->deadline_ > t) continue;
            if (!due || timer->deadline_ < due->deadline_ ||
                (timer->deadline_ == due->deadline_ && timer->sequence_ < due->sequence_))
                due = timer;
        }
        if (!due) break;
        now_ = std::max(now_, due->deadline_);
        remove(due);
        due->armed_ = false;
        due->callback_();  // may re-arm itself or others
    }
    now_ = std::max(now_, t);
}

}  // namespace mt3620
