#pragma once
// An Azure Sphere real-time app (RTApp) image: the ELF loading rules the Azure Sphere OS applies
// before it starts an IO Cortex-M4 core, and the result the machine needs to reset the core.
// docs/loading.md describes the rules and the error messages for users.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/ElfFile.h"

namespace mt3620 {

// Memory an RTApp may be loaded into, as the IO M4 sees it.
// Source: /work/shared/reference/mt3620-hardware.md §2.1 (IO Cortex-M4 memory map) and §2.3
// (the RTApp linker-script MEMORY regions TCM 192K, SYSRAM 64K, FLASH 1M); XIP placement rule
// from §2.4 (MSDOC-MEM "ELF deployment").
constexpr std::uint32_t kTcmBase = 0x0010'0000;  // three 64 KiB banks
constexpr std::uint32_t kTcmSize = 192 * 1024;   // ends at StackTop 0x0013_0000
constexpr std::uint32_t kSysramBase = 0x2200'0000;
constexpr std::uint32_t kSysramSize = 64 * 1024;
constexpr std::uint32_t kXipBase = 0x1000'0000;  // the XIP segment must start exactly here
constexpr std::uint32_t kXipSize = 1024 * 1024;
/// Bytes the loader reads at the entry point: word 0 = initial MSP, word 1 = reset handler.
constexpr std::uint32_t kVectorTableMinBytes = 8;

enum class Region { Tcm, Sysram, Xip };

/// "TCM", "SYSRAM" or "XIP flash".
const char* regionName(Region r);
std::uint32_t regionBase(Region r);
std::uint32_t regionSize(Region r);

/// A validated RTApp image. Built by load()/fromBytes(), which throw ImageError when a rule is
/// broken. The loading rules (all checked):
///  * the file is a valid 32-bit little-endian ARM ET_EXEC ELF (see ElfFile);
///  * it has at least one PT_LOAD; PT_LOAD segments with p_memsz == 0 are skipped, all other
///    program header types (PT_ARM_EXIDX, PT_NOTE, PT_GNU_STACK, ...) are ignored;
///  * every loaded segment's [vaddr, vaddr + memsz) lies entirely inside TCM, SYSRAM or the
///    XIP flash window, and loaded segments do not overlap;
///  * at most one segment is in the XIP window, it starts at exactly 0x10000000 and is not
///    writable;
///  * the entry point is 4-byte aligned and inside a loaded segment, and the 8-byte vector
///    table head at the entry comes from file bytes (not the zero-filled tail);
///  * word 1 (reset handler) has the Thumb bit set and, with bit 0 cleared, lies inside a
///    loaded executable segment;
///  * word 0 (initial MSP) is 8-byte aligned and in (base, end] of TCM or SYSRAM (the end
///    address itself is allowed: 0x00130000 is the top of TCM).
///
/// The machine copies each segment's `data` to `vaddr`, zeroes the remaining memsz - data.size()
/// bytes (RTApp samples do not zero .bss themselves), then sets VTOR = entry, MSP = initial_sp
/// and PC = reset_pc.
struct RtAppImage {
    struct Segment {
        std::uint32_t vaddr = 0;
        std::vector<std::uint8_t> data;  // the p_filesz bytes from the file
        std::uint32_t memsz = 0;         // >= data.size(); the rest is zero-filled
        bool writable = false;
        bool executable = false;
        Region region = Region::Tcm;
        std::size_t phdrIndex = 0;  // index of the program header it came from
    };

    std::string name;              // the path (or name given to fromBytes); used in messages
    std::uint32_t entry = 0;       // e_entry: the vector table address
    std::uint32_t initial_sp = 0;  // vector table word 0
    std::uint32_t reset_pc = 0;    // vector table word 1, Thumb bit included
    std::vector<Segment> segments;

    /// Reads and validates the ELF file at `path`. Error messages start with "<path>: ".
    static RtAppImage load(const std::string& path);
    /// Validates an in-memory ELF. `name` is used in error messages.
    static RtAppImage fromBytes(std::string name, std::vector<std::uint8_t> bytes);
    /// Validates an already parsed ELF (a copy of it is kept for symbol lookup).
    static RtAppImage fromElf(ElfFile file);

    /// The ELF symbol table passthrough (raw st_value: Thumb functions have bit 0 set).
    std::optional<std::uint32_t> symbolAddress(std::string_view symbol) const;
    /// The parsed ELF the image came from (sections, symbols, program headers). Never null for
    /// an image built by load()/fromBytes()/fromElf(); null for a hand-assembled one.
    const ElfFile* elf() const { return elf_.get(); }

    /// The segment containing address `addr` ([vaddr, vaddr + memsz)), or nullptr.
    const Segment* segmentAt(std::uint32_t addr) const;

private:
    std::shared_ptr<const ElfFile> elf_;
};

}  // namespace mt3620
