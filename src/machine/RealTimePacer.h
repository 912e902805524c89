#pragma once
// RealTimePacer: keeps virtual time from running ahead of real (wall-clock) time for the parts of
// the machine that face the host (UART tcp/pty endpoints, the A7 app's host sockets of
// `run --network`). Each call waits, in ppoll() on the host descriptors, until real time has
// caught up with virtual time or a descriptor is ready, so host input ends the wait at once.
// What the machine does stays deterministic except for *when* host input arrives.
#include <poll.h>

#include <chrono>
#include <span>

#include "common/VirtualTime.h"

namespace mt3620 {

class RealTimePacer {
public:
    /// The most real time may be ahead of virtual time (the rest is forgotten) and the longest
    /// single wait.
    static constexpr Picos kMaxLag = 100 * kPicosPerMilli;

    /// Waits until real time has caught up with virtual time `virt_now` (measured from the first
    /// call), or until `fd` is readable; `fd` < 0 waits for time alone.
    void pace(Picos virt_now, int fd);
    /// The same, ending the wait when any of `fds` has one of its events (negative fds are
    /// ignored, as ppoll does).
    void pace(Picos virt_now, std::span<pollfd> fds);

private:
    bool anchored_ = false;
    std::chrono::steady_clock::time_point real_anchor_;
    Picos virt_anchor_ = 0;
};

}  // namespace mt3620
