#pragma once
// What the endpoint kinds of a `type: uart` board device share (src/board/UartEndpoint.cpp,
// src/board/PtyEndpoint.cpp): the Link interface each kind implements, and the two pieces the
// host-facing endpoints (tcp, pty) are built from:
//
//   RealTimePacer  (machine/RealTimePacer.h) keeps virtual time from running ahead of real
//                  time, waiting in ppoll() on the host descriptor so input ends the wait at once;
//   RxFeed         carries bytes from the host to the UART's RX pin one character time apart,
//                  as on a wire.
//
// Both run from EventTimers in virtual time, so what the machine does is deterministic except
// for *when* host bytes arrive (external endpoints are real-time inputs).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "board/UartEndpoint.h"
#include "machine/RealTimePacer.h"
#include "machine/Scheduler.h"

namespace mt3620 {

class MtkUart;

class UartEndpoint::Link {
public:
    virtual ~Link() = default;
    virtual std::string_view kind() const = 0;
    virtual unsigned port() const { return 0; }
    virtual bool connected() const { return false; }
    virtual const std::string& hostPath() const {
        static const std::string none;
        return none;
    }
};

/// Throws the BoardError "device 'modem' (line 4): reason".
[[noreturn]] void failUartDevice(const UartSpec& spec, const std::string& reason);

class RxFeed {
public:
    /// Read no more from the host while this much waits: the rest stays in the host's buffers
    /// (TCP flow control, the pty's line buffer).
    static constexpr std::size_t kMaxQueued = 64 * 1024;

    /// `delivered` counts the bytes that reached the RX pin.
    RxFeed(Scheduler& scheduler, const std::string& timer_name, MtkUart& uart, std::uint64_t& delivered);

    bool full() const { return queue_.size() >= kMaxQueued; }
    /// Queues host bytes; the first reaches the RX pin one character time from now.
    void push(const char* data, std::size_t n);

private:
    void deliver();

    MtkUart& uart_;
    std::uint64_t& delivered_;
    std::deque<std::uint8_t> queue_;
    EventTimer timer_;
};

}  // namespace mt3620
