#pragma once
// What the machine's run loop needs from a core, whatever its architecture.
#include <string>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/CoreId.h"

namespace mt3620 {

enum class CoreState {
    Empty,     // no firmware loaded
    Running,   // executing instructions
    Sleeping,  // WFI/WFE: waits for an interrupt; its time follows the machine's
    Halted,    // stopped for good (unhandled fault, lockup); see the fault report
};

class Core : public TimeSource {
public:
    virtual CoreId id() const = 0;
    virtual CoreState state() const = 0;
    /// Runs until the core's own virtual time reaches `t` (it may overshoot by part of a block),
    /// or until it sleeps or halts. A sleeping or halted core just advances its time to `t`.
    virtual void runUntil(Picos t) = 0;
    /// A timer was armed before the current quantum's end: stop at `t` instead.
    virtual void shortenQuantum(Picos t) = 0;
    /// Instructions executed since reset.
    virtual std::uint64_t instructions() const = 0;
    /// Stopped by the debugger (breakpoint, watchpoint, step, halt): the machine stops with it.
    virtual bool debugHalted() const { return false; }
    /// The last fault report, or empty.
    virtual const std::string& faultReport() const = 0;
};

}  // namespace mt3620
