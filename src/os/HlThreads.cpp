#include "os/HlThreads.h"

#include <unicorn/unicorn.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "common/Log.h"
#include "cpu/CortexA7.h"
#include "machine/Scheduler.h"

namespace mt3620::os {

namespace {
uc_context* newContext(uc_struct* uc) {
    uc_context* c = nullptr;
    if (uc_context_alloc(uc, &c) != UC_ERR_OK) throw std::runtime_error("a7: cannot allocate a thread context");
    return c;
}
}  // namespace

void HlThreads::ContextFree::operator()(uc_context* c) const { uc_context_free(c); }

HlThreads::HlThreads(CortexA7& core, Scheduler& scheduler, Log& log, SyscallWait wait)
    : core_(core), scheduler_(scheduler), log_(log), wait_(wait) {
    Thread main;
    main.tid = kMainTid;
    threads_.push_back(std::move(main));
}

HlThreads::~HlThreads() = default;

HlThreads::Thread* HlThreads::loaded() { return loaded_ >= 0 ? &threads_[loaded_] : nullptr; }

int HlThreads::currentTid() const { return loaded_ >= 0 ? threads_[loaded_].tid : 0; }

void HlThreads::setClearTid(std::uint32_t addr) {
    if (Thread* t = loaded()) t->clear_tid = addr;
}

std::uint32_t HlThreads::clearTid() const { return loaded_ >= 0 ? threads_[loaded_].clear_tid : 0; }

int HlThreads::spawn(std::uint32_t stack, std::optional<std::uint32_t> tls, std::uint32_t clear_tid) {
    // The child's registers: the parent's now (PC after the SVC), with r0 = 0, its own stack
    // and thread pointer. Made on the live registers, saved, then the parent's put back.
    uc_struct* uc = core_.engine();
    std::unique_ptr<uc_context, ContextFree> parent(newContext(uc));
    std::unique_ptr<uc_context, ContextFree> child(newContext(uc));
    uc_context_save(uc, parent.get());
    core_.setReg(UC_ARM_REG_R0, 0);
    core_.setReg(UC_ARM_REG_SP, stack);
    if (tls) core_.setThreadPointer(*tls);
    uc_context_save(uc, child.get());
    uc_context_restore(uc, parent.get());

    Thread t;
    t.tid = next_tid_++;
    t.context = std::move(child);
    t.clear_tid = clear_tid;
    threads_.push_back(std::move(t));
    log_.debug("a7", "thread {} created (stack {:#010x})", threads_.back().tid, stack);
    return threads_.back().tid;
}

void HlThreads::blockOnFutex(std::uint32_t uaddr, std::uint32_t bitset, Picos deadline) {
    Thread* t = loaded();
    if (!t) return;
    t->block = Block::Futex;
    t->futex_addr = uaddr;
    t->futex_bitset = bitset;
    t->deadline = deadline;
    t->block_order = ++block_counter_;
    core_.sleepUntil(deadline);  // afterSyscall() passes the core on if a thread is ready
}

int HlThreads::wakeFutex(std::uint32_t uaddr, std::uint32_t bitset, int n, int requeue, std::uint32_t uaddr2) {
    // Oldest waiter first (block order), so the result does not depend on thread ids.
    std::vector<Thread*> waiters;
    for (Thread& t : threads_)
        if (t.block == Block::Futex && t.futex_addr == uaddr && (t.futex_bitset & bitset)) waiters.push_back(&t);
    std::sort(waiters.begin(), waiters.end(), [](auto* a, auto* b) { return a->block_order < b->block_order; });
    int woken = 0;
    for (Thread* t : waiters) {
        if (woken < n) {
            unblock(*t, 0);
            ++woken;
        } else if (requeue > 0) {
            t->futex_addr = uaddr2;
            --requeue;
        }
    }
    return woken;
}

void HlThreads::unblock(Thread& t, std::optional<std::uint32_t> result) {
    t.block = Block::None;
    t.deadline = kNever;
    if (!result) return;
    if (&t == loaded()) core_.setReg(UC_ARM_REG_R0, *result);
    else t.result = result;
}

int HlThreads::nextReady() const {
    const int n = static_cast<int>(threads_.size());
    const int from = loaded_ >= 0 ? loaded_ : n - 1;
    for (int k = 1; k <= n; ++k) {
        const int i = (from + k) % n;
        if (i != loaded_ && threads_[i].block == Block::None) return i;
    }
    return -1;
}

void HlThreads::switchTo(int index) {
    uc_struct* uc = core_.engine();
    if (Thread* out = loaded()) {
        if (!out->context) out->context.reset(newContext(uc));
        uc_context_save(uc, out->context.get());
        out->waiting_io = wait_.waiting_io;
        out->wait_deadline = wait_.deadline;
    }
    Thread& in = threads_[index];
    uc_context_restore(uc, in.context.get());
    wait_.waiting_io = in.waiting_io;
    wait_.deadline = in.wait_deadline;
    in.waiting_io = false;
    in.wait_deadline.reset();
    if (in.result) core_.setReg(UC_ARM_REG_R0, *in.result);
    in.result.reset();
    // A PC write makes the engine leave the code it was in and start at the restored PC.
    core_.setReg(UC_ARM_REG_PC, core_.reg(UC_ARM_REG_PC) | (core_.thumb() ? 1u : 0u));
    loaded_ = index;
    slice_start_ = core_.instructions();
    if (core_.state() == CoreState::Sleeping) {
        internal_ = true;
        core_.wake();
        internal_ = false;
    }
}

Picos HlThreads::earliestDeadline() const {
    Picos d = kNever;
    for (const Thread& t : threads_)
        if (t.block != Block::None) d = std::min(d, t.deadline);
    return d;
}

void HlThreads::sleepCore() {
    const Picos d = earliestDeadline();
    if (core_.state() == CoreState::Sleeping && core_.wakeDeadline() == d) return;
    internal_ = true;
    core_.wake();
    core_.sleepUntil(d);
    internal_ = false;
}

void HlThreads::afterSyscall() {
    Thread* t = loaded();
    if (core_.state() == CoreState::Sleeping && t && t->block == Block::None) {
        // A call written for one thread put the core to sleep: this thread blocks.
        t->block = wait_.waiting_io ? Block::Io : Block::Sleep;
        t->deadline = core_.wakeDeadline();
        t->block_order = ++block_counter_;
    }
    const bool yielding = yield_;
    yield_ = false;
    if (core_.state() == CoreState::Sleeping || yielding) {
        const int next = nextReady();
        if (next >= 0) switchTo(next);
        else if (core_.state() == CoreState::Sleeping) sleepCore();
    }
}

void HlThreads::exitCurrent() {
    if (loaded_ < 0) return;
    log_.debug("a7", "thread {} exited", threads_[loaded_].tid);
    threads_.erase(threads_.begin() + loaded_);
    loaded_ = -1;
    wait_.waiting_io = false;
    wait_.deadline.reset();
    const int next = nextReady();
    if (next >= 0) switchTo(next);
    else sleepCore();
}

void HlThreads::onWake() {
    if (internal_) return;
    const Picos now = scheduler_.now();
    bool any = false;
    for (Thread& t : threads_) {
        if (t.block != Block::None && t.deadline <= now) {
            unblock(t, t.block == Block::Futex ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(-ETIMEDOUT))
                                               : std::nullopt);
            any = true;
        }
    }
    Thread* t = loaded();
    // Woken for no deadline of ours and no thread ready: a signal interrupted the loaded
    // thread's wait (its result is already in r0).
    if (!any && t && t->block != Block::None && nextReady() < 0) unblock(*t, std::nullopt);
    if (t && t->block == Block::None) return;  // the loaded thread runs on
    const int next = nextReady();
    if (next >= 0) switchTo(next);
    else sleepCore();
}

void HlThreads::onQuantum() {
    if (threads_.size() < 2 || loaded_ < 0 || core_.instructions() - slice_start_ < kSlice) return;
    const int next = nextReady();
    if (next >= 0) switchTo(next);
    else slice_start_ = core_.instructions();
}

bool HlThreads::ioReady() {
    bool any = false;
    for (Thread& t : threads_) {
        if (t.block == Block::Io) {
            unblock(t, std::nullopt);  // the call runs again and re-checks
            any = true;
        }
    }
    return any;
}

bool HlThreads::anyWaitingIo() const {
    for (const Thread& t : threads_)
        if (t.block == Block::Io) return true;
    return false;
}

}  // namespace mt3620::os
