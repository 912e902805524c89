#pragma once
// The three user-accessible cores of the MT3620. Names match the CLI, logs, board files,
// scenarios and GDB: "a7", "m4-0", "m4-1".
#include <cstdint>
#include <optional>
#include <string_view>

namespace mt3620 {

enum class CoreId : std::uint8_t { A7 = 0, M4_0 = 1, M4_1 = 2 };
constexpr unsigned kCoreCount = 3;

constexpr std::string_view coreName(CoreId id) {
    switch (id) {
        case CoreId::A7: return "a7";
        case CoreId::M4_0: return "m4-0";
        case CoreId::M4_1: return "m4-1";
    }
    return "?";
}

constexpr std::uint32_t coreBit(CoreId id) { return 1u << static_cast<unsigned>(id); }
constexpr std::uint32_t kAllCores = 0x7;

inline std::optional<CoreId> parseCoreName(std::string_view s) {
    if (s == "a7") return CoreId::A7;
    if (s == "m4-0") return CoreId::M4_0;
    if (s == "m4-1") return CoreId::M4_1;
    return std::nullopt;
}

}  // namespace mt3620
