// End-to-end: the hl-spi-accel sample (a high-level app using libapplibs' SPIMaster_* API)
// reads the LSM6DS3 that boards/mt3620-rdb-spi.yaml wires to ISU1 chip select 1, through the
// emulated OS's /dev/spidev1.1 (docs/hl-apps.md): WHO_AM_I, CTRL1_XL written and read back,
// and the acceleration the board file gives, through `mt3620-emu run` and in process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "board/BoardFile.h"
#include "e2e/E2eSupport.h"
#include "machine/Machine.h"
#include "os/AppDevices.h"
#include "os/HlAppPackage.h"
#include "os/HlProcess.h"

using namespace mt3620;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

std::string app() { return std::string(HL_APPS_DIR) + "/apps/hl-spi-accel"; }
std::string applibs() { return std::string(HL_APPS_DIR) + "/lib/libapplibs.so.0"; }

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
    return n;
}

}  // namespace

TEST(HlSpiAccel, ReadsTheRdbSpiBoardsLsm6ds3ThroughTheCli) {
    REQUIRE_HL_APPS();
    fs::path dir = fs::path(TEST_TMP_DIR) / "hl-spi-accel-e2e";
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(fs::path(SOURCE_DIR) / "boards" / "mt3620-rdb-spi.yaml", dir / "board.yaml");
    e2e::CommandResult r = e2e::runEmu("run --board " + (dir / "board.yaml").string() + " --applibs " + applibs() +
                                       " --a7 " + app() + " --time-limit 2s");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("WHO_AM_I = 0x69 (LSM6DS3)\nCTRL1_XL = 0x40\n"));
    // Lying flat: 1 g on z, five readings.
    EXPECT_EQ(count(r.out, "acceleration mg: x=0 y=0 z=1000\n"), 5u) << r.out;
}

TEST(HlSpiAccel, AccelerationFromTheBoardFileAndEaccesWithoutTheCapability) {
    REQUIRE_HL_APPS();
    const std::string yaml = R"(board: t
chip: mt3620
devices:
  - {name: imu, type: lsm6ds3, bus: ISU1, interface: spi, chip-select: 1, acceleration: {x: 0.5, y: -0.25, z: 0.75}}
)";
    MachineConfig cfg;
    cfg.logger = std::make_shared<spdlog::logger>("null");
    Machine m(cfg);
    m.loadBoard(BoardFile::parse("t.yaml", yaml));
    os::HlAppPackage pkg = os::resolveHlApp(app(), "", {}, {});
    os::HlProcess& p = m.loadHlApp(pkg.spec);
    os::installAppDevices(p, m.shared(), pkg.manifest, os::AppDeviceOptions{applibs(), {}});
    m.runFor(e2e::sec(2));
    const std::string out = m.a7Capture().text();
    EXPECT_EQ(p.status(), os::HlProcess::Status::Exited) << out;
    EXPECT_EQ(p.exitCode(), 0) << out;
    EXPECT_EQ(count(out, "acceleration mg: x=500 y=-250 z=750\n"), 5u) << out;

    // The same app with a manifest that does not grant ISU1's SPI master.
    fs::path dir = fs::path(TEST_TMP_DIR) / "hl-spi-accel-denied";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path manifest = dir / "app_manifest.json";
    {
        std::ofstream f(manifest);
        f << R"({"SchemaVersion": 1, "Name": "hl-spi-accel", "ComponentId": "5d1c7e93-8a2f-4b6c-9d0e-1f2a3b4c5d07",
                 "EntryPoint": "/bin/app", "Capabilities": {"SpiMaster": ["ISU2"]}, "ApplicationType": "Default"})";
    }
    e2e::CommandResult r = e2e::runEmu("run --applibs " + applibs() + " --a7 " + app() + " --manifest " +
                                       manifest.string() + " --time-limit 1s");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("SPIMaster_Open(ISU1, CS B): Permission denied (13)"));
    EXPECT_THAT(r.err, HasSubstr("ISU1 SPI master is not granted (SpiMaster capability): EACCES"));
}
