#pragma once
// The emulated OS's clocks, all on the machine's virtual time (deterministic):
// CLOCK_MONOTONIC/BOOTTIME/..._RAW/_COARSE count from machine start; CLOCK_REALTIME starts at
// kRealtimeEpoch (2024-01-01T00:00:00Z) at machine start; the CPU-time clocks count the A7's
// executed instructions at 500 MHz (the time it ran).
#include <cstdint>
#include <optional>

#include "common/VirtualTime.h"

namespace mt3620::os {

constexpr std::int64_t kRealtimeEpoch = 1704067200;  // seconds since 1970 at machine start

enum : std::uint32_t {
    kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3,
    kClockMonotonicRaw = 4, kClockRealtimeCoarse = 5, kClockMonotonicCoarse = 6, kClockBoottime = 7,
    kClockRealtimeAlarm = 8, kClockBoottimeAlarm = 9,
};

/// Nanoseconds on `clock` at virtual time `now` (cpu: the process's own run time), or nullopt
/// for an unknown clock id (EINVAL).
inline std::optional<std::int64_t> clockNanos(std::uint32_t clock, Picos now, Picos cpu) {
    const auto ns = static_cast<std::int64_t>(now / kPicosPerNano);
    switch (clock) {
        case kClockRealtime:
        case kClockRealtimeCoarse:
        case kClockRealtimeAlarm: return kRealtimeEpoch * 1'000'000'000 + ns;
        case kClockMonotonic:
        case kClockMonotonicRaw:
        case kClockMonotonicCoarse:
        case kClockBoottime:
        case kClockBoottimeAlarm: return ns;
        case kClockProcessCputime:
        case kClockThreadCputime: return static_cast<std::int64_t>(cpu / kPicosPerNano);
        default: return std::nullopt;
    }
}

/// The virtual time at which `clock` reads `nanos` (for absolute sleeps and timers); clamps to 0.
inline Picos virtualTimeOf(std::uint32_t clock, std::int64_t nanos) {
    if (clock == kClockRealtime || clock == kClockRealtimeAlarm || clock == kClockRealtimeCoarse)
        nanos -= kRealtimeEpoch * 1'000'000'000;
    return nanos <= 0 ? 0 : static_cast<Picos>(nanos) * kPicosPerNano;
}

}  // namespace mt3620::os
