// ElfFile and RtAppImage: a valid RTApp loads, and every malformed file or broken loading rule
// gives an ImageError whose message names the file and the reason. Images are built here, in
// memory, by a small ELF writer, so every field can be broken on purpose.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "image/ElfFile.h"
#include "image/RtAppImage.h"

using namespace mt3620;

namespace {

// ---- A tiny ELF writer -----------------------------------------------------------------------

void put16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
    if (b.size() < off + 2) b.resize(off + 2);
    b[off] = v & 0xff;
    b[off + 1] = v >> 8;
}
void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
    if (b.size() < off + 4) b.resize(off + 4);
    for (int i = 0; i < 4; ++i) b[off + i] = (v >> (8 * i)) & 0xff;
}
void append32(std::vector<uint8_t>& b, uint32_t v) {
    put32(b, b.size(), v);
}
size_t alignUp(size_t v, size_t a) {
    return (v + a - 1) / a * a;
}

struct TestSegment {
    uint32_t type = elf::kPtLoad;
    uint32_t vaddr = 0;
    uint32_t flags = elf::kPfR | elf::kPfW | elf::kPfX;
    std::vector<uint8_t> data;
    uint32_t memsz = 0;                      // 0: data.size()
    std::optional<uint32_t> offsetOverride;  // force p_offset
    std::optional<uint32_t> fileszOverride;  // force p_filesz
};

struct TestSymbol {
    std::string name;
    uint32_t value;
    uint8_t info;  // (binding << 4) | type
    uint16_t shndx = 1;
};

struct ElfBuilder {
    uint8_t cls = elf::kClass32;
    uint8_t dataEnc = elf::kData2Lsb;
    uint8_t identVersion = elf::kEvCurrent;
    uint16_t type = elf::kEtExec;
    uint16_t machine = elf::kEmArm;
    uint32_t entry = kTcmBase;
    std::vector<TestSegment> segments;
    std::vector<TestSymbol> symbols;  // non-empty: write .strtab, .symtab, .shstrtab

    std::vector<uint8_t> build() const {
        std::vector<uint8_t> b(elf::kEhdrSize, 0);
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        b[4] = cls;
        b[5] = dataEnc;
        b[6] = identVersion;
        put16(b, 0x10, type);
        put16(b, 0x12, machine);
        put32(b, 0x14, 1);
        put32(b, 0x18, entry);
        put32(b, 0x1c, segments.empty() ? 0 : elf::kEhdrSize);
        put32(b, 0x24, 0x05000400);  // EABI5, hard float
        put16(b, 0x28, elf::kEhdrSize);
        put16(b, 0x2a, elf::kPhdrSize);
        put16(b, 0x2c, static_cast<uint16_t>(segments.size()));
        put16(b, 0x2e, elf::kShdrSize);

        const size_t phoff = elf::kEhdrSize;
        b.resize(phoff + segments.size() * elf::kPhdrSize, 0);
        for (size_t i = 0; i < segments.size(); ++i) {
            const TestSegment& s = segments[i];
            b.resize(alignUp(b.size(), 32), 0);
            const size_t dataOff = b.size();
            b.insert(b.end(), s.data.begin(), s.data.end());
            const size_t p = phoff + i * elf::kPhdrSize;
            put32(b, p + 0, s.type);
            put32(b, p + 4, s.offsetOverride.value_or(static_cast<uint32_t>(dataOff)));
            put32(b, p + 8, s.vaddr);
            put32(b, p + 12, s.vaddr);
            put32(b, p + 16, s.fileszOverride.value_or(static_cast<uint32_t>(s.data.size())));
            put32(b, p + 20, s.memsz ? s.memsz : static_cast<uint32_t>(s.data.size()));
            put32(b, p + 24, s.flags);
            put32(b, p + 28, 0x20);
        }

        if (!symbols.empty()) {
            // Section 0: null, 1: .text placeholder (NOBITS), 2: .symtab, 3: .strtab, 4: .shstrtab
            std::vector<uint8_t> strtab{0};
            std::vector<uint8_t> symtab(elf::kSymSize, 0);
            for (const TestSymbol& sym : symbols) {
                const size_t nameOff = strtab.size();
                strtab.insert(strtab.end(), sym.name.begin(), sym.name.end());
                strtab.push_back(0);
                const size_t o = symtab.size();
                symtab.resize(o + elf::kSymSize, 0);
                put32(symtab, o + 0, static_cast<uint32_t>(nameOff));
                put32(symtab, o + 4, sym.value);
                put32(symtab, o + 8, 4);
                symtab[o + 12] = sym.info;
                put16(symtab, o + 14, sym.shndx);
            }
            const std::string shstr = std::string("\0.text\0.symtab\0.strtab\0.shstrtab\0", 34);
            const size_t symtabOff = alignUp(b.size(), 4);
            b.resize(symtabOff, 0);
            b.insert(b.end(), symtab.begin(), symtab.end());
            const size_t strtabOff = b.size();
            b.insert(b.end(), strtab.begin(), strtab.end());
            const size_t shstrOff = b.size();
            b.insert(b.end(), shstr.begin(), shstr.end());
            const size_t shoff = alignUp(b.size(), 4);
            b.resize(shoff + 5 * elf::kShdrSize, 0);
            auto sh = [&](size_t idx, uint32_t name, uint32_t type, uint32_t off, uint32_t size,
                          uint32_t link, uint32_t entsize) {
                const size_t p = shoff + idx * elf::kShdrSize;
                put32(b, p + 0, name);
                put32(b, p + 4, type);
                put32(b, p + 16, off);
                put32(b, p + 20, size);
                put32(b, p + 24, link);
                put32(b, p + 36, entsize);
            };
            sh(1, 1, elf::kShtNobits, 0, 0x100, 0, 0);
            sh(2, 7, elf::kShtSymtab, static_cast<uint32_t>(symtabOff),
               static_cast<uint32_t>(symtab.size()), 3, elf::kSymSize);
            sh(3, 15, elf::kShtStrtab, static_cast<uint32_t>(strtabOff),
               static_cast<uint32_t>(strtab.size()), 0, 0);
            sh(4, 23, elf::kShtStrtab, static_cast<uint32_t>(shstrOff),
               static_cast<uint32_t>(shstr.size()), 0, 0);
            put32(b, 0x20, static_cast<uint32_t>(shoff));
            put16(b, 0x30, 5);
            put16(b, 0x32, 4);
        }
        return b;
    }
};

// A vector table head (MSP, reset handler) followed by `codeBytes` bytes of "code".
std::vector<uint8_t> vectorTable(uint32_t msp, uint32_t reset, size_t codeBytes = 0x40) {
    std::vector<uint8_t> d;
    append32(d, msp);
    append32(d, reset);
    for (size_t i = 0; i < codeBytes; ++i) d.push_back(static_cast<uint8_t>(i));
    return d;
}

// The shape the samples have: one RWX segment at the start of TCM, .bss after the file data.
ElfBuilder goodImage() {
    ElfBuilder e;
    TestSegment s;
    s.vaddr = kTcmBase;
    s.data = vectorTable(0x00130000, kTcmBase + 0x41);
    s.memsz = static_cast<uint32_t>(s.data.size()) + 0x100;
    e.segments.push_back(s);
    return e;
}

// Loads `bytes` as "<name>" and returns the ImageError message ("" if it loaded).
std::string loadError(const std::vector<uint8_t>& bytes, const std::string& name = "app.elf") {
    try {
        RtAppImage::fromBytes(name, bytes);
    } catch (const ImageError& e) {
        return e.what();
    }
    return "";
}

#define EXPECT_IMAGE_ERROR(bytes, ...)                         \
    do {                                                       \
        const std::string msg_ = loadError(bytes);             \
        ASSERT_FALSE(msg_.empty()) << "image was accepted";    \
        EXPECT_EQ(msg_.rfind("app.elf: ", 0), 0u) << msg_;     \
        EXPECT_EQ(msg_.find('\n'), std::string::npos) << msg_; \
        for (const char* word_ : {__VA_ARGS__}) {              \
            EXPECT_NE(msg_.find(word_), std::string::npos)     \
                << "missing \"" << word_ << "\" in: " << msg_; \
        }                                                      \
    } while (0)

}  // namespace

// ---- Good images -------------------------------------------------------------------------------

TEST(ElfFile, ParsesHeaderProgramHeadersAndSegmentData) {
    ElfBuilder b = goodImage();
    TestSegment exidx;
    exidx.type = elf::kPtArmExidx;
    exidx.vaddr = kTcmBase + 0x48;
    exidx.flags = elf::kPfR;
    exidx.data = {1, 2, 3, 4, 5, 6, 7, 8};
    b.segments.push_back(exidx);
    const auto bytes = b.build();

    ElfFile f = ElfFile::parse("app.elf", bytes);
    EXPECT_EQ(f.name(), "app.elf");
    EXPECT_EQ(f.entry(), kTcmBase);
    ASSERT_EQ(f.programHeaders().size(), 2u);
    const ElfProgramHeader& ph = f.programHeaders()[0];
    EXPECT_EQ(ph.type, elf::kPtLoad);
    EXPECT_EQ(ph.vaddr, kTcmBase);
    EXPECT_EQ(ph.paddr, kTcmBase);
    EXPECT_EQ(ph.filesz, 0x48u);
    EXPECT_EQ(ph.memsz, 0x148u);
    EXPECT_EQ(ph.align, 0x20u);
    EXPECT_TRUE(ph.readable() && ph.writable() && ph.executable());
    auto data = f.segmentData(0);
    ASSERT_EQ(data.size(), 0x48u);
    EXPECT_EQ(data[0], 0x00);
    EXPECT_EQ(data[2], 0x13);  // MSP 0x00130000, little-endian
    EXPECT_EQ(data[4], 0x41);
    EXPECT_EQ(f.segmentData(1).size(), 8u);
    EXPECT_EQ(f.segmentData(1)[7], 8);
    EXPECT_THROW(f.segmentData(2), std::out_of_range);
    EXPECT_TRUE(f.sections().empty());
    EXPECT_FALSE(f.symbolAddress("main").has_value());
}

TEST(RtAppImage, LoadsGoodImage) {
    ElfBuilder b = goodImage();
    // Program header types other than PT_LOAD are ignored, as are empty PT_LOADs.
    TestSegment stack;
    stack.type = elf::kPtGnuStack;
    b.segments.push_back(stack);
    TestSegment note;
    note.type = elf::kPtNote;
    note.vaddr = 0x90000000;
    note.data = {0, 0, 0, 0};
    b.segments.push_back(note);
    TestSegment empty;
    empty.vaddr = 0x50000000;
    b.segments.push_back(empty);
    TestSegment sysram;
    sysram.vaddr = kSysramBase;
    sysram.flags = elf::kPfR | elf::kPfW;
    sysram.data = {0xaa, 0xbb};
    sysram.memsz = kSysramSize;
    b.segments.push_back(sysram);

    RtAppImage img = RtAppImage::fromBytes("app.elf", b.build());
    EXPECT_EQ(img.name, "app.elf");
    EXPECT_EQ(img.entry, kTcmBase);
    EXPECT_EQ(img.initial_sp, 0x00130000u);
    EXPECT_EQ(img.reset_pc, kTcmBase + 0x41);
    ASSERT_EQ(img.segments.size(), 2u);
    const auto& s0 = img.segments[0];
    EXPECT_EQ(s0.vaddr, kTcmBase);
    EXPECT_EQ(s0.data.size(), 0x48u);
    EXPECT_EQ(s0.memsz, 0x148u);
    EXPECT_TRUE(s0.writable);
    EXPECT_TRUE(s0.executable);
    EXPECT_EQ(s0.region, Region::Tcm);
    EXPECT_EQ(s0.phdrIndex, 0u);
    const auto& s1 = img.segments[1];
    EXPECT_EQ(s1.vaddr, kSysramBase);
    EXPECT_EQ(s1.data, (std::vector<uint8_t>{0xaa, 0xbb}));
    EXPECT_EQ(s1.memsz, kSysramSize);
    EXPECT_TRUE(s1.writable);
    EXPECT_FALSE(s1.executable);
    EXPECT_EQ(s1.region, Region::Sysram);
    EXPECT_EQ(s1.phdrIndex, 4u);
    EXPECT_EQ(img.segmentAt(kSysramBase + kSysramSize - 1), &img.segments[1]);
    EXPECT_EQ(img.segmentAt(kTcmBase + 0x148), nullptr);
    ASSERT_NE(img.elf(), nullptr);
}

TEST(RtAppImage, SegmentFillingTcmExactlyAndStackInSysram) {
    ElfBuilder b;
    TestSegment s;
    s.vaddr = kTcmBase;
    s.data = vectorTable(kSysramBase + kSysramSize, kTcmBase + 9);
    s.memsz = kTcmSize;
    b.segments.push_back(s);
    RtAppImage img = RtAppImage::fromBytes("app.elf", b.build());
    EXPECT_EQ(img.initial_sp, kSysramBase + kSysramSize);
}

TEST(RtAppImage, LoadsXipImage) {
    // XIP layout: read-only code in flash at 0x10000000 (entry there), data in TCM.
    ElfBuilder b;
    b.entry = kXipBase;
    TestSegment code;
    code.vaddr = kXipBase;
    code.flags = elf::kPfR | elf::kPfX;
    code.data = vectorTable(0x00130000, kXipBase + 0x21);
    b.segments.push_back(code);
    TestSegment data;
    data.vaddr = kTcmBase;
    data.flags = elf::kPfR | elf::kPfW;
    data.data = {1, 2, 3, 4};
    data.memsz = 0x1000;
    b.segments.push_back(data);
    RtAppImage img = RtAppImage::fromBytes("app.elf", b.build());
    EXPECT_EQ(img.entry, kXipBase);
    EXPECT_EQ(img.reset_pc, kXipBase + 0x21);
    ASSERT_EQ(img.segments.size(), 2u);
    EXPECT_EQ(img.segments[0].region, Region::Xip);
    EXPECT_FALSE(img.segments[0].writable);
    EXPECT_EQ(img.segments[1].region, Region::Tcm);
}

TEST(RtAppImage, SymbolLookup) {
    ElfBuilder b = goodImage();
    b.symbols = {
        {"RTCoreMain", kTcmBase + 0x41, (elf::kStbGlobal << 4) | elf::kSttFunc},
        {"counter", 0x00100200, (elf::kStbLocal << 4) | elf::kSttObject},
        {"counter", 0x00100300, (elf::kStbGlobal << 4) | elf::kSttObject},
        {"undefined_ref", 0, (elf::kStbGlobal << 4) | elf::kSttNotype, elf::kShnUndef},
        {"ExceptionVectorTable", kTcmBase, (elf::kStbLocal << 4) | elf::kSttObject},
    };
    const auto bytes = b.build();
    RtAppImage img = RtAppImage::fromBytes("app.elf", bytes);
    EXPECT_EQ(img.symbolAddress("RTCoreMain"), kTcmBase + 0x41);  // Thumb bit kept
    EXPECT_EQ(img.symbolAddress("counter"), 0x00100300u);         // global wins over local
    EXPECT_EQ(img.symbolAddress("ExceptionVectorTable"), kTcmBase);
    EXPECT_FALSE(img.symbolAddress("undefined_ref").has_value());
    EXPECT_FALSE(img.symbolAddress("nope").has_value());
    EXPECT_FALSE(img.symbolAddress("").has_value());

    ElfFile f = ElfFile::parse("app.elf", bytes);
    ASSERT_EQ(f.sections().size(), 5u);
    EXPECT_EQ(f.sections()[2].name, ".symtab");
    ASSERT_NE(f.findSection(".strtab"), nullptr);
    EXPECT_EQ(f.findSection(".strtab")->type, elf::kShtStrtab);
    EXPECT_EQ(f.findSection(".nothing"), nullptr);
    EXPECT_EQ(f.symbols().size(), 6u);  // null symbol + 5
    ASSERT_NE(f.findSymbol("RTCoreMain"), nullptr);
    EXPECT_EQ(f.findSymbol("RTCoreMain")->type(), elf::kSttFunc);
}

TEST(ElfFile, SymbolNameNotTerminatedIsAnError) {
    ElfBuilder b = goodImage();
    b.symbols = {{"main", kTcmBase + 1, (elf::kStbGlobal << 4) | elf::kSttFunc}};
    auto bytes = b.build();
    // Shrink .strtab (section 3) by one byte so "main" loses its terminating NUL.
    const uint32_t shoff =
        bytes[0x20] | (bytes[0x21] << 8) | (bytes[0x22] << 16) | (bytes[0x23] << 24);
    const size_t sizeField = shoff + 3 * elf::kShdrSize + 20;
    bytes[sizeField] -= 1;
    EXPECT_IMAGE_ERROR(bytes, "symbol 1", "not terminated");
    // Point .symtab's sh_link at itself: not a string table.
    bytes[sizeField] += 1;
    bytes[shoff + 2 * elf::kShdrSize + 24] = 2;
    EXPECT_IMAGE_ERROR(bytes, "not a string table");
}

TEST(ElfFile, SectionHeaderTablePastEndIsAnError) {
    ElfBuilder b = goodImage();
    b.symbols = {{"main", kTcmBase + 1, (elf::kStbGlobal << 4) | elf::kSttFunc}};
    auto bytes = b.build();
    bytes.resize(bytes.size() - 1);
    EXPECT_IMAGE_ERROR(bytes, "truncated", "section header table");
}

// ---- Malformed ELF files ---------------------------------------------------------------------

TEST(ElfFile, EmptyFile) {
    EXPECT_IMAGE_ERROR({}, "empty");
}

TEST(ElfFile, BadMagic) {
    auto bytes = goodImage().build();
    bytes[1] = 'X';
    EXPECT_IMAGE_ERROR(bytes, "not an ELF file", "bad magic", "offset 0");
    EXPECT_IMAGE_ERROR((std::vector<uint8_t>{'M', 'Z'}), "not an ELF file", "bad magic");
    EXPECT_IMAGE_ERROR((std::vector<uint8_t>{0x7f, 'E'}), "truncated");
}

TEST(ElfFile, SixtyFourBitClass) {
    ElfBuilder b = goodImage();
    b.cls = 2;
    EXPECT_EQ(loadError(b.build()),
              "app.elf: ELF class 2 at offset 4: only 32-bit ELF is supported (this is a 64-bit "
              "file)");
}

TEST(ElfFile, BigEndian) {
    ElfBuilder b = goodImage();
    b.dataEnc = 2;
    EXPECT_IMAGE_ERROR(b.build(), "offset 5", "little-endian", "big-endian");
}

TEST(ElfFile, BadIdentVersion) {
    ElfBuilder b = goodImage();
    b.identVersion = 0;
    EXPECT_IMAGE_ERROR(b.build(), "offset 6", "EV_CURRENT");
}

TEST(ElfFile, WrongMachine) {
    ElfBuilder b = goodImage();
    b.machine = 3;
    EXPECT_IMAGE_ERROR(b.build(), "e_machine 3", "x86", "offset 0x12", "not ARM (40)");
    b.machine = 62;
    EXPECT_IMAGE_ERROR(b.build(), "e_machine 62", "not ARM (40)");
}

TEST(ElfFile, NotAnExecutable) {
    ElfBuilder b = goodImage();
    b.type = 1;
    EXPECT_IMAGE_ERROR(b.build(), "e_type 1", "relocatable", "ET_EXEC");
    b.type = 3;
    EXPECT_IMAGE_ERROR(b.build(), "e_type 3", "shared object");
}

TEST(ElfFile, BadHeaderSizes) {
    auto bytes = goodImage().build();
    auto bad = bytes;
    put16(bad, 0x28, 64);
    EXPECT_IMAGE_ERROR(bad, "e_ehsize 64");
    bad = bytes;
    put16(bad, 0x2a, 16);
    EXPECT_IMAGE_ERROR(bad, "e_phentsize 16");
    bad = bytes;
    put32(bad, 0x14, 2);
    EXPECT_IMAGE_ERROR(bad, "e_version 2");
}

TEST(ElfFile, TruncatedHeader) {
    auto bytes = goodImage().build();
    bytes.resize(40);
    EXPECT_IMAGE_ERROR(bytes, "file is truncated", "ELF header needs 52 bytes", "has 40");
}

TEST(ElfFile, TruncatedProgramHeaderTable) {
    auto bytes = goodImage().build();
    bytes.resize(elf::kEhdrSize + 20);
    EXPECT_IMAGE_ERROR(bytes, "file is truncated", "program header table", "past the end");
    // A table offset far past the end, with a wrapping size.
    bytes = goodImage().build();
    put32(bytes, 0x1c, 0xfffffff0);
    EXPECT_IMAGE_ERROR(bytes, "program header table", "past the end");
}

TEST(ElfFile, SegmentDataPastEndOfFile) {
    ElfBuilder b = goodImage();
    b.segments[0].offsetOverride = 0x1000;
    b.segments[0].fileszOverride = 0x2000;
    b.segments[0].memsz = 0x3000;
    const auto bytes = b.build();
    char size[32];
    std::snprintf(size, sizeof size, "%#zx", bytes.size());
    EXPECT_EQ(loadError(bytes),
              std::string("app.elf: program header 0 at offset 0x34: segment data "
                          "(offset 0x1000, size 0x2000) runs past the end of "
                          "the file (size ") +
                  size + ")");
    // offset + filesz overflowing 32 bits must not wrap around to "inside the file".
    b.segments[0].offsetOverride = 0xffffff00;
    b.segments[0].fileszOverride = 0x200;
    EXPECT_IMAGE_ERROR(b.build(), "program header 0", "past the end of the file");
}

TEST(ElfFile, FileszLargerThanMemsz) {
    ElfBuilder b = goodImage();
    b.segments[0].memsz = 0x10;
    EXPECT_IMAGE_ERROR(b.build(), "program header 0", "p_filesz 0x48", "larger than p_memsz 0x10");
}

TEST(ElfFile, SegmentWrappingAddressSpace) {
    ElfBuilder b = goodImage();
    b.segments[0].vaddr = 0xfffff000;
    b.segments[0].memsz = 0x2000;
    EXPECT_IMAGE_ERROR(b.build(), "program header 0", "wraps");
}

TEST(ElfFile, NonexistentFile) {
    const std::string path = std::string(TEST_TMP_DIR) + "/does-not-exist/missing.elf";
    try {
        RtAppImage::load(path);
        FAIL() << "loaded a missing file";
    } catch (const ImageError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.rfind(path + ": cannot open file", 0), 0u) << msg;
        EXPECT_NE(msg.find("No such file"), std::string::npos) << msg;
    }
    EXPECT_THROW(ElfFile::load(TEST_TMP_DIR "/.."), ImageError);  // a directory
}

TEST(ElfFile, LoadsFromFile) {
    std::filesystem::create_directories(TEST_TMP_DIR);
    const std::string path = std::string(TEST_TMP_DIR) + "/elf_loader_good.elf";
    const auto bytes = goodImage().build();
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        ASSERT_NE(f, nullptr);
        ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
        std::fclose(f);
    }
    EXPECT_EQ(readFileBytes(path), bytes);
    RtAppImage img = RtAppImage::load(path);
    EXPECT_EQ(img.name, path);
    EXPECT_EQ(img.initial_sp, 0x00130000u);
    std::filesystem::remove(path);
}

// Every prefix of a valid image, and many random corruptions of it, either load or throw
// ImageError: never crash, never read out of bounds (run under MT3620_SANITIZE to check).
TEST(ElfFile, TruncationsAndCorruptionsOnlyThrowImageError) {
    ElfBuilder b = goodImage();
    b.symbols = {{"main", kTcmBase + 0x41, (elf::kStbGlobal << 4) | elf::kSttFunc}};
    const auto good = b.build();
    for (size_t n = 0; n < good.size(); ++n) {
        std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_FALSE(loadError(cut).empty()) << "prefix of " << n << " bytes was accepted";
    }
    std::mt19937 rng(1234);
    for (int iter = 0; iter < 20000; ++iter) {
        auto bad = good;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) {
            // Mostly the headers, where the interesting fields are.
            const size_t pos =
                (rng() % 4 != 0) ? rng() % (elf::kEhdrSize + elf::kPhdrSize) : rng() % bad.size();
            bad[pos] = static_cast<uint8_t>(rng());
        }
        try {
            RtAppImage::fromBytes("fuzz.elf", bad);
        } catch (const ImageError& e) {
            const std::string msg = e.what();
            ASSERT_EQ(msg.rfind("fuzz.elf: ", 0), 0u) << msg;
            ASSERT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
    }
}

// ---- RTApp loading rules -----------------------------------------------------------------------

TEST(RtAppImage, NoLoadSegment) {
    ElfBuilder b = goodImage();
    b.segments[0].type = elf::kPtNote;
    EXPECT_IMAGE_ERROR(b.build(), "no PT_LOAD");
    b.segments.clear();
    EXPECT_IMAGE_ERROR(b.build(), "no PT_LOAD");
}

TEST(RtAppImage, OnlyEmptyLoadSegments) {
    ElfBuilder b;
    TestSegment s;
    s.vaddr = kTcmBase;
    b.segments.push_back(s);
    EXPECT_IMAGE_ERROR(b.build(), "p_memsz 0", "nothing to load");
}

TEST(RtAppImage, SegmentOutsideAllRegions) {
    ElfBuilder b = goodImage();
    TestSegment s;
    s.vaddr = 0x30000000;
    s.data = {1};
    s.memsz = 0x100;
    b.segments.push_back(s);
    EXPECT_EQ(loadError(b.build()),
              "app.elf: segment 1 (vaddr 0x30000000, memsz 0x100): outside TCM "
              "(0x00100000-0x0012ffff), SYSRAM (0x22000000-0x2200ffff) and XIP flash "
              "(0x10000000-0x100fffff)");
}

TEST(RtAppImage, SegmentStraddlingTcmEnd) {
    ElfBuilder b = goodImage();
    TestSegment s;
    s.vaddr = kTcmBase + kTcmSize - 0x100;
    s.flags = elf::kPfR | elf::kPfW;
    s.memsz = 0x200;
    s.data = {1, 2};
    b.segments.push_back(s);
    EXPECT_IMAGE_ERROR(b.build(), "segment 1 (vaddr 0x0012ff00, memsz 0x200)",
                       "starts in TCM (0x00100000-0x0012ffff)", "ends at 0x001300ff",
                       "past the end of TCM");
}

TEST(RtAppImage, SegmentJustBelowTcm) {
    ElfBuilder b = goodImage();
    TestSegment s;
    s.vaddr = kTcmBase - 0x10;
    s.memsz = 0x20;
    b.segments.push_back(s);
    EXPECT_IMAGE_ERROR(b.build(), "segment 1", "outside TCM");
}

TEST(RtAppImage, OverlappingSegments) {
    ElfBuilder b = goodImage();
    TestSegment s;
    s.vaddr = kTcmBase + 0x100;
    s.memsz = 0x100;
    b.segments.push_back(s);
    EXPECT_IMAGE_ERROR(b.build(), "segment 1", "overlaps segment 0");
}

TEST(RtAppImage, TwoXipSegments) {
    ElfBuilder b = goodImage();
    TestSegment x1;
    x1.vaddr = kXipBase;
    x1.flags = elf::kPfR | elf::kPfX;
    x1.data = {1, 2, 3, 4};
    b.segments.push_back(x1);
    TestSegment x2 = x1;
    x2.vaddr = kXipBase + 0x1000;
    x2.flags = elf::kPfR;
    b.segments.push_back(x2);
    EXPECT_IMAGE_ERROR(b.build(), "segment 2 (vaddr 0x10001000", "second segment in XIP flash",
                       "at most one XIP segment");
}

TEST(RtAppImage, XipSegmentNotAtWindowStart) {
    ElfBuilder b = goodImage();
    TestSegment x;
    x.vaddr = kXipBase + 0x20;
    x.flags = elf::kPfR | elf::kPfX;
    x.data = {1, 2, 3, 4};
    b.segments.push_back(x);
    EXPECT_IMAGE_ERROR(b.build(), "segment 1 (vaddr 0x10000020", "XIP", "exactly 0x10000000");
}

TEST(RtAppImage, WritableXipSegment) {
    ElfBuilder b = goodImage();
    TestSegment x;
    x.vaddr = kXipBase;
    x.flags = elf::kPfR | elf::kPfW;
    x.data = {1, 2, 3, 4};
    b.segments.push_back(x);
    EXPECT_IMAGE_ERROR(b.build(), "segment 1", "writable", "XIP flash");
}

TEST(RtAppImage, XipSegmentTooBig) {
    ElfBuilder b = goodImage();
    TestSegment x;
    x.vaddr = kXipBase;
    x.flags = elf::kPfR;
    x.data = {1};
    x.memsz = kXipSize + 4;
    b.segments.push_back(x);
    EXPECT_IMAGE_ERROR(b.build(), "segment 1", "past the end of XIP flash");
}

TEST(RtAppImage, EntryOutsideSegments) {
    ElfBuilder b = goodImage();
    b.entry = 0x00120000;
    EXPECT_IMAGE_ERROR(b.build(), "entry point 0x00120000", "not inside a loaded segment");
}

TEST(RtAppImage, EntryMisaligned) {
    ElfBuilder b = goodImage();
    b.entry = kTcmBase + 2;
    EXPECT_IMAGE_ERROR(b.build(), "entry point 0x00100002", "4-byte aligned");
}

TEST(RtAppImage, VectorTableNotInFileData) {
    ElfBuilder b = goodImage();
    b.entry = kTcmBase + 0x44;  // file data is 0x48 bytes: only 4 bytes left
    EXPECT_IMAGE_ERROR(b.build(), "entry point 0x00100044", "vector table", "file data");
    b.entry = kTcmBase + 0x100;  // in the zero-filled .bss
    EXPECT_IMAGE_ERROR(b.build(), "vector table");
}

TEST(RtAppImage, ResetHandlerWithoutThumbBit) {
    ElfBuilder b = goodImage();
    b.segments[0].data = vectorTable(0x00130000, kTcmBase + 0x40);
    EXPECT_IMAGE_ERROR(b.build(), "reset handler 0x00100040", "Thumb bit");
}

TEST(RtAppImage, ResetHandlerOutsideExecutableSegment) {
    ElfBuilder b = goodImage();
    b.segments[0].data = vectorTable(0x00130000, 0x00120001);
    EXPECT_IMAGE_ERROR(b.build(), "reset handler 0x00120001", "not inside a loaded segment");
    // In a loaded but non-executable segment.
    b = goodImage();
    b.segments[0].data = vectorTable(0x00130000, kSysramBase + 1);
    TestSegment d;
    d.vaddr = kSysramBase;
    d.flags = elf::kPfR | elf::kPfW;
    d.data = {1, 2, 3, 4};
    b.segments.push_back(d);
    EXPECT_IMAGE_ERROR(b.build(), "reset handler 0x22000001", "not executable");
}

TEST(RtAppImage, MspMisaligned) {
    ElfBuilder b = goodImage();
    b.segments[0].data = vectorTable(0x0012fffc, kTcmBase + 0x41);
    EXPECT_IMAGE_ERROR(b.build(), "initial MSP 0x0012fffc", "8-byte aligned");
}

TEST(RtAppImage, MspOutsideRam) {
    ElfBuilder b = goodImage();
    b.segments[0].data = vectorTable(0x00130008, kTcmBase + 0x41);  // just above TCM's top
    EXPECT_IMAGE_ERROR(b.build(), "initial MSP 0x00130008", "outside", "TCM", "SYSRAM");
    b.segments[0].data = vectorTable(kTcmBase, kTcmBase + 0x41);  // empty stack
    EXPECT_IMAGE_ERROR(b.build(), "initial MSP 0x00100000", "outside");
    b.segments[0].data = vectorTable(kXipBase + 0x1000, kTcmBase + 0x41);  // flash
    EXPECT_IMAGE_ERROR(b.build(), "initial MSP 0x10001000", "outside");
}

// ---- The project's firmware samples (built by another target; skipped when absent) ----------

class RtAppSamples : public ::testing::TestWithParam<const char*> {};

TEST_P(RtAppSamples, LoadsSampleFirmware) {
    const std::string path = std::string(FIRMWARE_DIR) + "/" + GetParam();
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not built";
    RtAppImage img = RtAppImage::load(path);
    const bool xip = std::string(GetParam()).find("xip") != std::string::npos;
    EXPECT_EQ(img.entry, xip ? kXipBase : kTcmBase);
    EXPECT_EQ(img.initial_sp, 0x00130000u);
    EXPECT_EQ(img.reset_pc & 1u, 1u);
    ASSERT_NE(img.segmentAt(img.reset_pc & ~1u), nullptr);
    EXPECT_TRUE(img.segmentAt(img.reset_pc & ~1u)->executable);
    ASSERT_NE(img.elf(), nullptr);
    EXPECT_FALSE(img.segments.empty());
}

INSTANTIATE_TEST_SUITE_P(Firmware, RtAppSamples,
                         ::testing::Values("hello.elf", "compute.elf", "hello-xip.elf"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& c : n) {
                                 if (c == '.' || c == '-') c = '_';
                             }
                             return n;
                         });
