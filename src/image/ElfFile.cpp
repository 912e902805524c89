#include "image/ElfFile.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

namespace mt3620 {

std::string imageHex(std::uint64_t value) {
    if (value < 10) return fmt::format("{}", value);
    return fmt::format("{:#x}", value);
}

std::string imageHex8(std::uint32_t value) {
    return fmt::format("0x{:08x}", value);
}

namespace {

// Little-endian field readers. Callers have checked that [off, off + N) is inside `b`.
std::uint16_t rd16(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint16_t>(b[off] | (b[off + 1] << 8));
}
std::uint32_t rd32(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint32_t>(b[off]) | (static_cast<std::uint32_t>(b[off + 1]) << 8) |
           (static_cast<std::uint32_t>(b[off + 2]) << 16) |
           (static_cast<std::uint32_t>(b[off + 3]) << 24);
}

// True if [off, off + size) lies inside a buffer of `total` bytes (no overflow: 64-bit sums of
// 32-bit values).
bool fits(std::uint64_t off, std::uint64_t size, std::uint64_t total) {
    return off <= total && size <= total - off;
}

const char* typeName(std::uint16_t type) {
    switch (type) {
        case 0: return "no file type";
        case 1: return "a relocatable object";
        case 2: return "an executable";
        case 3: return "a shared object or position-independent executable";
        case 4: return "a core dump";
        default: return "an unknown file type";
    }
}

std::string machineName(std::uint16_t machine) {
    switch (machine) {
        case 3: return " (x86)";
        case 8: return " (MIPS)";
        case 40: return " (ARM)";
        case 62: return " (x86-64)";
        case 183: return " (AArch64)";
        case 243: return " (RISC-V)";
        default: return "";
    }
}

}  // namespace

std::vector<std::uint8_t> readFileBytes(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw ImageError(fmt::format("{}: cannot open file: it is a directory", path));
    }
    errno = 0;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) {
        int err = errno;
        throw ImageError(fmt::format("{}: cannot open file: {}", path,
                                     err ? std::strerror(err) : "unknown error"));
    }
    std::vector<std::uint8_t> out;
    std::uint8_t chunk[65536];
    for (;;) {
        std::size_t n = std::fread(chunk, 1, sizeof chunk, f.get());
        if (n > 0) {
            if (out.size() + n > kMaxImageFileSize) {
                throw ImageError(fmt::format("{}: cannot open file: larger than {} MiB", path,
                                             kMaxImageFileSize / (1024 * 1024)));
            }
            out.insert(out.end(), chunk, chunk + n);
        }
        if (n < sizeof chunk) {
            if (std::ferror(f.get())) {
                int err = errno;
                throw ImageError(fmt::format("{}: cannot read file: {}", path,
                                             err ? std::strerror(err) : "read error"));
            }
            break;
        }
    }
    return out;
}

void ElfFile::fail(const std::string& what) const {
    throw ImageError(fmt::format("{}: {}", name_, what));
}

ElfFile ElfFile::load(const std::string& path) {
    return parse(path, readFileBytes(path));
}

ElfFile ElfFile::parse(std::string name, std::vector<std::uint8_t> bytes) {
    ElfFile f;
    f.name_ = std::move(name);
    f.bytes_ = std::move(bytes);
    f.parseHeader();
    f.parseProgramHeaders();
    f.parseSections();
    return f;
}

ElfFile ElfFile::parseLinux(std::string name, std::vector<std::uint8_t> bytes) {
    ElfFile f;
    f.name_ = std::move(name);
    f.bytes_ = std::move(bytes);
    f.parseHeader(/*accept_dyn=*/true);
    f.parseProgramHeaders();
    f.parseSections();
    return f;
}

void ElfFile::parseHeader(bool accept_dyn) {
    std::span<const std::uint8_t> b = bytes_;
    const std::size_t size = b.size();
    if (size == 0) fail("file is empty (0 bytes): not an ELF file");

    static constexpr std::uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};
    for (std::size_t i = 0; i < 4 && i < size; ++i) {
        if (b[i] != kMagic[i]) fail("not an ELF file (bad magic at offset 0)");
    }
    if (size < 16) {
        fail(fmt::format(
            "file is truncated: the ELF identification needs 16 bytes, the file has {}", size));
    }
    if (b[4] != elf::kClass32) {
        fail(fmt::format("ELF class {} at offset 4: only 32-bit ELF is supported{}", b[4],
                         b[4] == 2 ? " (this is a 64-bit file)" : ""));
    }
    if (b[5] != elf::kData2Lsb) {
        fail(fmt::format("ELF data encoding {} at offset 5: only little-endian ELF is supported{}",
                         b[5], b[5] == 2 ? " (this is a big-endian file)" : ""));
    }
    if (b[6] != elf::kEvCurrent) {
        fail(fmt::format("ELF version {} at offset 6: expected 1 (EV_CURRENT)", b[6]));
    }
    if (size < elf::kEhdrSize) {
        fail(fmt::format("file is truncated: the ELF header needs {} bytes, the file has {}",
                         elf::kEhdrSize, size));
    }
    const std::uint16_t type = rd16(b, 0x10);
    type_ = type;
    if (accept_dyn && type != elf::kEtExec && type != elf::kEtDyn) {
        fail(fmt::format("e_type {} at offset 0x10: file is {}, not an executable (ET_EXEC, 2, or ET_DYN, 3)",
                         type, typeName(type)));
    }
    if (!accept_dyn && type != elf::kEtExec) {
        fail(fmt::format("e_type {} at offset 0x10: file is {}, not an executable (ET_EXEC, 2)",
                         type, typeName(type)));
    }
    const std::uint16_t machine = rd16(b, 0x12);
    if (machine != elf::kEmArm) {
        fail(fmt::format("e_machine {}{} at offset 0x12: not ARM (40)", machine,
                         machineName(machine)));
    }
    const std::uint32_t version = rd32(b, 0x14);
    if (version != elf::kEvCurrent) {
        fail(fmt::format("e_version {} at offset 0x14: expected 1 (EV_CURRENT)", version));
    }
    entry_ = rd32(b, 0x18);
    phoff_ = rd32(b, 0x1c);
    shoff_ = rd32(b, 0x20);
    flags_ = rd32(b, 0x24);
    const std::uint16_t ehsize = rd16(b, 0x28);
    phentsize_ = rd16(b, 0x2a);
    phnum_ = rd16(b, 0x2c);
    shentsize_ = rd16(b, 0x2e);
    shnum_ = rd16(b, 0x30);
    shstrndx_ = rd16(b, 0x32);

    if (ehsize != elf::kEhdrSize) {
        fail(fmt::format("e_ehsize {} at offset 0x28: expected {}", ehsize, elf::kEhdrSize));
    }
}

void ElfFile::parseProgramHeaders() {
    std::span<const std::uint8_t> b = bytes_;
    const std::size_t size = b.size();
    if (phnum_ == 0) return;
    if (phnum_ == 0xffff) {
        fail("e_phnum 0xffff at offset 0x2c: extended program header numbering is not supported");
    }
    if (phentsize_ < elf::kPhdrSize) {
        fail(fmt::format("e_phentsize {} at offset 0x2a: expected at least {}", phentsize_,
                         elf::kPhdrSize));
    }
    if (phoff_ == 0) {
        fail(fmt::format("e_phoff 0 at offset 0x1c: {} program headers but no table offset",
                         phnum_));
    }
    const std::uint64_t tableSize = std::uint64_t{phnum_} * phentsize_;
    if (!fits(phoff_, tableSize, size)) {
        fail(fmt::format(
            "file is truncated: program header table (offset {}, {} {} of {} bytes, ends at {}) "
            "runs past the end of the file (size {})",
            imageHex(phoff_), phnum_, phnum_ == 1 ? "entry" : "entries", phentsize_,
            imageHex(phoff_ + tableSize), imageHex(size)));
    }
    phdrs_.reserve(phnum_);
    for (std::size_t i = 0; i < phnum_; ++i) {
        const std::size_t off = phoff_ + i * phentsize_;
        ElfProgramHeader ph;
        ph.type = rd32(b, off + 0);
        ph.offset = rd32(b, off + 4);
        ph.vaddr = rd32(b, off + 8);
        ph.paddr = rd32(b, off + 12);
        ph.filesz = rd32(b, off + 16);
        ph.memsz = rd32(b, off + 20);
        ph.flags = rd32(b, off + 24);
        ph.align = rd32(b, off + 28);
        if (ph.type == elf::kPtLoad) {
            const std::string where =
                fmt::format("program header {} at offset {}", i, imageHex(off));
            if (!fits(ph.offset, ph.filesz, size)) {
                fail(fmt::format(
                    "{}: segment data (offset {}, size {}) runs past the end of the file (size {})",
                    where, imageHex(ph.offset), imageHex(ph.filesz), imageHex(size)));
            }
            if (ph.filesz > ph.memsz) {
                fail(fmt::format("{}: p_filesz {} is larger than p_memsz {}", where,
                                 imageHex(ph.filesz), imageHex(ph.memsz)));
            }
            if (std::uint64_t{ph.vaddr} + ph.memsz > 0x1'0000'0000ull) {
                fail(
                    fmt::format("{}: segment (vaddr {}, memsz {}) wraps past the end of the "
                                "32-bit address space",
                                where, imageHex8(ph.vaddr), imageHex(ph.memsz)));
            }
            if (std::uint64_t{ph.paddr} + ph.memsz > 0x1'0000'0000ull) {
                fail(
                    fmt::format("{}: segment (paddr {}, memsz {}) wraps past the end of the "
                                "32-bit address space",
                                where, imageHex8(ph.paddr), imageHex(ph.memsz)));
            }
        }
        phdrs_.push_back(ph);
    }
}

std::span<const std::uint8_t> ElfFile::segmentData(std::size_t index) const {
    const ElfProgramHeader& ph = phdrs_.at(index);
    if (!fits(ph.offset, ph.filesz, bytes_.size())) return {};
    return std::span<const std::uint8_t>(bytes_).subspan(ph.offset, ph.filesz);
}

void ElfFile::parseSections() {
    std::span<const std::uint8_t> b = bytes_;
    const std::size_t size = b.size();
    // e_shnum == 0 with e_shoff != 0 would mean extended numbering (count in section 0); the
    // toolchain never produces it for small images, so such files are read as having no
    // sections, which only disables symbol lookup.
    if (shoff_ == 0 || shnum_ == 0) return;
    if (shentsize_ < elf::kShdrSize) {
        fail(fmt::format("e_shentsize {} at offset 0x2e: expected at least {}", shentsize_,
                         elf::kShdrSize));
    }
    const std::uint64_t tableSize = std::uint64_t{shnum_} * shentsize_;
    if (!fits(shoff_, tableSize, size)) {
        fail(fmt::format(
            "file is truncated: section header table (offset {}, {} {} of {} bytes, ends at {}) "
            "runs past the end of the file (size {})",
            imageHex(shoff_), shnum_, shnum_ == 1 ? "entry" : "entries", shentsize_,
            imageHex(shoff_ + tableSize), imageHex(size)));
    }
    if (shstrndx_ != elf::kShnUndef && shstrndx_ >= shnum_) {
        fail(fmt::format("e_shstrndx {} at offset 0x32: there are only {} sections", shstrndx_,
                         shnum_));
    }

    std::vector<std::uint32_t> nameOffsets;
    shdrs_.reserve(shnum_);
    for (std::size_t i = 0; i < shnum_; ++i) {
        const std::size_t off = shoff_ + i * shentsize_;
        ElfSectionHeader sh;
        nameOffsets.push_back(rd32(b, off + 0));
        sh.type = rd32(b, off + 4);
        sh.flags = rd32(b, off + 8);
        sh.addr = rd32(b, off + 12);
        sh.offset = rd32(b, off + 16);
        sh.size = rd32(b, off + 20);
        sh.link = rd32(b, off + 24);
        sh.info = rd32(b, off + 28);
        sh.addralign = rd32(b, off + 32);
        sh.entsize = rd32(b, off + 36);
        if (sh.type != elf::kShtNull && sh.type != elf::kShtNobits &&
            !fits(sh.offset, sh.size, size)) {
            fail(fmt::format(
                "section header {} at offset {}: section data (offset {}, size {}) runs past the "
                "end of the file (size {})",
                i, imageHex(off), imageHex(sh.offset), imageHex(sh.size), imageHex(size)));
        }
        shdrs_.push_back(std::move(sh));
    }

    // Reads the NUL-terminated string at `strOff` of string-table section `tab`.
    auto readString = [&](std::size_t tab, std::uint32_t strOff,
                          const std::string& who) -> std::string {
        const ElfSectionHeader& t = shdrs_[tab];
        if (t.type != elf::kShtStrtab) {
            fail(fmt::format("{}: linked section {} is not a string table (type {})", who, tab,
                             t.type));
        }
        if (strOff >= t.size) {
            fail(fmt::format("{}: name offset {} is outside the string table (section {}, size {})",
                             who, imageHex(strOff), tab, imageHex(t.size)));
        }
        const auto* first = b.data() + t.offset + strOff;
        const auto* last = b.data() + t.offset + t.size;
        const void* nul = std::memchr(first, 0, static_cast<std::size_t>(last - first));
        if (nul == nullptr) {
            fail(
                fmt::format("{}: name at offset {} is not terminated inside the string table "
                            "(section {})",
                            who, imageHex(strOff), tab));
        }
        return std::string(reinterpret_cast<const char*>(first),
                           static_cast<const std::uint8_t*>(nul) - first);
    };

    if (shstrndx_ != elf::kShnUndef) {
        for (std::size_t i = 0; i < shnum_; ++i) {
            if (shdrs_[i].type == elf::kShtNull && nameOffsets[i] == 0) continue;
            shdrs_[i].name = readString(shstrndx_, nameOffsets[i],
                                        fmt::format("section header {} at offset {}", i,
                                                    imageHex(shoff_ + i * shentsize_)));
        }
    }

    // The first SHT_SYMTAB (static executables have exactly one).
    for (std::size_t i = 0; i < shnum_; ++i) {
        const ElfSectionHeader& st = shdrs_[i];
        if (st.type != elf::kShtSymtab) continue;
        const std::string where = fmt::format("symbol table (section {} at offset {})", i,
                                              imageHex(shoff_ + i * shentsize_));
        if (st.entsize < elf::kSymSize) {
            fail(fmt::format("{}: sh_entsize {} is smaller than {}", where, st.entsize,
                             elf::kSymSize));
        }
        if (st.link == 0 || st.link >= shnum_) {
            fail(fmt::format("{}: sh_link {} does not name a section", where, st.link));
        }
        const std::size_t count = st.size / st.entsize;
        symbols_.reserve(count);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t off = st.offset + k * st.entsize;  // inside the file (checked)
            ElfSymbol sym;
            const std::uint32_t nameOff = rd32(b, off + 0);
            sym.value = rd32(b, off + 4);
            sym.size = rd32(b, off + 8);
            sym.info = b[off + 12];
            sym.other = b[off + 13];
            sym.shndx = rd16(b, off + 14);
            if (nameOff != 0) {
                sym.name = readString(st.link, nameOff,
                                      fmt::format("symbol {} at offset {}", k, imageHex(off)));
            }
            symbols_.push_back(std::move(sym));
        }
        break;
    }
}

const ElfSectionHeader* ElfFile::findSection(std::string_view name) const {
    for (const auto& s : shdrs_) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

const ElfSymbol* ElfFile::findSymbol(std::string_view name) const {
    if (name.empty()) return nullptr;
    const ElfSymbol* local = nullptr;
    for (const auto& s : symbols_) {
        if (s.name != name || !s.defined()) continue;
        if (s.type() == elf::kSttSection || s.type() == elf::kSttFile) continue;
        if (s.binding() == elf::kStbGlobal || s.binding() == elf::kStbWeak) return &s;
        if (local == nullptr) local = &s;
    }
    return local;
}

std::optional<std::uint32_t> ElfFile::symbolAddress(std::string_view name) const {
    const ElfSymbol* s = findSymbol(name);
    if (s == nullptr) return std::nullopt;
    return s->value;
}

}  // namespace mt3620
