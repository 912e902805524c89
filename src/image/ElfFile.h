#pragma once
// A strict, bounds-checked reader for 32-bit little-endian ARM ELF executables (the format of
// Azure Sphere real-time apps). The parser validates everything it reads before it reads it:
// a malformed or truncated file produces an ImageError, never an out-of-bounds access.
//
// Every ImageError message is one line of the form "<file>: <where>: <reason>", for example
//   hello.elf: program header 2 at offset 0x54: segment data (offset 0x1000, size 0x2000)
//   runs past the end of the file (size 0x1800)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mt3620 {

/// Any problem with a firmware image file: unreadable, malformed, or breaking a loading rule.
/// The message names the file, the field or offset concerned, and the reason.
class ImageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The ELF constants the emulator uses (values from the ELF and ARM ELF specifications).
namespace elf {
constexpr std::size_t kEhdrSize = 52;  // sizeof(Elf32_Ehdr)
constexpr std::size_t kPhdrSize = 32;  // sizeof(Elf32_Phdr)
constexpr std::size_t kShdrSize = 40;  // sizeof(Elf32_Shdr)
constexpr std::size_t kSymSize = 16;   // sizeof(Elf32_Sym)

constexpr std::uint8_t kClass32 = 1;    // ELFCLASS32
constexpr std::uint8_t kData2Lsb = 1;   // ELFDATA2LSB
constexpr std::uint8_t kEvCurrent = 1;  // EV_CURRENT
constexpr std::uint16_t kEtExec = 2;    // ET_EXEC
constexpr std::uint16_t kEtDyn = 3;     // ET_DYN (shared object, PIE executable)
constexpr std::uint16_t kEmArm = 40;    // EM_ARM

constexpr std::uint32_t kPtNull = 0;
constexpr std::uint32_t kPtLoad = 1;
constexpr std::uint32_t kPtDynamic = 2;
constexpr std::uint32_t kPtInterp = 3;
constexpr std::uint32_t kPtNote = 4;
constexpr std::uint32_t kPtPhdr = 6;
constexpr std::uint32_t kPtTls = 7;
constexpr std::uint32_t kPtGnuStack = 0x6474e551;
constexpr std::uint32_t kPtArmExidx = 0x70000001;

constexpr std::uint32_t kPfX = 1;  // segment flags
constexpr std::uint32_t kPfW = 2;
constexpr std::uint32_t kPfR = 4;

constexpr std::uint32_t kShtNull = 0;
constexpr std::uint32_t kShtSymtab = 2;
constexpr std::uint32_t kShtStrtab = 3;
constexpr std::uint32_t kShtNobits = 8;

constexpr std::uint16_t kShnUndef = 0;

constexpr std::uint8_t kSttNotype = 0;  // symbol types (low nibble of st_info)
constexpr std::uint8_t kSttObject = 1;
constexpr std::uint8_t kSttFunc = 2;
constexpr std::uint8_t kSttSection = 3;
constexpr std::uint8_t kSttFile = 4;
constexpr std::uint8_t kStbLocal = 0;  // symbol bindings (high nibble of st_info)
constexpr std::uint8_t kStbGlobal = 1;
constexpr std::uint8_t kStbWeak = 2;
}  // namespace elf

/// One program header, fields as stored in the file.
struct ElfProgramHeader {
    std::uint32_t type = 0;
    std::uint32_t offset = 0;
    std::uint32_t vaddr = 0;
    std::uint32_t paddr = 0;
    std::uint32_t filesz = 0;
    std::uint32_t memsz = 0;
    std::uint32_t flags = 0;  // elf::kPfR | kPfW | kPfX
    std::uint32_t align = 0;

    bool readable() const { return (flags & elf::kPfR) != 0; }
    bool writable() const { return (flags & elf::kPfW) != 0; }
    bool executable() const { return (flags & elf::kPfX) != 0; }
};

/// One section header, with its name resolved from the section-name string table.
struct ElfSectionHeader {
    std::string name;
    std::uint32_t type = 0;
    std::uint32_t flags = 0;
    std::uint32_t addr = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint32_t link = 0;
    std::uint32_t info = 0;
    std::uint32_t addralign = 0;
    std::uint32_t entsize = 0;
};

/// One entry of the .symtab symbol table.
struct ElfSymbol {
    std::string name;
    std::uint32_t value = 0;  // as stored: Thumb functions have bit 0 set
    std::uint32_t size = 0;
    std::uint8_t info = 0;
    std::uint8_t other = 0;
    std::uint16_t shndx = 0;

    std::uint8_t type() const { return info & 0x0f; }
    std::uint8_t binding() const { return info >> 4; }
    bool defined() const { return shndx != elf::kShnUndef; }
};

/// Reads a whole file into memory. Throws ImageError ("<path>: cannot open file: <reason>")
/// if it cannot be read, is a directory or is larger than kMaxImageFileSize.
std::vector<std::uint8_t> readFileBytes(const std::string& path);

/// Files larger than this are refused by readFileBytes (an RTApp fits in 192 KiB of TCM,
/// 64 KiB of SYSRAM and 1 MiB of XIP flash; debug info makes the ELF bigger).
constexpr std::size_t kMaxImageFileSize = 64u * 1024 * 1024;

/// A parsed, validated 32-bit little-endian ARM executable ELF. The object owns the file's
/// bytes; spans it returns stay valid as long as the ElfFile lives (it is movable; moving
/// keeps the spans valid because the byte buffer is not reallocated).
///
/// Checked on construction: magic, ELFCLASS32, ELFDATA2LSB, EV_CURRENT (both in e_ident and
/// e_version), ET_EXEC, EM_ARM, e_ehsize/e_phentsize/e_shentsize, the program header table
/// lies inside the file, and for each PT_LOAD: file data inside the file, p_filesz <= p_memsz,
/// p_vaddr + p_memsz and p_paddr + p_memsz do not pass 2^32. When a section header table is
/// present (e_shoff != 0) it is validated too, with the section names and the .symtab symbols
/// (string offsets bounds-checked, strings NUL-terminated inside their table).
class ElfFile {
public:
    /// Parses `bytes`. `name` is used only in error messages (normally the path).
    static ElfFile parse(std::string name, std::vector<std::uint8_t> bytes);
    /// Like parse(), but also accepts ET_DYN (a position-independent executable or a shared
    /// object such as the musl dynamic loader): what the Linux loader takes (src/os).
    static ElfFile parseLinux(std::string name, std::vector<std::uint8_t> bytes);
    /// readFileBytes(path) then parse(path, ...).
    static ElfFile load(const std::string& path);

    const std::string& name() const { return name_; }
    std::span<const std::uint8_t> bytes() const { return bytes_; }

    std::uint32_t entry() const { return entry_; }
    std::uint16_t type() const { return type_; }  // e_type: elf::kEtExec or (parseLinux) kEtDyn
    std::uint32_t flags() const { return flags_; }  // e_flags (ARM EABI version, float ABI)

    const std::vector<ElfProgramHeader>& programHeaders() const { return phdrs_; }
    /// The file bytes of program header `index` ([p_offset, p_offset + p_filesz)). For PT_LOAD
    /// segments this range has been validated. For other types, an empty span is returned
    /// if the range does not fit in the file. Throws std::out_of_range for a bad index.
    std::span<const std::uint8_t> segmentData(std::size_t index) const;

    /// Empty if the file has no section header table (e.g. stripped with --strip-sections).
    const std::vector<ElfSectionHeader>& sections() const { return shdrs_; }
    /// The first section named `name`, or nullptr.
    const ElfSectionHeader* findSection(std::string_view name) const;

    /// Every .symtab entry (index 0, the null symbol, included). Empty if there is no .symtab.
    const std::vector<ElfSymbol>& symbols() const { return symbols_; }
    /// The defined symbol named `name`; global/weak symbols win over local ones. Section and
    /// file symbols are not considered. nullptr if there is none.
    const ElfSymbol* findSymbol(std::string_view name) const;
    /// findSymbol(name)->value: the raw st_value, so a Thumb function's address has bit 0 set.
    std::optional<std::uint32_t> symbolAddress(std::string_view name) const;

private:
    ElfFile() = default;
    void parseHeader(bool accept_dyn = false);
    void parseProgramHeaders();
    void parseSections();
    [[noreturn]] void fail(const std::string& what) const;

    std::string name_;
    std::vector<std::uint8_t> bytes_;
    std::uint32_t entry_ = 0;
    std::uint16_t type_ = 0;
    std::uint32_t flags_ = 0;
    std::uint32_t phoff_ = 0;
    std::uint16_t phentsize_ = 0;
    std::uint16_t phnum_ = 0;
    std::uint32_t shoff_ = 0;
    std::uint16_t shentsize_ = 0;
    std::uint16_t shnum_ = 0;
    std::uint16_t shstrndx_ = 0;
    std::vector<ElfProgramHeader> phdrs_;
    std::vector<ElfSectionHeader> shdrs_;
    std::vector<ElfSymbol> symbols_;
};

/// Formats a number the way image error messages show it: decimal below 10, else 0x-hex
/// ("4", "0x12", "0x1000").
std::string imageHex(std::uint64_t value);
/// Always 8 hex digits: "0x00100000".
std::string imageHex8(std::uint32_t value);

}  // namespace mt3620
