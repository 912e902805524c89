#include "image/RtAppImage.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace mt3620 {

const char* regionName(Region r) {
    switch (r) {
        case Region::Tcm: return "TCM";
        case Region::Sysram: return "SYSRAM";
        case Region::Xip: return "XIP flash";
    }
    return "?";
}

std::uint32_t regionBase(Region r) {
    switch (r) {
        case Region::Tcm: return kTcmBase;
        case Region::Sysram: return kSysramBase;
        case Region::Xip: return kXipBase;
    }
    return 0;
}

std::uint32_t regionSize(Region r) {
    switch (r) {
        case Region::Tcm: return kTcmSize;
        case Region::Sysram: return kSysramSize;
        case Region::Xip: return kXipSize;
    }
    return 0;
}

namespace {

constexpr std::array<Region, 3> kRegions = {Region::Tcm, Region::Sysram, Region::Xip};

std::string regionRange(Region r) {
    return fmt::format("{} ({}-{})", regionName(r), imageHex8(regionBase(r)),
                       imageHex8(regionBase(r) + regionSize(r) - 1));
}

bool inRegion(std::uint64_t addr, Region r) {
    return addr >= regionBase(r) && addr < std::uint64_t{regionBase(r)} + regionSize(r);
}

std::uint32_t rd32(const std::vector<std::uint8_t>& d, std::size_t off) {
    return static_cast<std::uint32_t>(d[off]) | (static_cast<std::uint32_t>(d[off + 1]) << 8) |
           (static_cast<std::uint32_t>(d[off + 2]) << 16) |
           (static_cast<std::uint32_t>(d[off + 3]) << 24);
}

}  // namespace

RtAppImage RtAppImage::load(const std::string& path) {
    return fromElf(ElfFile::load(path));
}

RtAppImage RtAppImage::fromBytes(std::string name, std::vector<std::uint8_t> bytes) {
    return fromElf(ElfFile::parse(std::move(name), std::move(bytes)));
}

RtAppImage RtAppImage::fromElf(ElfFile file) {
    auto elfp = std::make_shared<const ElfFile>(std::move(file));
    RtAppImage img;
    img.name = elfp->name();
    auto fail = [&](const std::string& what) -> void {
        throw ImageError(fmt::format("{}: {}", img.name, what));
    };
    auto segDesc = [](const Segment& s) {
        return fmt::format("segment {} (vaddr {}, memsz {})", s.phdrIndex, imageHex8(s.vaddr),
                           imageHex(s.memsz));
    };

    const auto& phdrs = elfp->programHeaders();
    std::size_t loadCount = 0;
    std::optional<std::size_t> xipIndex;  // into img.segments
    for (std::size_t i = 0; i < phdrs.size(); ++i) {
        const ElfProgramHeader& ph = phdrs[i];
        if (ph.type != elf::kPtLoad) continue;
        ++loadCount;
        if (ph.memsz == 0) continue;

        Segment seg;
        seg.vaddr = ph.vaddr;
        seg.memsz = ph.memsz;
        seg.writable = ph.writable();
        seg.executable = ph.executable();
        seg.phdrIndex = i;
        const std::uint64_t end = std::uint64_t{ph.vaddr} + ph.memsz;  // exclusive

        bool placed = false;
        for (Region r : kRegions) {
            if (!inRegion(ph.vaddr, r)) continue;
            if (end > std::uint64_t{regionBase(r)} + regionSize(r)) {
                fail(fmt::format("{}: starts in {} but ends at {}, past the end of {}",
                                 segDesc(seg), regionRange(r),
                                 imageHex8(static_cast<std::uint32_t>(end - 1)), regionName(r)));
            }
            seg.region = r;
            placed = true;
            break;
        }
        if (!placed) {
            fail(fmt::format("{}: outside {}, {} and {}", segDesc(seg), regionRange(Region::Tcm),
                             regionRange(Region::Sysram), regionRange(Region::Xip)));
        }
        if (seg.region == Region::Xip) {
            if (xipIndex) {
                fail(
                    fmt::format("{}: a second segment in XIP flash ({} is already there): at "
                                "most one XIP segment is allowed",
                                segDesc(seg), segDesc(img.segments[*xipIndex])));
            }
            if (seg.vaddr != kXipBase) {
                fail(fmt::format("{}: the XIP flash segment must start at exactly {}", segDesc(seg),
                                 imageHex8(kXipBase)));
            }
            if (seg.writable) {
                fail(
                    fmt::format("{}: writable segment in XIP flash (read-only); put writable "
                                "data in TCM or SYSRAM",
                                segDesc(seg)));
            }
        }
        for (const Segment& other : img.segments) {
            const std::uint64_t oend = std::uint64_t{other.vaddr} + other.memsz;
            if (seg.vaddr < oend && other.vaddr < end) {
                fail(fmt::format("{}: overlaps {}", segDesc(seg), segDesc(other)));
            }
        }
        auto data = elfp->segmentData(i);
        seg.data.assign(data.begin(), data.end());
        if (seg.region == Region::Xip) xipIndex = img.segments.size();
        img.segments.push_back(std::move(seg));
    }
    if (loadCount == 0) fail("no PT_LOAD program header: nothing to load");
    if (img.segments.empty()) fail("every PT_LOAD segment is empty (p_memsz 0): nothing to load");

    // Entry point and vector table.
    img.entry = elfp->entry();
    const std::string entryDesc = fmt::format("entry point {}", imageHex8(img.entry));
    const Segment* es = img.segmentAt(img.entry);
    if (es == nullptr)
        fail(fmt::format("{} (e_entry, offset 0x18): not inside a loaded segment", entryDesc));
    if (img.entry % 4 != 0)
        fail(fmt::format("{} (e_entry, offset 0x18): not 4-byte aligned", entryDesc));
    const std::uint64_t vtOff = img.entry - es->vaddr;
    if (vtOff + kVectorTableMinBytes > es->data.size()) {
        fail(
            fmt::format("{}: the vector table (initial MSP and reset handler, {} bytes) is not "
                        "in the file data of segment {} (file data ends at {})",
                        entryDesc, kVectorTableMinBytes, es->phdrIndex,
                        imageHex8(static_cast<std::uint32_t>(es->vaddr + es->data.size()))));
    }
    img.initial_sp = rd32(es->data, vtOff);
    img.reset_pc = rd32(es->data, vtOff + 4);

    const std::string pcDesc = fmt::format("reset handler {} (vector table word 1 at {})",
                                           imageHex8(img.reset_pc), imageHex8(img.entry + 4));
    if ((img.reset_pc & 1u) == 0) {
        fail(fmt::format("{}: Thumb bit (bit 0) is not set; the Cortex-M4 only runs Thumb code",
                         pcDesc));
    }
    const Segment* ps = img.segmentAt(img.reset_pc & ~1u);
    if (ps == nullptr) fail(fmt::format("{}: not inside a loaded segment", pcDesc));
    if (!ps->executable) {
        fail(fmt::format("{}: segment {} is not executable (no PF_X flag)", pcDesc, ps->phdrIndex));
    }

    const std::string spDesc = fmt::format("initial MSP {} (vector table word 0 at {})",
                                           imageHex8(img.initial_sp), imageHex8(img.entry));
    if (img.initial_sp % 8 != 0) fail(fmt::format("{}: not 8-byte aligned", spDesc));
    bool spOk = false;
    for (Region r : {Region::Tcm, Region::Sysram}) {
        const std::uint64_t top = std::uint64_t{regionBase(r)} + regionSize(r);
        if (img.initial_sp > regionBase(r) && img.initial_sp <= top) spOk = true;
    }
    if (!spOk) {
        fail(
            fmt::format("{}: outside the stack ranges of TCM ({}-{}) and SYSRAM ({}-{}); the "
                        "stack grows down, so the region's end address is the highest allowed",
                        spDesc, imageHex8(kTcmBase + 8), imageHex8(kTcmBase + kTcmSize),
                        imageHex8(kSysramBase + 8), imageHex8(kSysramBase + kSysramSize)));
    }

    img.elf_ = std::move(elfp);
    return img;
}

std::optional<std::uint32_t> RtAppImage::symbolAddress(std::string_view symbol) const {
    if (!elf_) return std::nullopt;
    return elf_->symbolAddress(symbol);
}

const RtAppImage::Segment* RtAppImage::segmentAt(std::uint32_t addr) const {
    for (const Segment& s : segments) {
        if (addr >= s.vaddr && std::uint64_t{addr} < std::uint64_t{s.vaddr} + s.memsz) return &s;
    }
    return nullptr;
}

}  // namespace mt3620
