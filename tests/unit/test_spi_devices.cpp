// SPI board devices: the NOR flash (JEDEC ID, read, program AND semantics, page wrap, erases,
// WIP timing, WEL, persistence and a file of the wrong size), the generic register file, the
// board-file fields of both and their errors, and a flash driven through a real IsuSpi.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "board/Board.h"
#include "board/BoardError.h"
#include "board/BoardFile.h"
#include "board/SpiNorFlash.h"
#include "board/SpiRegisterFile.h"
#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/IsuSpi.h"
#include "periph/PinBank.h"
#include "periph/SpiBus.h"

namespace mt3620 {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string board(const std::string& devices) { return "board: t\nchip: mt3620\ndevices:\n" + devices; }

BoardDescription parse(const std::string& devices, const std::string& dir = "") {
    return BoardFile::parse("t.yaml", board(devices), dir);
}

std::string parseError(const std::string& devices) {
    try {
        parse(devices);
    } catch (const BoardError& e) {
        return e.what();
    }
    return "(no error)";
}

fs::path freshDir(const std::string& name) {
    fs::path dir = fs::path(TEST_TMP_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// A board built from YAML with an SPI bus of its own per ISU.
class SpiRig : public ::testing::Test {
protected:
    SpiRig() {
        auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(logged));
        logger->set_pattern("%v");
        logger->set_level(spdlog::level::info);
        log = std::make_unique<Log>(logger);
        log->setTimeSource(&scheduler);
        pins.setTimeSource(&scheduler);
    }
    void build(const std::string& devices, const std::string& dir = "") {
        board_.reset();
        board_ = std::make_unique<Board>(parse(devices, dir), pins, *log, scheduler, UartLookup{}, I2cBusLookup{},
                                         [this](std::string_view name) -> SpiBus* {
                                             for (SpiBus& b : buses)
                                                 if (b.name() == name) return &b;
                                             return nullptr;
                                         });
    }
    /// One chip-select frame on ISU1 CS `cs`; returns what came back on MISO.
    std::vector<std::uint8_t> frame(std::vector<std::uint8_t> mosi, unsigned cs = 0) {
        SpiTarget* t = buses[1].target(cs);
        EXPECT_NE(t, nullptr);
        std::vector<std::uint8_t> miso;
        if (!t) return miso;
        t->select();
        for (std::uint8_t b : mosi) miso.push_back(t->exchange(b));
        t->deselect();
        return miso;
    }
    std::vector<std::uint8_t> read(std::uint32_t address, unsigned n) {
        std::vector<std::uint8_t> mosi = {0x03, std::uint8_t(address >> 16), std::uint8_t(address >> 8), std::uint8_t(address)};
        mosi.resize(4 + n, 0xFF);
        std::vector<std::uint8_t> miso = frame(mosi);
        return {miso.begin() + 4, miso.end()};
    }
    void program(std::uint32_t address, std::vector<std::uint8_t> data) {
        frame({0x06});
        std::vector<std::uint8_t> mosi = {0x02, std::uint8_t(address >> 16), std::uint8_t(address >> 8), std::uint8_t(address)};
        mosi.insert(mosi.end(), data.begin(), data.end());
        frame(mosi);
        waitWhileBusy();
    }
    void erase(std::uint8_t opcode, std::uint32_t address) {
        frame({0x06});
        frame({opcode, std::uint8_t(address >> 16), std::uint8_t(address >> 8), std::uint8_t(address)});
        waitWhileBusy();
    }
    std::uint8_t status() { return frame({0x05, 0xFF}).at(1); }
    void waitWhileBusy() { scheduler.advanceTo(scheduler.nextDeadline() == kNever ? scheduler.now() : flashOpEnd()); }
    Picos flashOpEnd() { return scheduler.nextDeadline(); }
    SpiNorFlash& flash(const std::string& name = "flash") { return *dynamic_cast<SpiNorFlash*>(board_->device(name)); }

    std::ostringstream logged;
    Scheduler scheduler;
    std::unique_ptr<Log> log;
    PinBank pins;
    std::array<SpiBus, 5> buses{SpiBus("ISU0"), SpiBus("ISU1"), SpiBus("ISU2"), SpiBus("ISU3"), SpiBus("ISU4")};
    std::unique_ptr<Board> board_;
};

const std::string kFlash = "  - {name: flash, type: spi-nor-flash, bus: ISU1}\n";

// --- Flash commands --------------------------------------------------------------------------

TEST_F(SpiRig, JedecIdOfTheDefaultPartAndErasedContents) {
    build(kFlash);
    EXPECT_EQ(frame({0x9F, 0, 0, 0}), (std::vector<std::uint8_t>{0xFF, 0xEF, 0x40, 0x16}));  // W25Q32, 4 MiB
    EXPECT_EQ(read(0, 4), (std::vector<std::uint8_t>(4, 0xFF)));
    EXPECT_EQ(flash().contents().size(), 4u * 1024 * 1024);
    EXPECT_EQ(status(), 0x00);
}

TEST_F(SpiRig, JedecIdFollowsSizeOrTheBoardFile) {
    build("  - {name: flash, type: spi-nor-flash, bus: ISU1, size: 1MiB}\n"
          "  - {name: other, type: spi-nor-flash, bus: ISU1, chip-select: 1, size: 65536, jedec-id: 0xC22016}\n");
    EXPECT_EQ(frame({0x9F, 0, 0, 0}), (std::vector<std::uint8_t>{0xFF, 0xEF, 0x40, 0x14}));
    EXPECT_EQ(frame({0x9F, 0, 0, 0}, 1), (std::vector<std::uint8_t>{0xFF, 0xC2, 0x20, 0x16}));
    EXPECT_EQ(flash("other").contents().size(), 65536u);
}

TEST_F(SpiRig, ProgramNeedsWriteEnableAndOnlyClearsBits) {
    build(kFlash);
    frame({0x02, 0x00, 0x10, 0x00, 0x12});  // no WREN: ignored
    EXPECT_EQ(read(0x1000, 1)[0], 0xFF);
    EXPECT_THAT(logged.str(), HasSubstr("PAGE PROGRAM without WRITE ENABLE (0x06) first: ignored"));

    frame({0x06});
    EXPECT_EQ(status(), SpiNorFlash::kStatusWel);
    program(0x1000, {0xF0, 0x3C});
    program(0x1000, {0x0F, 0xFF});  // AND: 0xF0 & 0x0F = 0, 0x3C & 0xFF = 0x3C
    EXPECT_EQ(read(0x1000, 3), (std::vector<std::uint8_t>{0x00, 0x3C, 0xFF}));
    EXPECT_EQ(status(), 0x00) << "WEL clears when the program ends";
}

TEST_F(SpiRig, ProgramWrapsWithinItsPage) {
    build(kFlash);
    program(0x0001FE, {1, 2, 3, 4});
    EXPECT_EQ(read(0x0001FE, 2), (std::vector<std::uint8_t>{1, 2}));
    EXPECT_EQ(read(0x000100, 2), (std::vector<std::uint8_t>{3, 4})) << "wrapped to the start of page 0x100";
    EXPECT_EQ(read(0x000200, 1)[0], 0xFF) << "the next page is untouched";
}

TEST_F(SpiRig, SectorBlockAndChipErase) {
    build(kFlash);
    program(0x0FFF, {0});
    program(0x1000, {0});
    program(0x1FFF, {0});
    program(0x2000, {0});
    erase(0x20, 0x1234);  // sector 0x1000-0x1FFF
    EXPECT_EQ(read(0x0FFF, 1)[0], 0x00);
    EXPECT_EQ(read(0x1000, 1)[0], 0xFF);
    EXPECT_EQ(read(0x1FFF, 1)[0], 0xFF);
    EXPECT_EQ(read(0x2000, 1)[0], 0x00);

    program(0x10000, {0});
    erase(0xD8, 0x0ABC);  // block 0x0000-0xFFFF
    EXPECT_EQ(read(0x0FFF, 1)[0], 0xFF);
    EXPECT_EQ(read(0x2000, 1)[0], 0xFF);
    EXPECT_EQ(read(0x10000, 1)[0], 0x00);

    frame({0x06});
    frame({0xC7});
    EXPECT_TRUE(flash().busy());
    waitWhileBusy();
    EXPECT_EQ(read(0x10000, 1)[0], 0xFF);
}

TEST_F(SpiRig, WipDuringOperationsAndCommandsIgnoredMeanwhile) {
    build("  - {name: flash, type: spi-nor-flash, bus: ISU1, page-program-time: 1ms, sector-erase-time: 30ms}\n");
    frame({0x06});
    const Picos t0 = scheduler.now();
    frame({0x02, 0, 0, 0, 0x55});
    EXPECT_EQ(status(), SpiNorFlash::kStatusWip | SpiNorFlash::kStatusWel);
    EXPECT_EQ(frame({0x9F, 0, 0, 0}), (std::vector<std::uint8_t>(4, 0xFF))) << "ignored while busy";
    frame({0x04});  // WRDI: ignored too, WEL stays until the program ends
    scheduler.advanceTo(t0 + kPicosPerMilli - 1);
    EXPECT_EQ(status(), SpiNorFlash::kStatusWip | SpiNorFlash::kStatusWel);
    scheduler.advanceTo(t0 + kPicosPerMilli);
    EXPECT_EQ(status(), 0x00);
    EXPECT_EQ(read(0, 1)[0], 0x55);

    frame({0x06});
    const Picos t1 = scheduler.now();
    frame({0x20, 0, 0, 0});
    EXPECT_EQ(flashOpEnd(), t1 + 30 * kPicosPerMilli);
    // An erase needs exactly its address: one byte more and the chip does nothing.
    waitWhileBusy();
    frame({0x06});
    frame({0x20, 0, 0, 0, 0});
    EXPECT_FALSE(flash().busy());
}

TEST_F(SpiRig, FastReadHasADummyByteAndWriteStatusStoresBits) {
    build(kFlash);
    program(0x40, {0xAB, 0xCD});
    EXPECT_EQ(frame({0x0B, 0, 0, 0x40, 0x00, 0xFF, 0xFF}), (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xAB, 0xCD}));
    frame({0x06});
    frame({0x01, 0x1C});
    EXPECT_TRUE(flash().busy());
    waitWhileBusy();
    EXPECT_EQ(status(), 0x1C);
}

TEST_F(SpiRig, UnknownCommandIsLoggedOnce) {
    build(kFlash);
    frame({0x5A, 0, 0, 0});
    frame({0x5A, 0, 0, 0});
    const std::string text = logged.str();
    EXPECT_THAT(text, HasSubstr("command 0x5a is not modelled: ignored"));
    EXPECT_EQ(text.find("0x5a"), text.rfind("0x5a"));
}

// --- Persistence -----------------------------------------------------------------------------

TEST_F(SpiRig, ContentsPersistToTheFileAndComeBack) {
    fs::path dir = freshDir("spi-flash-persist");
    const std::string devices = "  - {name: flash, type: spi-nor-flash, bus: ISU1, size: 64KiB, file: flash.bin}\n";
    build(devices, dir.string());
    EXPECT_FALSE(fs::exists(dir / "flash.bin")) << "a missing file is an erased flash; nothing written yet";
    EXPECT_THAT(logged.str(), HasSubstr("does not exist yet: the flash starts erased"));
    program(0x0100, {'h', 'i'});
    EXPECT_FALSE(fs::exists(dir / "flash.bin"));
    scheduler.advanceTo(scheduler.now() + SpiNorFlash::kPersistDelay);
    ASSERT_TRUE(fs::exists(dir / "flash.bin")) << "written 100 ms after the program completed";
    EXPECT_EQ(fs::file_size(dir / "flash.bin"), 65536u);
    EXPECT_FALSE(fs::exists(dir / "flash.bin.tmp"));

    program(0x0102, {'!'});  // not yet saved when the board goes away: the destructor saves it
    board_.reset();
    std::ifstream in(dir / "flash.bin", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    ASSERT_EQ(bytes.size(), 65536u);
    EXPECT_EQ(bytes.substr(0x100, 3), "hi!");
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0xFFu);

    build(devices, dir.string());
    EXPECT_EQ(read(0x100, 3), (std::vector<std::uint8_t>{'h', 'i', '!'}));
}

TEST_F(SpiRig, AFileOfTheWrongSizeIsRefused) {
    fs::path dir = freshDir("spi-flash-badsize");
    std::ofstream(dir / "flash.bin") << "only a few bytes";
    try {
        build("  - {name: flash, type: spi-nor-flash, bus: ISU1, file: flash.bin}\n", dir.string());
        FAIL() << "accepted a 16-byte file for a 4 MiB flash";
    } catch (const BoardError& e) {
        EXPECT_THAT(e.what(), HasSubstr("device 'flash' (line 4): file '"));
        EXPECT_THAT(e.what(), HasSubstr("flash.bin' holds 16 bytes, but a 4 MiB flash needs exactly 4194304"));
    }
    EXPECT_EQ(fs::file_size(dir / "flash.bin"), 16u) << "the file is left alone";
}

TEST_F(SpiRig, AMissingFolderIsRefused) {
    try {
        build("  - {name: flash, type: spi-nor-flash, bus: ISU1, file: /nonexistent-dir/flash.bin}\n");
        FAIL();
    } catch (const BoardError& e) {
        EXPECT_THAT(e.what(), HasSubstr("folder '/nonexistent-dir' does not exist"));
    }
}

// --- Register file ---------------------------------------------------------------------------

TEST_F(SpiRig, RegisterFileReadsWritesAndAutoIncrements) {
    build("  - {name: regs, type: spi-register-file, bus: ISU1, chip-select: 1,\n"
          "     registers: {0x0F: 0x69, 0x10: 0x01, 0x11: 0x02}, read-only: [0x0F]}\n");
    EXPECT_EQ(frame({0x8F, 0, 0, 0}, 1), (std::vector<std::uint8_t>{0xFF, 0x69, 0x01, 0x02}));
    frame({0x10, 0xAA, 0xBB}, 1);
    EXPECT_EQ(frame({0x90, 0, 0}, 1), (std::vector<std::uint8_t>{0xFF, 0xAA, 0xBB}));
    frame({0x0F, 0x00}, 1);
    auto* regs = dynamic_cast<SpiRegisterFile*>(board_->device("regs"));
    ASSERT_NE(regs, nullptr);
    EXPECT_EQ(regs->value(0x0F), 0x69) << "read-only";
    EXPECT_EQ(frame({0xA0, 0}, 1)[1], 0x00);
    EXPECT_THAT(logged.str(), HasSubstr("read of register 0x20, which the board file does not list: reads 0x00"));
}

// --- Through the controller ------------------------------------------------------------------

TEST_F(SpiRig, FlashThroughIsuSpi) {
    build(kFlash);
    // Replace the rig's ISU1 bus by a controller whose bus holds the same flash.
    IsuSpi spi("ISU1", scheduler, *log);
    ASSERT_TRUE(spi.bus().attach(0, &flash()));
    auto wr = [&](std::uint32_t off, std::uint32_t v) { ASSERT_TRUE(spi.write(off, 4, v)); };
    auto rd = [&](std::uint32_t off) {
        std::uint32_t v = 0;
        EXPECT_TRUE(spi.read(off, 4, v));
        return v;
    };
    wr(IsuSpi::kSoar, 0xFFFFFF9F);
    wr(IsuSpi::kSmmr, IsuSpi::kSmmrMoreBuf | (38u << 16));
    wr(IsuSpi::kSmbcr, (8u << 24) | (24u << 12));
    wr(IsuSpi::kStcsr, IsuSpi::kStcsrStart);
    scheduler.advanceTo(scheduler.nextDeadline());
    EXPECT_EQ(rd(IsuSpi::kSdir0) & 0xFFFFFF, 0x1640EFu);
    spi.bus().detach(0);
}

// --- Board-file errors -----------------------------------------------------------------------

TEST(SpiDeviceParse, FieldsAndDefaults) {
    BoardDescription d = parse(R"(
  - {name: flash, type: spi-nor-flash, bus: ISU1, file: f.bin, sector-erase-time: 1ms}
  - {name: regs, type: spi-register-file, bus: ISU3, chip-select: 1, registers: {0x7F: 255, 0: 0}}
)", "dir");
    const auto& f = std::get<SpiNorFlashSpec>(d.devices[0]);
    EXPECT_EQ(f.spi.bus, "ISU1");
    EXPECT_EQ(f.spi.chip_select, 0u);
    EXPECT_EQ(f.size, 4u * 1024 * 1024);
    EXPECT_EQ(f.jedec_id, 0xEF4016u);
    EXPECT_EQ(f.file, "dir/f.bin");
    EXPECT_EQ(f.sector_erase_time, kPicosPerMilli);
    EXPECT_EQ(f.page_program_time, 400 * kPicosPerMicro);
    const auto& r = std::get<SpiRegisterFileSpec>(d.devices[1]);
    EXPECT_EQ(r.spi.chip_select, 1u);
    ASSERT_EQ(r.registers.size(), 2u);
    EXPECT_EQ(r.registers[0].address, 0);
    EXPECT_EQ(r.registers[1].address, 0x7F);
    EXPECT_EQ(r.registers[1].reset_value, 0xFF);
}

TEST(SpiDeviceParse, BadInputIsRefusedWithLineAndReason) {
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU7}\n"),
              "t.yaml:4: device 'f': unknown SPI bus 'ISU7' (known: ISU0, ISU1, ISU2, ISU3, ISU4)");
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU1, chip-select: 2}\n"),
              "t.yaml:4: device 'f': chip-select 2 is out of range (chip selects 0-1)");
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU1, size: 3MiB}\n"),
              "t.yaml:4: device 'f': size 3MiB is not a power of two from 64KiB to 16MiB");
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU1, size: big}\n"),
              "t.yaml:4: device 'f': size 'big' is not a size (a number of bytes, or with KiB or MiB, such as 4MiB)");
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU1, jedec-id: 0x1000000}\n"),
              "t.yaml:4: device 'f': jedec-id 0x1000000 does not fit in three bytes (0-0xFFFFFF)");
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU1, page-program-time: 5}\n"),
              "t.yaml:4: device 'f': page-program-time '5' is not a duration (a number and a unit: s, ms, us, ns or "
              "ps, such as 500ms)");
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU1, colour: red}\n").substr(0, 44),
              "t.yaml:4: device 'f': unknown field 'colour'");
    EXPECT_EQ(parseError("  - {name: a, type: spi-nor-flash, bus: ISU1}\n"
                         "  - {name: b, type: spi-register-file, bus: ISU1, registers: {1: 2}}\n"),
              "t.yaml:5: device 'b': chip select 0 of ISU1's SPI bus is already used by device 'a' (line 4)");
    EXPECT_EQ(parseError("  - {name: r, type: spi-register-file, bus: ISU1, registers: {0x80: 0}}\n"),
              "t.yaml:4: device 'r': register address '0x80' must be a whole number from 0 to 0x7f");
    EXPECT_EQ(parseError("  - {name: r, type: spi-register-file, bus: ISU1, registers: {1: 0x100}}\n"),
              "t.yaml:4: device 'r': reset value '0x100' must be a whole number from 0 to 0xff");
    EXPECT_EQ(parseError("  - {name: r, type: spi-register-file, bus: ISU1, registers: {1: 0, 0x01: 1}}\n"),
              "t.yaml:4: device 'r': register 0x01 is given twice");
    EXPECT_EQ(parseError("  - {name: r, type: spi-register-file, bus: ISU1, registers: {1: 0}, read-only: [2]}\n"),
              "t.yaml:4: device 'r': read-only register 0x02 is not in registers");
    EXPECT_EQ(parseError("  - {name: r, type: spi-register-file, bus: ISU1, registers: []}\n"),
              "t.yaml:4: device 'r': registers must be a map of 'address: reset value' entries, such as {0x0F: 0x69}");
}

}  // namespace
}  // namespace mt3620

// --- LSM6DS3 over SPI --------------------------------------------------------------------------

namespace mt3620 {
namespace {

TEST_F(SpiRig, Lsm6ds3OnSpiFramingAndIfInc) {
    build("  - {name: imu, type: lsm6ds3, bus: ISU1, interface: spi, chip-select: 1}\n");
    EXPECT_EQ(frame({0x8F, 0}, 1), (std::vector<std::uint8_t>{0xFF, 0x69}));  // WHO_AM_I
    frame({0x10, 0x40, 0x08}, 1);                                              // CTRL1_XL, CTRL2_G
    EXPECT_EQ(frame({0x90, 0, 0}, 1), (std::vector<std::uint8_t>{0xFF, 0x40, 0x08}));
    frame({0x12, 0x00}, 1);  // CTRL3_C: IF_INC off: the address stays put
    EXPECT_EQ(frame({0x90, 0, 0}, 1), (std::vector<std::uint8_t>{0xFF, 0x40, 0x40}));
}

TEST(SpiDeviceParse, Lsm6dsxInterfaceSpi) {
    BoardDescription d = parse("  - {name: imu, type: lsm6dso, bus: ISU1, interface: spi, chip-select: 1}\n");
    const auto& s = std::get<Lsm6dsoSpec>(d.devices[0]);
    EXPECT_EQ(s.interface, "spi");
    EXPECT_EQ(s.chip_select, 1u);
    EXPECT_THAT(parseError("  - {name: imu, type: lsm6ds3, bus: ISU1, interface: spi, address: 0x6A}\n"),
                HasSubstr("t.yaml:4: device 'imu': unknown field 'address'"));
    EXPECT_EQ(parseError("  - {name: imu, type: lsm6ds3, bus: ISU1, interface: uart}\n"),
              "t.yaml:4: device 'imu': unknown interface 'uart' for the LSM6DS3 (known: i2c, spi)");
    EXPECT_EQ(parseError("  - {name: f, type: spi-nor-flash, bus: ISU1}\n"
                         "  - {name: imu, type: lsm6ds3, bus: ISU1, interface: spi}\n"),
              "t.yaml:5: device 'imu': chip select 0 of ISU1's SPI bus is already used by device 'f' (line 4)");
}

}  // namespace
}  // namespace mt3620
