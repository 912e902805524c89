#pragma once
// Counts guest instructions per translated block without a per-instruction hook (DESIGN.md 3.3:
// a UC_HOOK_BLOCK that looks up a flat table runs ~2.5x faster than uc_emu_start's count).
// The table is indexed by the block's halfword address inside a code region and filled the first
// time a block is seen, by decoding Thumb-2 instruction lengths from the first halfword.
#include <cstdint>
#include <algorithm>
#include <vector>

namespace mt3620 {

class BlockCounter {
public:
    /// Registers a region that may hold code; `host` points at its bytes.
    void addRegion(std::uint32_t base, std::uint32_t size, const std::uint8_t* host) {
        regions_.push_back(Region{base, size, host, std::vector<std::uint32_t>(size / 2, 0)});
    }

    /// Instructions in the block at `addr` of `size` bytes.
    std::uint32_t count(std::uint32_t addr, std::uint32_t size) {
        for (Region& r : regions_) {
            std::uint32_t off = addr - r.base;
            if (off >= r.size) continue;
            std::uint32_t& slot = r.table[off / 2];
            if ((slot >> 16) == size && slot != 0) return slot & 0xFFFF;
            std::uint32_t n = decode(r.host + off, std::min(size, r.size - off));
            slot = (size << 16) | n;
            return n;
        }
        return size ? (size + 3) / 4 : 1;  // code outside known regions: estimate
    }

    /// Forgets every cached count (after code is reloaded).
    void clear() {
        for (Region& r : regions_) std::fill(r.table.begin(), r.table.end(), 0);
    }

    /// Thumb-2: a halfword whose top five bits are 0b11101, 0b11110 or 0b11111 starts a
    /// 32-bit instruction; anything else is a 16-bit instruction.
    static std::uint32_t decode(const std::uint8_t* p, std::uint32_t size) {
        std::uint32_t n = 0;
        std::uint32_t i = 0;
        while (i + 1 < size) {
            std::uint16_t hw = static_cast<std::uint16_t>(p[i] | (p[i + 1] << 8));
            i += ((hw >> 11) >= 0x1D) ? 4 : 2;
            ++n;
        }
        return n ? n : 1;
    }

private:
    struct Region {
        std::uint32_t base;
        std::uint32_t size;
        const std::uint8_t* host;
        std::vector<std::uint32_t> table;  // (block size << 16) | instruction count
    };
    std::vector<Region> regions_;
};

}  // namespace mt3620
