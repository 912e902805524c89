// End-to-end: the spi-accel sample reads the LSM6DS3 that boards/mt3620-rdb-spi.yaml puts on
// ISU1's SPI bus (chip select 1, `interface: spi`): WHO_AM_I, CTRL1_XL written and read back,
// data-ready, and the acceleration the board file gives, through `mt3620-emu run` and in process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "board/BoardFile.h"
#include "board/Lsm6dsx.h"
#include "e2e/E2eSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"

using namespace mt3620;
using e2e::firmware;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

TEST(SpiAccelSample, ReadsTheLsm6ds3OverSpiThroughTheCli) {
    fs::path dir = fs::path(TEST_TMP_DIR) / "spi-accel-e2e";
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(fs::path(SOURCE_DIR) / "boards" / "mt3620-rdb-spi.yaml", dir / "board.yaml");
    e2e::CommandResult r = e2e::runEmu("run --board " + (dir / "board.yaml").string() + " --m4-0 " +
                                       firmware("spi-accel") + " --time-limit 200ms");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("spi-accel start\r\nWHO_AM_I 0x69\r\nCTRL1_XL 0x40\r\nXLDA after "));
    EXPECT_THAT(r.out, HasSubstr("accel x=0 y=0 z=1000 mg\r\nspi-accel done\r\n"));
}

TEST(SpiAccelSample, AccelerationFromTheBoardFileAndTheDsoVariant) {
    const std::string yaml = R"(board: t
chip: mt3620
devices:
  - {name: imu, type: lsm6ds3, bus: ISU1, interface: spi, chip-select: 1, acceleration: {x: 0.5, y: -0.25, z: 0.75}}
)";
    Machine m;
    m.loadBoard(BoardFile::parse("t.yaml", yaml));
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("spi-accel")));
    const std::string& out = m.m4(CoreId::M4_0).debug_uart_capture.text();
    m.runFor(e2e::ms(100), [&] { return out.find("spi-accel done") != std::string::npos; });
    EXPECT_THAT(out, HasSubstr("WHO_AM_I 0x69\r\n"));
    EXPECT_THAT(out, HasSubstr("accel x=500 y=-250 z=750 mg\r\n"));
    // XLDA comes one 104 Hz period (9.6 ms) after CTRL1_XL is written.
    EXPECT_GT(m.now(), e2e::ms(9));

    Machine dso;
    std::string yaml_dso = yaml;
    yaml_dso.replace(yaml_dso.find("lsm6ds3"), 7, "lsm6dso");
    dso.loadBoard(BoardFile::parse("t.yaml", yaml_dso));
    dso.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("spi-accel")));
    const std::string& out2 = dso.m4(CoreId::M4_0).debug_uart_capture.text();
    dso.runFor(e2e::ms(100), [&] { return out2.find("spi-accel done") != std::string::npos; });
    EXPECT_THAT(out2, HasSubstr("WHO_AM_I 0x6c\r\n"));
}
