// End-to-end: the spi-flash sample on ISU1's SPI master (0x38080300, IRQ 49) against the
// `spi-nor-flash` device of boards/mt3620-rdb-spi.yaml, run twice through `mt3620-emu run` with
// the same flash file: the second run prints the record the first one wrote. Also the machine
// wiring of the five SPI masters, and the sample in-process with its timing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "board/BoardFile.h"
#include "e2e/E2eSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "periph/IsuSpi.h"

using namespace mt3620;
using e2e::firmware;
using e2e::ms;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

/// A copy of boards/mt3620-rdb-spi.yaml in a fresh folder, so its flash file lands there.
fs::path boardCopy(const std::string& name) {
    fs::path dir = fs::path(TEST_TMP_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(fs::path(SOURCE_DIR) / "boards" / "mt3620-rdb-spi.yaml", dir / "board.yaml");
    return dir;
}

}  // namespace

TEST(IsuSpiMachine, FiveSpiMastersMappedWithTheirIrqs) {
    Machine m;
    for (unsigned n = 0; n < kIsuCount; ++n) {
        IsuSpi& spi = *m.shared().isu_spi[n];
        EXPECT_EQ(isuSpiBase(n), 0x38070300u + n * 0x10000u);
        EXPECT_EQ(spi.irq.number(), 45u + 4 * n);
        EXPECT_EQ(m.shared().spiBus("ISU" + std::to_string(n)), &spi.bus());
        for (CoreId core : {CoreId::M4_0, CoreId::M4_1})
            EXPECT_EQ(m.m4(core).bus.deviceAt(isuSpiBase(n) + 0x34), &spi) << n;
    }
    EXPECT_EQ(m.shared().spiBus("ISU5"), nullptr);
}

TEST(SpiFlashSample, BootRecordSurvivesASecondRunThroughTheFlashFile) {
    const fs::path dir = boardCopy("spi-flash-e2e");
    const std::string cmd = "run --board " + (dir / "board.yaml").string() + " --m4-0 " + firmware("spi-flash");

    e2e::CommandResult first = e2e::runEmu(cmd);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_THAT(first.out, HasSubstr("spi-flash: JEDEC ID ef 40 16\r\n"));
    EXPECT_THAT(first.out, HasSubstr("spi-flash: no boot record (erased flash)\r\n"));
    EXPECT_THAT(first.out, HasSubstr("reads back erased\r\n"));
    EXPECT_THAT(first.out, HasSubstr("spi-flash: wrote record of boot 1: \"boot 1 says hello\", verify OK\r\n"));
    EXPECT_THAT(first.err, HasSubstr("all cores idle")) << "the sample ends idle";
    ASSERT_TRUE(fs::exists(dir / "spi-flash.bin"));
    EXPECT_EQ(fs::file_size(dir / "spi-flash.bin"), 4u * 1024 * 1024);

    e2e::CommandResult second = e2e::runEmu(cmd);
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_THAT(second.out, HasSubstr("spi-flash: found record of boot 1: \"boot 1 says hello\"\r\n"));
    EXPECT_THAT(second.out, HasSubstr("spi-flash: wrote record of boot 2: \"boot 2 says hello\", verify OK\r\n"));

    // A flash file of the wrong size is refused before anything runs.
    fs::resize_file(dir / "spi-flash.bin", 1000);
    e2e::CommandResult bad = e2e::runEmu(cmd);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_THAT(bad.err, HasSubstr("device 'flash' (line 17): file '"));
    EXPECT_THAT(bad.err, HasSubstr("spi-flash.bin' holds 1000 bytes, but a 4 MiB flash needs exactly 4194304"));
    EXPECT_EQ(bad.out, "");
}

TEST(SpiFlashSample, EraseTakesTheSectorEraseTimeInVirtualTime) {
    const fs::path dir = boardCopy("spi-flash-inproc");
    Machine m;
    m.loadBoard(BoardFile::load((dir / "board.yaml").string()));
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("spi-flash")));
    const std::string& out = m.m4(CoreId::M4_0).debug_uart_capture.text();
    Machine::StopReason why = m.runFor(e2e::sec(1), [&] { return out.find("spi-flash: done") != std::string::npos; });
    ASSERT_EQ(why, Machine::StopReason::Condition) << out;
    // 45 ms typical sector erase (W25Q32); the sample measures it with GPT3.
    EXPECT_THAT(out, HasSubstr("spi-flash: sector 0 erased in 45 ms"));
    EXPECT_THAT(out, HasSubstr("verify OK"));
    // The boot is the erase plus about 300 characters on the 115200-baud debug UART (26 ms);
    // the transfers themselves are short (an RDSR poll is 16 bits at 1.976 MHz, 8.1 us).
    EXPECT_GT(m.now(), ms(45 + 20));
    EXPECT_LT(m.now(), ms(45 + 35));
}
