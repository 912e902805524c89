#include "os/LinuxElfLoader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "os/GuestFs.h"
#include "os/GuestMemory.h"

namespace mt3620::os {

namespace {

constexpr std::uint32_t kEabiVersionMask = 0xff000000;
constexpr std::uint32_t kEabiVersion5 = 0x05000000;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
    throw ImageError(fmt::format("{}: {}", file, what));
}

/// The ARM kuser helpers at 0xffff0000 (Linux Documentation/arm/kernel_user_helpers):
/// __kuser_memory_barrier (0xffff0fa0), __kuser_cmpxchg (0xffff0fc0, body at 0xffff0f00),
/// __kuser_get_tls (0xffff0fe0, reads TPIDRURO) and __kuser_helper_version (0xffff0ffc) = 2;
/// plus the sigreturn trampolines for signal handlers installed without SA_RESTORER (0xf60).
/// Written for this project as ARM instructions (encodings from the ARM ARM).
struct KuserWord {
    std::uint32_t offset, word;
};
constexpr KuserWord kKuserCode[] = {
    {0xf00, 0xe1923f9f},  // 1: ldrex r3, [r2]
    {0xf04, 0xe1530000},  //    cmp r3, r0
    {0xf08, 0x1a000006},  //    bne 2f
    {0xf0c, 0xe1823f91},  //    strex r3, r1, [r2]
    {0xf10, 0xe3530000},  //    cmp r3, #0
    {0xf14, 0x1afffff9},  //    bne 1b
    {0xf18, 0xf57ff05b},  //    dmb ish
    {0xf1c, 0xe3b00000},  //    movs r0, #0
    {0xf20, 0xe3500000},  //    cmp r0, #0        (Z and C set: success)
    {0xf24, 0xe12fff1e},  //    bx lr
    {0xf28, 0xf57ff01f},  // 2: clrex
    {0xf2c, 0xe3b00001},  //    movs r0, #1
    {0xf30, 0xe3500002},  //    cmp r0, #2        (C clear: failure)
    {0xf34, 0xe12fff1e},  //    bx lr
    {0xf60, 0xe3a07077},  // sigreturn trampoline: mov r7, #119 (sigreturn)
    {0xf64, 0xef000000},  //    svc #0
    {0xf68, 0xe3a070ad},  // rt_sigreturn trampoline: mov r7, #173 (rt_sigreturn)
    {0xf6c, 0xef000000},  //    svc #0
    {0xfa0, 0xf57ff05b},  // __kuser_memory_barrier: dmb ish
    {0xfa4, 0xe12fff1e},  //    bx lr
    {0xfc0, 0xeaffffce},  // __kuser_cmpxchg: b 0xf00
    {0xfe0, 0xee1d0f70},  // __kuser_get_tls: mrc p15, 0, r0, c13, c0, 3
    {0xfe4, 0xe12fff1e},  //    bx lr
    {0xffc, 0x00000002},  // __kuser_helper_version
};

void mapKuserPage(GuestMemory& mem) {
    if (!mem.mapFixed(kKuserPage, kPageSize, kProtRead | kProtWrite, "[vectors]"))
        throw ImageError("a7: cannot map the kuser helper page at 0xffff0000");
    for (const KuserWord& k : kKuserCode) mem.writeValue(kKuserPage + k.offset, k.word);
    mem.protect(kKuserPage, kPageSize, kProtRead | kProtExec);
}

std::uint32_t protOf(const ElfProgramHeader& ph) {
    return (ph.readable() ? kProtRead : 0) | (ph.writable() ? kProtWrite : 0) | (ph.executable() ? kProtExec : 0);
}

struct ImageSpan {
    std::uint32_t lo = 0xffffffff, hi = 0;  // page-aligned [lo, hi) of all PT_LOADs
};

ImageSpan spanOf(const ElfFile& elf) {
    ImageSpan s;
    for (const ElfProgramHeader& ph : elf.programHeaders()) {
        if (ph.type != elf::kPtLoad || ph.memsz == 0) continue;
        s.lo = std::min(s.lo, pageDown(ph.vaddr));
        s.hi = std::max<std::uint32_t>(s.hi, static_cast<std::uint32_t>(pageUp(std::uint64_t{ph.vaddr} + ph.memsz)));
    }
    return s;
}

/// Maps every PT_LOAD of `elf` at bias `bias` (the whole span first, so segments sharing a
/// page keep the union of their permissions; pages between segments are unmapped again).
void mapSegments(GuestMemory& mem, const ElfFile& elf, std::uint32_t bias, const std::string& label) {
    const ImageSpan span = spanOf(elf);
    const std::uint32_t lo = span.lo + bias, size = span.hi - span.lo;
    if (!mem.mapFixed(lo, size, kProtRead | kProtWrite, label))
        fail(elf.name(), fmt::format("cannot map {} bytes at {:#010x} for the PT_LOAD segments", size, lo));
    std::vector<std::uint32_t> page_prot(size / kPageSize, 0);
    const auto& phdrs = elf.programHeaders();
    for (std::size_t i = 0; i < phdrs.size(); ++i) {
        const ElfProgramHeader& ph = phdrs[i];
        if (ph.type != elf::kPtLoad || ph.memsz == 0) continue;
        auto data = elf.segmentData(i);
        mem.write(ph.vaddr + bias, data.data(), data.size(), /*force=*/true);  // .bss stays zero
        for (std::uint32_t p = pageDown(ph.vaddr); p < pageUp(std::uint64_t{ph.vaddr} + ph.memsz); p += kPageSize)
            page_prot[(p - span.lo) / kPageSize] |= protOf(ph) | 0x100;  // 0x100: page is used
    }
    for (std::size_t i = 0; i < page_prot.size();) {
        std::size_t j = i;
        while (j < page_prot.size() && page_prot[j] == page_prot[i]) ++j;
        const std::uint32_t addr = lo + static_cast<std::uint32_t>(i) * kPageSize;
        const std::uint32_t len = static_cast<std::uint32_t>(j - i) * kPageSize;
        if (page_prot[i] & 0x100) mem.protect(addr, len, page_prot[i] & 7);
        else mem.unmap(addr, len);
        i = j;
    }
}

/// AT_PHDR: where the program headers are in memory (PT_PHDR, or inside the PT_LOAD that maps
/// file offset e_phoff).
std::uint32_t phdrAddress(const ElfFile& elf, std::uint32_t bias) {
    const auto b = elf.bytes();
    const std::uint32_t phoff = static_cast<std::uint32_t>(b[0x1c] | (b[0x1d] << 8) | (b[0x1e] << 16) | (b[0x1f] << 24));
    for (const ElfProgramHeader& ph : elf.programHeaders())
        if (ph.type == elf::kPtPhdr) return ph.vaddr + bias;
    for (const ElfProgramHeader& ph : elf.programHeaders())
        if (ph.type == elf::kPtLoad && phoff >= ph.offset && phoff - ph.offset < ph.filesz)
            return ph.vaddr + (phoff - ph.offset) + bias;
    return 0;
}

class StackBuilder {
public:
    StackBuilder(GuestMemory& mem, std::uint32_t top) : mem_(mem), sp_(top) {}
    std::uint32_t pushBytes(const void* data, std::size_t n) {
        sp_ -= static_cast<std::uint32_t>(n);
        mem_.write(sp_, data, n);
        return sp_;
    }
    std::uint32_t pushString(const std::string& s) { return pushBytes(s.c_str(), s.size() + 1); }
    void align(std::uint32_t a) { sp_ &= ~(a - 1); }
    std::uint32_t sp() const { return sp_; }
    void setSp(std::uint32_t sp) { sp_ = sp; }

private:
    GuestMemory& mem_;
    std::uint32_t sp_;
};

}  // namespace

void checkLinuxExecutable(const ElfFile& elf) {
    if ((elf.flags() & kEabiVersionMask) != kEabiVersion5)
        fail(elf.name(), fmt::format("e_flags {:#010x} at offset 0x24: ARM EABI version {} (the A7 runs EABI version 5 "
                                     "Linux executables, e.g. from arm-linux-musleabihf-gcc)",
                                     elf.flags(), elf.flags() >> 24));
    bool any_load = false;
    const auto& phdrs = elf.programHeaders();
    for (std::size_t i = 0; i < phdrs.size(); ++i) {
        const ElfProgramHeader& ph = phdrs[i];
        if (ph.type != elf::kPtLoad) continue;
        any_load = true;
        if ((ph.vaddr % kPageSize) != (ph.offset % kPageSize))
            fail(elf.name(), fmt::format("program header {}: p_vaddr {:#x} and p_offset {:#x} differ modulo the page "
                                         "size (4096): the segment cannot be mapped",
                                         i, ph.vaddr, ph.offset));
        if (std::uint64_t{ph.vaddr} + ph.memsz > kMmapBottom && elf.type() == elf::kEtExec &&
            std::uint64_t{ph.vaddr} + ph.memsz > kStackTop - kStackSize)
            fail(elf.name(), fmt::format("program header {}: segment at {:#010x} (size {:#x}) overlaps the stack",
                                         i, ph.vaddr, ph.memsz));
    }
    if (!any_load) fail(elf.name(), "no PT_LOAD segment: nothing to run");
    const ImageSpan span = spanOf(elf);
    if (span.hi - span.lo > 256u * 1024 * 1024)
        fail(elf.name(), fmt::format("PT_LOAD segments span {:#x} bytes (more than 256 MiB)", span.hi - span.lo));
}

LoadedProgram loadLinuxProgram(GuestMemory& mem, const GuestFs& fs, const ElfFile& exe, const LoadRequest& req) {
    checkLinuxExecutable(exe);
    LoadedProgram out;
    const ImageSpan span = spanOf(exe);
    out.load_bias = exe.type() == elf::kEtDyn ? kPieBase - span.lo : 0;
    mapSegments(mem, exe, out.load_bias, req.guest_path);
    out.brk = span.hi + out.load_bias;
    out.entry = exe.entry() + out.load_bias;
    const std::uint32_t program_entry = out.entry;

    // The dynamic loader named by PT_INTERP, from the guest's root filesystem.
    const auto& phdrs = exe.programHeaders();
    for (std::size_t i = 0; i < phdrs.size(); ++i) {
        if (phdrs[i].type != elf::kPtInterp) continue;
        auto data = exe.segmentData(i);
        if (data.empty() || data.back() != 0 || data.size() > 4096)
            fail(exe.name(), fmt::format("program header {} (PT_INTERP): the interpreter path is not a "
                                         "NUL-terminated string inside the file", i));
        out.interpreter = std::string(reinterpret_cast<const char*>(data.data()));
        auto host = fs.hostPath(out.interpreter);
        if (!host)
            fail(exe.name(), fmt::format("PT_INTERP '{}': no such file in the emulated root filesystem (install "
                                         "musl:armhf, scripts/setup.sh)", out.interpreter));
        ElfFile interp = [&] {
            try {
                return ElfFile::parseLinux(*host, readFileBytes(*host));
            } catch (const ImageError& e) {
                fail(exe.name(), fmt::format("PT_INTERP '{}': {}", out.interpreter, e.what()));
            }
        }();
        checkLinuxExecutable(interp);
        if (interp.type() != elf::kEtDyn)
            fail(exe.name(), fmt::format("PT_INTERP '{}': the interpreter is not position-independent (ET_DYN)",
                                         out.interpreter));
        const ImageSpan is = spanOf(interp);
        auto base = mem.mapAnywhere(is.hi - is.lo, 0, "interp-reserve");
        if (!base) fail(exe.name(), "no room in the address space for the interpreter");
        mem.unmap(*base, is.hi - is.lo);
        out.interp_base = *base - is.lo;
        mapSegments(mem, interp, out.interp_base, out.interpreter);
        out.entry = interp.entry() + out.interp_base;
        break;
    }

    mapKuserPage(mem);

    // The initial stack (top to bottom): strings, AT_RANDOM bytes, then 16-byte aligned
    // argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL.
    const std::uint32_t stack_lo = kStackTop - kStackSize;
    if (!mem.mapFixed(stack_lo, kStackSize, kProtRead | kProtWrite, "[stack]"))
        throw ImageError("a7: cannot map the initial stack");
    StackBuilder sb(mem, kStackTop);
    sb.pushBytes("\0\0\0\0", 4);
    const std::uint32_t execfn = sb.pushString(req.guest_path);
    std::vector<std::uint32_t> env_ptrs, arg_ptrs;
    for (auto it = req.envp.rbegin(); it != req.envp.rend(); ++it) env_ptrs.insert(env_ptrs.begin(), sb.pushString(*it));
    for (auto it = req.argv.rbegin(); it != req.argv.rend(); ++it) arg_ptrs.insert(arg_ptrs.begin(), sb.pushString(*it));
    const std::uint32_t platform = sb.pushString("v7l");
    sb.align(16);
    const std::uint32_t random = sb.pushBytes(req.random, sizeof req.random);

    out.auxv = {
        {auxv::kPhdr, phdrAddress(exe, out.load_bias)},
        {auxv::kPhent, elf::kPhdrSize},
        {auxv::kPhnum, static_cast<std::uint32_t>(phdrs.size())},
        {auxv::kPagesz, kPageSize},
        {auxv::kBase, out.interp_base},
        {auxv::kFlags, 0},
        {auxv::kEntry, program_entry},
        {auxv::kUid, 0},
        {auxv::kEuid, 0},
        {auxv::kGid, 0},
        {auxv::kEgid, 0},
        {auxv::kPlatform, platform},
        {auxv::kHwcap, kA7Hwcap},
        {auxv::kClktck, 100},
        {auxv::kSecure, 0},
        {auxv::kRandom, random},
        {auxv::kHwcap2, 0},
        {auxv::kExecfn, execfn},
        {auxv::kNull, 0},
    };
    std::vector<std::uint32_t> words;
    words.push_back(static_cast<std::uint32_t>(arg_ptrs.size()));
    words.insert(words.end(), arg_ptrs.begin(), arg_ptrs.end());
    words.push_back(0);
    words.insert(words.end(), env_ptrs.begin(), env_ptrs.end());
    words.push_back(0);
    for (auto [k, v] : out.auxv) {
        words.push_back(k);
        words.push_back(v);
    }
    const std::uint32_t bytes = static_cast<std::uint32_t>(words.size() * 4);
    sb.setSp((sb.sp() - bytes) & ~15u);
    mem.write(sb.sp(), words.data(), bytes);
    out.sp = sb.sp();
    return out;
}

}  // namespace mt3620::os
