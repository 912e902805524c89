#pragma once
// The A7 app's private address space (DESIGN.md 3.5): Linux-like mappings (mmap, munmap,
// mprotect, brk). The whole 4 GiB guest space is one host reservation (MAP_NORESERVE: only
// touched pages cost memory) mapped into the A7's Unicorn engine once, at guest address =
// host offset, so syscalls read and write guest memory directly. Which pages exist and their
// protection live here, in a page table the engine consults on TLB misses (Unicorn's
// UC_TLB_VIRTUAL mode with a UC_HOOK_TLB_FILL hook): mmap/munmap/mprotect change a table
// entry and flush the TLB, never Unicorn's memory map. (Mapping each mmap as its own Unicorn
// region made every change rebuild QEMU's memory map and RAM-block list, which grows with
// the number of mappings: malloc-heavy code ran 8x slower than under qemu-arm; bench/README.)
// Unmapped pages read back as zero on the host (munmap discards them), so a new mapping
// starts zeroed.
//
// Layout (all deterministic): executable at its own address (non-PIE) or kPieBase (PIE),
// the dynamic loader and anonymous mmaps top-down from kMmapTop, the stack below kStackTop,
// brk after the executable, the kuser helper page at 0xffff0000.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct uc_struct;

namespace mt3620::os {

constexpr std::uint32_t kPageSize = 4096;
constexpr std::uint32_t kPieBase = 0x0040'0000;       // where a PIE executable is placed
constexpr std::uint32_t kMmapTop = 0xb000'0000;       // mmap allocations grow down from here
constexpr std::uint32_t kMmapBottom = 0x1000'0000;    // ... and never below this
constexpr std::uint32_t kStackTop = 0xbf00'0000;      // initial stack grows down from here
constexpr std::uint32_t kStackSize = 8u << 20;        // 8 MiB, the usual RLIMIT_STACK
constexpr std::uint32_t kKuserPage = 0xffff'0000;     // ARM kuser helpers (vectors page)
// Nothing maps below this (Linux's mmap_min_addr). The engine has no memory there at all, so a
// null-pointer access faults with its exact address; above it, denials come from the page
// table, which the engine reports per 1 KiB page.
constexpr std::uint32_t kLowestMapping = 0x8000;

// Linux PROT_* bits (same on ARM and the host).
constexpr std::uint32_t kProtRead = 1, kProtWrite = 2, kProtExec = 4;

constexpr std::uint32_t pageDown(std::uint32_t a) { return a & ~(kPageSize - 1); }
constexpr std::uint64_t pageUp(std::uint64_t a) { return (a + kPageSize - 1) & ~std::uint64_t(kPageSize - 1); }

class GuestMemory {
public:
    /// Reserves the host memory and switches the engine to this page table. Throws
    /// std::runtime_error if the host or the engine refuses.
    explicit GuestMemory(uc_struct* uc);
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
    /// Host pointer to a mapped range (with at least `prot` on every page), or null.
    std::uint8_t* hostPointer(std::uint32_t addr, std::uint32_t size, std::uint32_t prot);

    /// The mapping that contains `addr`: its start, size, protection and name; for reports.
    struct Info {
        std::uint32_t start, size, prot;
        std::string name;
    };
    std::optional<Info> find(std::uint32_t addr) const;
    /// Bumped whenever executable memory is unmapped or re-protected (translated code of it
    /// must go: the engine's jump cache does not re-check permissions). Making pages
    /// executable does not bump it: code is translated only from executable pages.
    std::uint64_t codeGeneration() const { return code_generation_; }
    /// Discards the contents of mapped pages of [addr, addr + size) (madvise DONTNEED): they
    /// read back as zero. False if some page is not mapped.
    bool discard(std::uint32_t addr, std::uint32_t size);

    /// Called when the guest touches a page it may not (unmapped, or without the permission):
    /// `type` is the UC_MEM_*_UNMAPPED / UC_MEM_*_PROT code Unicorn's invalid-memory hooks use.
    /// The engine then stops with UC_ERR_EXCEPTION.
    std::function<void(int type, std::uint32_t address)> on_denied;
    /// Lets every access to the 4 KiB page at `page` through (nullopt: back to the table), for
    /// the core to single-step a denied access and learn its exact address (CortexA7).
    void grantForProbe(std::optional<std::uint32_t> page);

private:
    struct Mapping {
        std::uint32_t size;
        std::uint32_t prot;
        std::string name;
    };
    using Map = std::map<std::uint32_t, Mapping>;  // by start address; no overlaps
    /// Splits the mapping containing `addr` (if any) so that a mapping starts at `addr`.
    void splitAt(std::uint32_t addr);
    Map::const_iterator containing(std::uint32_t addr) const;
    /// Sets the page-table entries of [addr, addr + size) (page-aligned).
    void setPages(std::uint32_t addr, std::uint64_t size, std::uint8_t entry);
    /// True if every page of the range is mapped with at least `prot` (PROT_READ is implied by
    /// any permission, as on ARM).
    bool pagesAllow(std::uint32_t addr, std::size_t size, std::uint32_t prot) const;
    static bool fillTlb(uc_struct* uc, std::uint64_t vaddr, int type, void* result, void* user);
    void flushTlb();

    static constexpr std::uint8_t kPageMapped = 0x80;  // page-table entry: mapped | PROT_* bits

    uc_struct* uc_;
    std::size_t tlb_hook_ = 0;           // uc_hook
    std::uint8_t* host_ = nullptr;       // the 4 GiB reservation; guest address = offset
    std::vector<std::uint8_t> pages_;    // one entry per 4 KiB guest page
    Map maps_;                           // names and extents, for mmap placement and reports
    std::uint64_t code_generation_ = 0;
    std::optional<std::uint32_t> probe_page_;
};

}  // namespace mt3620::os
