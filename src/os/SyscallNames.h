#pragma once
#include <cstdint>

namespace mt3620::os {
/// The Linux ARM EABI name of system call `number` ("openat", "ARM_set_tls"), or "unknown".
const char* syscallName(std::uint32_t number);
}  // namespace mt3620::os
