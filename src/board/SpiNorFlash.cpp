#include "board/SpiNorFlash.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "board/BoardError.h"
#include "common/Log.h"

namespace mt3620 {

namespace {

constexpr std::uint32_t kMinSize = 64 * 1024;
constexpr std::uint32_t kMaxSize = 16 * 1024 * 1024;  // 24-bit addresses

// Typical Winbond W25Q32JV figures.
constexpr Picos kPageProgramTime = 400 * kPicosPerMicro;
constexpr Picos kSectorEraseTime = 45 * kPicosPerMilli;
constexpr Picos kBlockEraseTime = 150 * kPicosPerMilli;
constexpr Picos kChipEraseTime = 10 * kPicosPerSecond;
constexpr Picos kStatusWriteTime = 10 * kPicosPerMilli;

constexpr std::uint8_t kWinbond = 0xEF, kW25QMemoryType = 0x40;

/// "4MiB", "512KiB" or a number of bytes.
std::uint32_t parseSize(FieldReader& f, std::string_view key) {
    std::optional<std::string> text = f.optionalString(key);
    if (!text) return SpiNorFlash::kDefaultSize;
    std::uint64_t value = 0;
    const char* begin = text->data();
    const char* end = begin + text->size();
    auto [rest, ec] = std::from_chars(begin, end, value);
    std::string_view unit(rest, static_cast<std::size_t>(end - rest));
    std::uint64_t scale = unit.empty() ? 1 : unit == "KiB" ? 1024 : unit == "MiB" ? 1024 * 1024 : 0;
    if (ec != std::errc() || rest == begin || scale == 0 || value > kMaxSize)
        f.fail(key, fmt::format("{} '{}' is not a size (a number of bytes, or with KiB or MiB, such as 4MiB)",
                                f.fieldName(key), *text));
    value *= scale;
    if (value < kMinSize || value > kMaxSize || !std::has_single_bit(value))
        f.fail(key, fmt::format("{} {} is not a power of two from 64KiB to 16MiB", f.fieldName(key), *text));
    return static_cast<std::uint32_t>(value);
}

Picos duration(FieldReader& f, std::string_view key, Picos default_value) {
    if (f.has(key)) return f.period(key);
    f.optionalNode(key);  // known, though absent
    return default_value;
}

std::string sizeText(std::uint64_t bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return fmt::format("{} MiB", bytes / (1024 * 1024));
    if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes / 1024);
    return fmt::format("{} bytes", bytes);
}

}  // namespace

// --- Board file ------------------------------------------------------------------------------

SpiNorFlashSpec SpiNorFlash::parse(FieldReader& fields) {
    Spec spec;
    spec.spi = parseSpiWiring(fields);
    spec.size = parseSize(fields, "size");
    const std::uint32_t default_id =
        (std::uint32_t{kWinbond} << 16) | (std::uint32_t{kW25QMemoryType} << 8) | std::countr_zero(spec.size);
    if (fields.has("jedec-id")) {
        long long id = fields.integer("jedec-id");
        if (id < 0 || id > 0xFFFFFF)
            fields.fail("jedec-id", fmt::format("jedec-id {:#x} does not fit in three bytes (0-0xFFFFFF)", id));
        spec.jedec_id = static_cast<std::uint32_t>(id);
    } else {
        fields.optionalNode("jedec-id");  // known, though absent
        spec.jedec_id = default_id;
    }
    if (std::optional<std::string> file = fields.optionalString("file")) {
        std::filesystem::path path = *file;
        if (path.is_relative() && !fields.context().base_dir.empty()) path = fields.context().base_dir / path;
        spec.file = path.string();
    }
    spec.page_program_time = duration(fields, "page-program-time", kPageProgramTime);
    spec.sector_erase_time = duration(fields, "sector-erase-time", kSectorEraseTime);
    spec.block_erase_time = duration(fields, "block-erase-time", kBlockEraseTime);
    spec.chip_erase_time = duration(fields, "chip-erase-time", kChipEraseTime);
    spec.status_write_time = duration(fields, "status-write-time", kStatusWriteTime);
    return spec;
}

std::vector<ResourceClaim> SpiNorFlash::claims(const Spec& spec) {
    std::vector<ResourceClaim> out = {spiClaim(spec.spi)};
    if (!spec.file.empty()) out.push_back({"file " + spec.file, fmt::format("file '{}'", spec.file), true, "file"});
    return out;
}

// --- Life cycle and persistence --------------------------------------------------------------

SpiNorFlash::SpiNorFlash(const Spec& spec, BoardWiring& wiring)
    : BoardDevice(spec.name),
      spec_(spec),
      log_(wiring.log),
      memory_(load(spec, wiring.log)),
      operation_(wiring.scheduler, "flash " + spec.name + " busy", [this] {
          status_bits_ &= static_cast<std::uint8_t>(~kStatusWel);  // the chip clears WEL when done
          if (dirty_ && !spec_.file.empty() && !persist_timer_.armed()) persist_timer_.armAfter(kPersistDelay);
      }),
      persist_timer_(wiring.scheduler, "flash " + spec.name + " persist", [this] { persist(); }),
      attachment_(spec.spi, spec, wiring, *this) {}

SpiNorFlash::~SpiNorFlash() {
    try {
        persist();
    } catch (const std::exception& e) {
        log_.warn(name(), "cannot save the flash contents: {}", e.what());
    }
}

std::vector<std::uint8_t> SpiNorFlash::load(const Spec& spec, Log& log) {
    auto fail = [&](const std::string& reason) {
        throw BoardError(fmt::format("device '{}' (line {}): {}", spec.name, spec.line, reason));
    };
    std::vector<std::uint8_t> memory(spec.size, 0xFF);  // erased
    if (spec.file.empty()) return memory;
    std::error_code ec;
    const std::filesystem::path path = spec.file;
    if (!std::filesystem::exists(path, ec)) {
        const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
        if (!std::filesystem::is_directory(dir, ec))
            fail(fmt::format("cannot keep the flash in '{}': folder '{}' does not exist", spec.file, dir.string()));
        log.info(spec.name, "'{}' does not exist yet: the flash starts erased", spec.file);
        return memory;
    }
    const std::uintmax_t bytes = std::filesystem::file_size(path, ec);
    if (ec) fail(fmt::format("cannot read '{}': {}", spec.file, ec.message()));
    if (bytes != spec.size)
        fail(fmt::format("file '{}' holds {} bytes, but a {} flash needs exactly {} (give the matching size:, or "
                         "delete the file to start with an erased flash)",
                         spec.file, bytes, sizeText(spec.size), spec.size));
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(memory.data()), static_cast<std::streamsize>(memory.size())))
        fail(fmt::format("cannot read '{}': {}", spec.file, std::strerror(errno)));
    log.debug(spec.name, "loaded {} from '{}'", sizeText(spec.size), spec.file);
    return memory;
}

bool SpiNorFlash::persist() {
    persist_timer_.cancel();
    if (spec_.file.empty() || !dirty_) return true;
    const std::string temp = spec_.file + ".tmp";
    auto failed = [&](const char* step) {
        log_.warn(name(), "cannot save the flash to '{}': {} '{}': {}", spec_.file, step, temp, std::strerror(errno));
        ::unlink(temp.c_str());
        return false;
    };
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return failed("create");
    const std::uint8_t* p = memory_.data();
    std::size_t left = memory_.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return failed("write");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return failed("fsync");
    }
    if (::close(fd) != 0) return failed("close");
    if (::rename(temp.c_str(), spec_.file.c_str()) != 0) return failed("rename");
    dirty_ = false;
    log_.debug(name(), "saved to '{}'", spec_.file);
    return true;
}

// --- The SPI side ----------------------------------------------------------------------------

std::uint8_t SpiNorFlash::status() const {
    return static_cast<std::uint8_t>(status_bits_ | (busy() ? kStatusWip : 0));
}

void SpiNorFlash::select() {
    frame_bytes_ = 0;
    frame_ignored_ = false;
    page_bytes_ = 0;
    page_latched_.fill(false);
}

std::uint32_t SpiNorFlash::frameAddress() const {
    const std::uint32_t a = (std::uint32_t{frame_header_[1]} << 16) | (std::uint32_t{frame_header_[2]} << 8) | frame_header_[3];
    return a & (spec_.size - 1);  // upper address bits beyond the array are ignored
}

std::uint8_t SpiNorFlash::readData(unsigned data_index) const {
    return memory_[(frameAddress() + data_index) & (spec_.size - 1)];
}

std::uint8_t SpiNorFlash::exchange(std::uint8_t mosi) {
    const unsigned index = frame_bytes_++;
    if (index == 0) {
        opcode_ = mosi;
        frame_header_[0] = mosi;
        if (busy() && opcode_ != kReadStatus) {
            frame_ignored_ = true;
            log_.debug(name(), "command {:#04x} while busy (WIP): ignored", opcode_);
        }
        return 0xFF;
    }
    if (frame_ignored_) return 0xFF;
    if (index < 4) frame_header_[index] = mosi;  // address bytes, for the commands that have them

    switch (opcode_) {
        case kJedecId: return index <= 3 ? static_cast<std::uint8_t>(spec_.jedec_id >> (8 * (3 - index))) : 0xFF;
        case kReadStatus: return status();
        case kRead: return index >= 4 ? readData(index - 4) : 0xFF;
        case kFastRead: return index >= 5 ? readData(index - 5) : 0xFF;
        case kWriteStatus:
            if (index == 1) new_status_ = mosi;
            return 0xFF;
        case kPageProgram:
            if (index >= 4) {
                const unsigned offset = (frameAddress() + index - 4) % kPageSize;
                page_latch_[offset] = mosi;
                page_latched_[offset] = true;
                ++page_bytes_;
            }
            return 0xFF;
        default: return 0xFF;
    }
}

void SpiNorFlash::deselect() {
    if (frame_bytes_ == 0 || frame_ignored_) return;
    executeOnDeselect();
}

bool SpiNorFlash::needsWriteEnable(const char* what) {
    if (status_bits_ & kStatusWel) return true;
    log_.warnOnce(name() + ".no-wel." + what, name(), "{} without WRITE ENABLE (0x06) first: ignored, as on the chip",
                  what);
    return false;
}

void SpiNorFlash::executeOnDeselect() {
    const unsigned n = frame_bytes_;
    switch (opcode_) {
        case kJedecId:
        case kRead:
        case kFastRead:
        case kReadStatus: return;
        case kWriteEnable:
            if (n == 1) status_bits_ |= kStatusWel;
            return;
        case kWriteDisable:
            if (n == 1) status_bits_ &= static_cast<std::uint8_t>(~kStatusWel);
            return;
        case kWriteStatus:
            if (n < 2 || !needsWriteEnable("WRITE STATUS")) return;
            status_bits_ = static_cast<std::uint8_t>((new_status_ & 0xFC) | (status_bits_ & kStatusWel));
            startOperation(spec_.status_write_time, "status write");
            return;
        case kPageProgram:
            if (n < 5 || !needsWriteEnable("PAGE PROGRAM")) return;
            program();
            startOperation(spec_.page_program_time, "page program");
            return;
        case kSectorErase:
        case kBlockErase: {
            if (n != 4 || !needsWriteEnable(opcode_ == kSectorErase ? "SECTOR ERASE" : "BLOCK ERASE")) return;
            const std::uint32_t length = opcode_ == kSectorErase ? kSectorSize : kBlockSize;
            erase(frameAddress() & ~(length - 1), length);
            startOperation(opcode_ == kSectorErase ? spec_.sector_erase_time : spec_.block_erase_time,
                           opcode_ == kSectorErase ? "sector erase" : "block erase");
            return;
        }
        case kChipErase:
            if (n != 1 || !needsWriteEnable("CHIP ERASE")) return;
            erase(0, spec_.size);
            startOperation(spec_.chip_erase_time, "chip erase");
            return;
        default:
            log_.warnOnce(name() + fmt::format(".opcode{:02x}", opcode_), name(),
                          "command {:#04x} is not modelled: ignored", opcode_);
            return;
    }
}

void SpiNorFlash::program() {
    // Programming only clears bits: what was 0 stays 0 (the AND of old and new).
    const std::uint32_t page = frameAddress() & ~(kPageSize - 1);
    for (unsigned i = 0; i < kPageSize; ++i)
        if (page_latched_[i]) memory_[page + i] &= page_latch_[i];
    dirty_ = true;
    log_.debug(name(), "page program at {:#08x}: {} byte{}", frameAddress(), page_bytes_, page_bytes_ == 1 ? "" : "s");
}

void SpiNorFlash::erase(std::uint32_t address, std::uint32_t length) {
    std::fill(memory_.begin() + address, memory_.begin() + address + length, 0xFF);
    dirty_ = true;
    log_.debug(name(), "erase {:#08x}..{:#08x}", address, address + length - 1);
}

void SpiNorFlash::startOperation(Picos duration, const char* what) {
    operation_.armAfter(duration);
    log_.trace(name(), "{}: busy for {} ps", what, duration);
}

}  // namespace mt3620
