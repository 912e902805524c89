#pragma once
// Threads of the A7 app (clone with CLONE_THREAD, as musl's pthread_create makes them): several
// register contexts on the one A7 engine, like a single-CPU kernel. A context is the engine's
// whole CPU state (r0-r15, CPSR, VFP/NEON d0-d31 and FPSCR, TPIDRURO), saved and restored
// with uc_context_save/restore.
//
// Scheduling is deterministic: it depends only on virtual time and the app's own actions.
// The running thread keeps the core until it blocks (futex wait, sleep, a wait for file
// readiness), yields, exits, or has run a time slice (kSlice instructions) while another
// thread is ready; the next thread is the first ready one after it in creation order. When no
// thread is ready the core sleeps until the earliest deadline of a blocked thread (or until a
// file's readiness changes); it then runs the threads whose wait ended.
//
// The blocking syscalls written for one thread keep working: they put the core to sleep (and
// rewind a wait for readiness to its SVC); afterSyscall() turns that into "this thread is
// blocked" and runs another thread if one is ready. The waiting call's state (Syscalls'
// waiting-for-I/O flag and deadline) belongs to the loaded thread and is saved with it.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/VirtualTime.h"

struct uc_context;

namespace mt3620 {
class CortexA7;
class Log;
class Scheduler;
}  // namespace mt3620

namespace mt3620::os {

/// The state of a blocking syscall in progress that belongs to the loaded thread.
struct SyscallWait {
    bool& waiting_io;
    std::optional<Picos>& deadline;
};

class HlThreads {
public:
    static constexpr std::uint64_t kSlice = 500'000;  // instructions: 1 ms at 500 MHz
    static constexpr int kMainTid = 1;                // also the process id the app sees

    HlThreads(CortexA7& core, Scheduler& scheduler, Log& log, SyscallWait wait);
    ~HlThreads();
    HlThreads(const HlThreads&) = delete;
    HlThreads& operator=(const HlThreads&) = delete;

    int currentTid() const;
    std::size_t count() const { return threads_.size(); }

    /// A new thread that starts at the current thread's state (PC after the SVC) with r0 = 0,
    /// sp = `stack` and, if `tls` is set, TPIDRURO = *tls. Returns its thread id.
    int spawn(std::uint32_t stack, std::optional<std::uint32_t> tls, std::uint32_t clear_tid);
    /// CLONE_CHILD_CLEARTID / set_tid_address of the current thread.
    void setClearTid(std::uint32_t addr);
    std::uint32_t clearTid() const;

    /// Blocks the current thread on futex word `uaddr` until a wake matching `bitset` (r0 = 0)
    /// or `deadline` (r0 = -ETIMEDOUT). The caller returns Syscalls::kBlocked.
    void blockOnFutex(std::uint32_t uaddr, std::uint32_t bitset, Picos deadline);
    /// Wakes up to `n` waiters on `uaddr` whose bitset meets `bitset`, oldest first; moves up to
    /// `requeue` further waiters to `uaddr2`. Returns the number woken.
    int wakeFutex(std::uint32_t uaddr, std::uint32_t bitset, int n, int requeue = 0, std::uint32_t uaddr2 = 0);

    /// After every syscall: a call that put the core to sleep blocks the thread instead, and
    /// another ready thread runs; a sched_yield passes the core on.
    void afterSyscall();
    void yield() { yield_ = true; }
    /// The current thread ends (SYS_exit with other threads left); another one runs.
    void exitCurrent();
    /// The core woke (a deadline passed, a file became ready, a signal interrupted the wait).
    void onWake();
    /// At the start of each quantum the core runs: ends a used-up time slice.
    void onQuantum();
    /// A file's readiness changed: threads waiting for readiness run their call again.
    /// Returns true if a thread waited for it.
    bool ioReady();
    bool anyWaitingIo() const;

private:
    enum class Block { None, Sleep, Io, Futex };
    struct ContextFree {
        void operator()(uc_context* c) const;
    };
    struct Thread {
        int tid = 0;
        std::unique_ptr<uc_context, ContextFree> context;  // saved state while not loaded
        std::uint32_t clear_tid = 0;
        Block block = Block::None;
        Picos deadline = kNever;
        std::uint32_t futex_addr = 0, futex_bitset = 0;
        std::uint64_t block_order = 0;  // FIFO among futex waiters
        std::optional<std::uint32_t> result;  // r0 to set when it runs again
        bool waiting_io = false;               // its SyscallWait, while not loaded
        std::optional<Picos> wait_deadline;
    };

    Thread* loaded();
    /// The first ready thread after the loaded one (in creation order), or -1.
    int nextReady() const;
    void switchTo(int index);
    void unblock(Thread& t, std::optional<std::uint32_t> result);
    /// No thread can run: the core sleeps until the earliest deadline.
    void sleepCore();
    Picos earliestDeadline() const;

    CortexA7& core_;
    Scheduler& scheduler_;
    Log& log_;
    SyscallWait wait_;
    std::vector<Thread> threads_;  // creation order; threads_[loaded_] owns the engine's registers
    int loaded_ = 0;               // -1: the loaded registers belong to a thread that exited
    int next_tid_ = kMainTid + 1;
    std::uint64_t block_counter_ = 0;
    std::uint64_t slice_start_ = 0;
    bool yield_ = false;
    bool internal_ = false;  // waking/sleeping the core ourselves: onWake() ignores it
};

}  // namespace mt3620::os
