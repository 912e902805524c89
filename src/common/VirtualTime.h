#pragma once
// Virtual time: every duration and timestamp inside the emulator is an integer number of
// picoseconds. 2^64 ps is about 213 days of virtual time, far beyond any run, and integer
// arithmetic keeps runs bit-for-bit deterministic.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mt3620 {

using Picos = std::uint64_t;

constexpr Picos kPicosPerNano = 1000;
constexpr Picos kPicosPerMicro = 1000 * kPicosPerNano;
constexpr Picos kPicosPerMilli = 1000 * kPicosPerMicro;
constexpr Picos kPicosPerSecond = 1000 * kPicosPerMilli;
constexpr Picos kNever = ~Picos{0};

/// Time taken by `cycles` ticks of a clock of `hz` (rounded down).
constexpr Picos cyclesToPicos(std::uint64_t cycles, std::uint64_t hz) {
    return static_cast<Picos>((static_cast<unsigned __int128>(cycles) * kPicosPerSecond) / hz);
}

/// Time at which the `cycles`-th tick of a clock of `hz` has happened (rounded up), so that
/// picosToCycles() of the result is at least `cycles`.
constexpr Picos cyclesToPicosCeil(std::uint64_t cycles, std::uint64_t hz) {
    auto num = static_cast<unsigned __int128>(cycles) * kPicosPerSecond;
    return static_cast<Picos>((num + hz - 1) / hz);
}

/// Number of whole ticks of a clock of `hz` that fit in `t`.
constexpr std::uint64_t picosToCycles(Picos t, std::uint64_t hz) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(t) * hz) / kPicosPerSecond);
}

/// Smallest number of ticks of a clock of `hz` that covers at least `t`.
constexpr std::uint64_t picosToCyclesCeil(Picos t, std::uint64_t hz) {
    auto num = static_cast<unsigned __int128>(t) * hz;
    return static_cast<std::uint64_t>((num + kPicosPerSecond - 1) / kPicosPerSecond);
}

/// Parses a duration with a unit: "500ms", "2s", "1.5s", "10us", "250ns", "100ps".
/// Returns nullopt for anything else (no unit, negative, unknown unit, overflow).
std::optional<Picos> parseDuration(std::string_view text);

/// Formats a timestamp the way logs show it: "1.000250 s" (seconds, microsecond precision).
std::string formatSeconds(Picos t);

}  // namespace mt3620
