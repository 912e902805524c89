#pragma once
// The M4 debug UART: each IO M4 core has its own at the same address (reference §2.1, §4.3).
// It is the MediaTek UART IP without DMA ("no dma on debug uart"), so it is just an MtkUart
// with a fixed place in the memory map.
#include <cstdint>
#include <string>

#include "periph/MtkUart.h"

namespace mt3620 {

class DebugUart : public MtkUart {
public:
    static constexpr std::uint32_t kBase = 0x2104'0000;
    static constexpr std::uint32_t kSize = 0x1000;
    static constexpr unsigned kIrq = 4;  // CM4_IRQ_UART (reference §3)

    DebugUart(std::string name, Scheduler& scheduler, Log& log)
        : MtkUart(std::move(name), scheduler, log, kSize) {}
};

}  // namespace mt3620
