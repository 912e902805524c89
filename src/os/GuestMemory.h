#pragma once
// The A7 app's private address space (DESIGN.md 3.5): Linux-like mappings (mmap, munmap,
// mprotect, brk) backed by host buffers that are mapped into the A7's Unicorn engine with
// uc_mem_map_ptr, so syscalls read and write guest memory directly. Each mapping owns or
// shares a page-aligned host block; splitting a mapping (partial munmap/mprotect) keeps the
// block alive until its last piece is gone.
//
// Layout (all deterministic): executable at its own address (non-PIE) or kPieBase (PIE),
// the dynamic loader and anonymous mmaps top-down from kMmapTop, the stack below kStackTop,
// brk after the executable, the kuser helper page at 0xffff0000.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

struct uc_struct;

namespace mt3620::os {

constexpr std::uint32_t kPageSize = 4096;
constexpr std::uint32_t kPieBase = 0x0040'0000;       // where a PIE executable is placed
constexpr std::uint32_t kMmapTop = 0xb000'0000;       // mmap allocations grow down from here
constexpr std::uint32_t kMmapBottom = 0x1000'0000;    // ... and never below this
constexpr std::uint32_t kStackTop = 0xbf00'0000;      // initial stack grows down from here
constexpr std::uint32_t kStackSize = 8u << 20;        // 8 MiB, the usual RLIMIT_STACK
constexpr std::uint32_t kKuserPage = 0xffff'0000;     // ARM kuser helpers (vectors page)

// Linux PROT_* bits (same on ARM and the host).
constexpr std::uint32_t kProtRead = 1, kProtWrite = 2, kProtExec = 4;

constexpr std::uint32_t pageDown(std::uint32_t a) { return a & ~(kPageSize - 1); }
constexpr std::uint64_t pageUp(std::uint64_t a) { return (a + kPageSize - 1) & ~std::uint64_t(kPageSize - 1); }

class GuestMemory {
public:
    explicit GuestMemory(uc_struct* uc) : uc_(uc) {}
    ~GuestMemory();
    GuestMemory(const GuestMemory&) = delete;
    GuestMemory& operator=(const GuestMemory&) = delete;

    /// Maps zeroed pages at [addr, addr + size) (page-aligned; replaces anything there, like
    /// MAP_FIXED). Returns false if the engine refuses.
    bool mapFixed(std::uint32_t addr, std::uint32_t size, std::uint32_t prot, std::string name);
    /// Finds a free range of `size` bytes, top-down below kMmapTop (or at `hint` if free), and
    /// maps it. Returns the address, or nullopt if the address space is full.
    std::optional<std::uint32_t> mapAnywhere(std::uint32_t size, std::uint32_t prot, std::string name,
                                             std::uint32_t hint = 0);
    /// Unmaps every page of [addr, addr + size); holes are fine (like munmap).
    void unmap(std::uint32_t addr, std::uint32_t size);
    /// Changes protection of mapped pages; false if some page in the range is not mapped.
    bool protect(std::uint32_t addr, std::uint32_t size, std::uint32_t prot);
    /// True if every page of the range is free.
    bool isFree(std::uint32_t addr, std::uint32_t size) const;
    /// True if every byte of the range is mapped with at least `prot`.
    bool isMapped(std::uint32_t addr, std::uint32_t size, std::uint32_t prot = 0) const;

    /// Copies between guest and host memory (syscall arguments, the loader). They check that
    /// the range is mapped (reads need PROT_READ, writes PROT_WRITE unless `force`); false
    /// means EFAULT.
    bool read(std::uint32_t addr, void* out, std::size_t size) const;
    bool write(std::uint32_t addr, const void* data, std::size_t size, bool force = false);
    /// A NUL-terminated string of at most `max` bytes; nullopt if unmapped or too long.
    std::optional<std::string> readString(std::uint32_t addr, std::size_t max = 4096) const;
    template <class T>
    std::optional<T> readValue(std::uint32_t addr) const {
        T v;
        if (!read(addr, &v, sizeof v)) return std::nullopt;
        return v;
    }
    template <class T>
    bool writeValue(std::uint32_t addr, const T& v) { return write(addr, &v, sizeof v); }
    /// Host pointer to a mapped range that lies in one mapping, or null.
    std::uint8_t* hostPointer(std::uint32_t addr, std::uint32_t size, std::uint32_t prot);

    /// The mapping that contains `addr`: its start, size, protection and name; for reports.
    struct Info {
        std::uint32_t start, size, prot;
        std::string name;
    };
    std::optional<Info> find(std::uint32_t addr) const;
    /// Bumped whenever executable memory is unmapped or re-protected (code caches flush).
    std::uint64_t codeGeneration() const { return code_generation_; }

private:
    struct Block;  // a page-aligned host buffer
    struct Mapping {
        std::uint32_t size;
        std::uint32_t prot;
        std::shared_ptr<Block> block;
        std::size_t offset;  // of this mapping's first byte in the block
        std::string name;
    };
    using Map = std::map<std::uint32_t, Mapping>;  // by start address; no overlaps
    /// Splits the mapping containing `addr` (if any) so that a mapping starts at `addr`.
    void splitAt(std::uint32_t addr);
    Map::const_iterator containing(std::uint32_t addr) const;

    uc_struct* uc_;
    Map maps_;
    std::uint64_t code_generation_ = 0;
};

}  // namespace mt3620::os
