#pragma once
// Loads a Linux ARM (EABI5) user-space ELF executable into a GuestMemory the way the Linux
// kernel's binfmt_elf does: PIE (ET_DYN) and fixed (ET_EXEC) executables, every PT_LOAD with
// its permissions and zeroed .bss, the PT_INTERP dynamic loader (the real musl loader, found
// through the GuestFs), the ARM kuser helper page and the initial stack with argc, argv,
// envp and the auxiliary vector (docs/hl-apps.md lists every entry).
//
// Bad input is refused with an ImageError "<file>: <field>: <reason>".
#include <cstdint>
#include <string>
#include <vector>

#include "image/ElfFile.h"

namespace mt3620::os {

class GuestMemory;
class GuestFs;

// Auxiliary vector keys (Linux).
namespace auxv {
constexpr std::uint32_t kNull = 0, kPhdr = 3, kPhent = 4, kPhnum = 5, kPagesz = 6, kBase = 7, kFlags = 8,
                        kEntry = 9, kUid = 11, kEuid = 12, kGid = 13, kEgid = 14, kPlatform = 15, kHwcap = 16,
                        kClktck = 17, kSecure = 23, kRandom = 25, kHwcap2 = 26, kExecfn = 31, kSysinfoEhdr = 33;
}

/// AT_HWCAP of the MT3620's Cortex-A7 (Linux HWCAP_* bits): SWP HALF THUMB FAST_MULT VFP
/// EDSP NEON VFPv3 TLS VFPv4 IDIVA IDIVT VFPD32 LPAE.
constexpr std::uint32_t kA7Hwcap = (1u << 0) | (1u << 1) | (1u << 2) | (1u << 4) | (1u << 6) | (1u << 7) |
                                   (1u << 12) | (1u << 13) | (1u << 15) | (1u << 16) | (1u << 17) | (1u << 18) |
                                   (1u << 19) | (1u << 20);

struct LoadedProgram {
    std::uint32_t entry = 0;      // where the core starts: the loader's entry, or the program's
    std::uint32_t sp = 0;         // initial stack pointer (argc at [sp])
    std::uint32_t brk = 0;        // initial program break (page-aligned end of the executable)
    std::uint32_t load_bias = 0;  // added to the executable's addresses (PIE)
    std::uint32_t interp_base = 0;  // AT_BASE (0 without PT_INTERP)
    std::string interpreter;      // PT_INTERP path, empty for static executables
    std::vector<std::pair<std::uint32_t, std::uint32_t>> auxv;  // as placed on the stack
};

struct LoadRequest {
    std::string guest_path;                // the executable's path in the guest (AT_EXECFN, argv[0] default)
    std::vector<std::string> argv;         // argv[0] included
    std::vector<std::string> envp;
    std::uint8_t random[16] = {};          // AT_RANDOM bytes (deterministic: chosen by the caller)
};

/// Maps the executable (already parsed with ElfFile::parseLinux) and its interpreter, writes
/// the kuser page and the initial stack. Throws ImageError for an executable the A7 cannot run.
LoadedProgram loadLinuxProgram(GuestMemory& mem, const GuestFs& fs, const ElfFile& exe, const LoadRequest& req);

/// Checks that `elf` is an executable the A7's Linux can run (EM_ARM, EABI version 5, PT_LOAD
/// segments aligned as mmap needs); throws ImageError naming the field otherwise.
void checkLinuxExecutable(const ElfFile& elf);

}  // namespace mt3620::os
