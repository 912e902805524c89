#include "pluton/LiveErrorReports.h"

#include <system_error>
#include <utility>

namespace mt3620::pluton {

LiveErrorReports::LiveErrorReports(ErrorReports store, std::chrono::milliseconds interval)
    : store_(std::move(store)), interval_(interval) {}

LiveErrorReports::~LiveErrorReports() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (writer_.joinable()) writer_.join();
    else flush();  // no writer thread could be started: write here
}

void LiveErrorReports::note(const ErrorReport& report, const std::string& key) {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = index_.try_emplace({report.event, report.core, key}, entries_.size());
    if (fresh) {
        entries_.push_back({report, 0, 0});
        entries_.back().report.count = 1;
    } else {
        ++entries_[it->second].report.count;
        if (counts_changed_) return;  // the writer already knows: no wake-up per repeat
        counts_changed_ = true;
    }
    if (!writer_.joinable()) {
        try {
            writer_ = std::thread(&LiveErrorReports::writerLoop, this);
        } catch (const std::system_error&) {
            return;  // no thread: flush() and the destructor write in the caller's thread
        }
    }
    wake_.notify_one();
}

void LiveErrorReports::flush() {
    std::unique_lock lock(mutex_);
    if (!writer_.joinable()) {
        createNew(lock);
        updateCounts(lock);
        return;
    }
    const std::uint64_t ticket = ++flush_wanted_;
    wake_.notify_one();
    done_.wait(lock, [&] { return flush_done_ >= ticket; });
}

void LiveErrorReports::writerLoop() {
    std::unique_lock lock(mutex_);
    Clock::time_point next_update = Clock::now() + interval_;  // no rewrite before one interval
    for (;;) {
        createNew(lock);
        const bool flushing = stopping_ || flush_done_ != flush_wanted_;
        if (counts_changed_ && (flushing || Clock::now() >= next_update)) {
            updateCounts(lock);
            next_update = Clock::now() + interval_;
            continue;  // more may have been noted while the lock was free
        }
        if (flushing && created_ == entries_.size()) {
            flush_done_ = flush_wanted_;
            done_.notify_all();
            if (stopping_) return;
        }
        if (counts_changed_) wake_.wait_until(lock, next_update);
        else wake_.wait(lock);
    }
}

void LiveErrorReports::createNew(std::unique_lock<std::mutex>& lock) {
    while (created_ < entries_.size()) {
        const std::size_t i = created_;
        ErrorReport report = entries_[i].report;  // a copy: entries_ may grow while unlocked
        const std::uint64_t count = report.count;
        lock.unlock();
        const std::uint64_t sequence = store_.record(std::move(report));
        lock.lock();
        entries_[i].sequence = sequence;
        entries_[i].written = count;
        created_ = i + 1;
        if (entries_[i].report.count != count) counts_changed_ = true;
    }
}

void LiveErrorReports::updateCounts(std::unique_lock<std::mutex>& lock) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> updates;  // (sequence, count)
    for (std::size_t i = 0; i < created_; ++i) {
        Entry& e = entries_[i];
        if (e.sequence == 0 || e.written == e.report.count) continue;
        updates.emplace_back(e.sequence, e.report.count);
        e.written = e.report.count;
    }
    counts_changed_ = false;
    lock.unlock();
    for (const auto& [sequence, count] : updates) store_.updateCount(sequence, count);
    lock.lock();
}

}  // namespace mt3620::pluton
