#pragma once
// Error reports of a running machine (docs/security.md, "Error reporting"), on disk while it
// runs, so that a run killed with SIGKILL keeps them.
//
// The machine's thread only notes an event: a look-up under a mutex, no file I/O. A writer
// thread of this object does the writing: the first occurrence of an event (same kind, core and
// key) becomes a report at once, in the order noted; a repeat only raises that report's count,
// which the writer rewrites at most once per `interval` of real time, and at flush(). So a denial
// in a tight loop costs one file, and after a SIGKILL the device lists every event, with a count
// at most `interval` behind.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "pluton/ErrorReports.h"

namespace mt3620::pluton {

class LiveErrorReports {
public:
    static constexpr std::chrono::milliseconds kDefaultInterval{250};

    explicit LiveErrorReports(ErrorReports store, std::chrono::milliseconds interval = kDefaultInterval);
    /// Writes what is still pending (flush()), then the writer ends.
    ~LiveErrorReports();
    LiveErrorReports(const LiveErrorReports&) = delete;
    LiveErrorReports& operator=(const LiveErrorReports&) = delete;

    /// Notes one occurrence of an event. The first with this (report.event, report.core, key)
    /// becomes `report` (its count 1, raised by each repeat); later ones only count. Returns at
    /// once; the writer thread starts with the first event.
    void note(const ErrorReport& report, const std::string& key);
    /// Returns when every event noted so far is on disk with its current count.
    void flush();

private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        ErrorReport report;         // count = occurrences noted so far
        std::uint64_t written = 0;  // the count on disk
        std::uint64_t sequence = 0; // 0 until created (or when recording failed)
    };
    void writerLoop();
    /// Creates the reports noted since the last call (lock held on entry and exit).
    void createNew(std::unique_lock<std::mutex>& lock);
    /// Rewrites the counts that changed (lock held on entry and exit).
    void updateCounts(std::unique_lock<std::mutex>& lock);

    const ErrorReports store_;
    const std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;  // the writer: something to do
    std::condition_variable done_;  // flush(): the writer caught up
    std::map<std::tuple<ErrorEvent, std::string, std::string>, std::size_t> index_;  // -> entries_
    std::vector<Entry> entries_;    // in the order first noted
    std::size_t created_ = 0;       // entries_[0, created_) have been recorded
    bool counts_changed_ = false;   // a created entry's count is ahead of the disk
    std::uint64_t flush_wanted_ = 0, flush_done_ = 0;
    bool stopping_ = false;
    std::thread writer_;
};

}  // namespace mt3620::pluton
