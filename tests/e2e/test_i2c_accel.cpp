// End-to-end: the i2c-accel sample (firmware-samples/i2c-accel) programs ISU2's I2C master like
// the public drivers, interrupt-driven on IRQ 52, and prints what the board file's LSM6DS3 /
// LSM6DSO says: WHO_AM_I, the acceleration given in the board file, data-ready after one
// sample period of virtual time, and the NACK of an empty address.
#include <gtest/gtest.h>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/I2cRegisterFile.h"
#include "board/Lsm6dsx.h"
#include "e2e/E2eSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "periph/IsuI2c.h"
#include "periph/M4Dma.h"

using namespace mt3620;
using e2e::ms;

namespace {

std::string board(const std::string& devices) {
    return "board: i2c-test\nchip: mt3620\ndevices:\n" + devices;
}

struct AccelRun {
    explicit AccelRun(const std::string& board_yaml) {
        m.loadBoard(BoardFile::parse("i2c-test.yaml", board_yaml));
        m.loadRtApp(CoreId::M4_0, RtAppImage::load(e2e::firmware("i2c-accel")));
        m.runFor(ms(400));
    }
    const SerialCapture& uart() { return m.m4(CoreId::M4_0).debug_uart_capture; }
    std::string text() { return uart().text(); }
    Picos lineTime(const std::string& prefix) {
        for (const auto& l : uart().lines())
            if (l.text.rfind(prefix, 0) == 0) return l.time;
        ADD_FAILURE() << "no line starting with " << prefix << " in\n" << text();
        return 0;
    }
    Machine m;
};

const std::string kTilted = board(R"(  - type: lsm6ds3
    name: accelerometer
    bus: ISU2
    interface: i2c
    address: 0x6A
    acceleration: {x: 0.25, y: -0.5, z: 0.875}
)");

}  // namespace

TEST(I2cAccelSample, PrintsWhoAmIAndTheAccelerationFromTheBoardFile) {
    AccelRun r(kTilted);
    const std::string expected =
        "i2c-accel start\r\n"
        "WHO_AM_I 0x69\r\n"
        "CTRL1_XL 0x40\r\n";
    ASSERT_EQ(r.text().substr(0, expected.size()), expected) << r.text();
    EXPECT_NE(r.text().find("accel x=250 y=-500 z=875 mg\r\n"), std::string::npos) << r.text();
    EXPECT_NE(r.text().find("XLDA cleared\r\n0x50: address NACK\r\n"), std::string::npos) << r.text();
    // Two more readings 100 ms apart, the same constant values.
    std::size_t readings = 0;
    for (const auto& l : r.uart().lines()) readings += l.text == "accel x=250 y=-500 z=875 mg";
    EXPECT_EQ(readings, 3u) << r.text();
    EXPECT_NE(r.text().find("i2c-accel done\r\n"), std::string::npos) << r.text();
    // Every transfer ended: the controller is idle with empty FIFOs and its interrupt handled.
    IsuI2c& i2c = *r.m.shared().isu_i2c[2];
    EXPECT_FALSE(i2c.busy());
    std::uint32_t v = 0;
    ASSERT_TRUE(i2c.read(IsuI2c::kFifoStatus, 4, v));
    EXPECT_EQ(v, 0x11u);
    ASSERT_TRUE(i2c.read(IsuI2c::kIntCtrl, 4, v));
    EXPECT_EQ(v & IsuI2c::kMmIntSta, 0u);
}

TEST(I2cAccelSample, DataReadyComesOneSamplePeriodAfterTheOutputDataRateIsSet) {
    AccelRun r(kTilted);
    // 104 Hz: 9.6 ms from the CTRL1_XL write to the first sample. The lines are stamped when
    // their last byte left the UART, so allow a character or two either way.
    const Picos gap = r.lineTime("XLDA after") - r.lineTime("CTRL1_XL");
    EXPECT_GT(gap, ms(9)) << r.text();
    EXPECT_LT(gap, ms(11)) << r.text();
}

TEST(I2cAccelSample, SameRunTwiceGivesTheSameTextAndTimes) {
    AccelRun a(kTilted), b(kTilted);
    ASSERT_EQ(a.uart().lines().size(), b.uart().lines().size());
    for (std::size_t i = 0; i < a.uart().lines().size(); ++i) {
        EXPECT_EQ(a.uart().lines()[i].text, b.uart().lines()[i].text);
        EXPECT_EQ(a.uart().lines()[i].time, b.uart().lines()[i].time);
    }
}

TEST(I2cAccelSample, TiltingTheSensorMidRunShowsInTheNextReading) {
    Machine m;
    m.loadBoard(BoardFile::parse("i2c-test.yaml", kTilted));
    m.loadRtApp(CoreId::M4_0, RtAppImage::load(e2e::firmware("i2c-accel")));
    auto& imu = dynamic_cast<Lsm6dsxDevice&>(*m.board()->device("accelerometer"));
    // After the first reading (~12 ms), before the second (~112 ms): turned on its side.
    EventTimer tilt(m.scheduler(), "tilt", [&] {
        imu.sensor().setMotion([](Picos) {
            MotionSample s;
            s.accel_g = {1.0, 0.0, 0.0};
            return s;
        });
    });
    tilt.armAt(ms(50));
    m.runFor(ms(400));
    const std::string text = m.m4(CoreId::M4_0).debug_uart_capture.text();
    const std::size_t first = text.find("accel x=250 y=-500 z=875 mg");
    const std::size_t tilted = text.find("accel x=1000 y=0 z=0 mg");
    ASSERT_NE(first, std::string::npos) << text;
    ASSERT_NE(tilted, std::string::npos) << text;
    EXPECT_LT(first, tilted);
    EXPECT_NE(text.find("accel x=1000 y=0 z=0 mg", tilted + 1), std::string::npos) << "third reading too";
}

TEST(I2cAccelSample, Lsm6dsoAnswersWithItsOwnWhoAmI) {
    AccelRun r(board("  - {type: lsm6dso, name: imu, bus: ISU2, acceleration: {x: -1, y: 0, z: 0}}\n"));
    EXPECT_NE(r.text().find("WHO_AM_I 0x6c\r\n"), std::string::npos) << r.text();
    EXPECT_NE(r.text().find("accel x=-1000 y=0 z=0 mg\r\n"), std::string::npos) << r.text();
}

TEST(I2cAccelSample, WithoutASensorTheAddressIsNacked) {
    AccelRun r(board("  []\n"));
    EXPECT_NE(r.text().find("WHO_AM_I: error 2\r\ni2c-accel done\r\n"), std::string::npos) << r.text();
}

TEST(I2cAccelSample, SensorOnAnotherIsuIsNotOnIsu2) {
    AccelRun r(board("  - {type: lsm6ds3, name: imu, bus: ISU1}\n"));
    EXPECT_NE(r.text().find("WHO_AM_I: error 2\r\n"), std::string::npos) << r.text();
}

// The controllers are shared blocks: either core reaches ISU2's I2C master at 0x38090200, and
// the completion interrupt pends IRQ 52 in both NVICs (exception 16 + 52).
TEST(IsuI2cInTheMachine, BothCoresSeeTheBlockAndTheInterrupt) {
    Machine m;
    m.loadBoard(BoardFile::parse("i2c-test.yaml", kTilted));
    PeripheralBus& bus1 = m.m4(CoreId::M4_1).bus;
    const std::uint32_t base = isuI2cBase(2);
    EXPECT_EQ(base, 0x38090200u);
    EXPECT_EQ(isuI2cIrq(2), 52u);
    EXPECT_EQ(bus1.read(base + IsuI2c::kStatus, 4), IsuI2c::kStartReady);
    bus1.write(base + IsuI2c::kCon0, 4, IsuI2c::kMasterEn | IsuI2c::kGmode);
    bus1.write(base + IsuI2c::kIdCon0, 4, 0x6A);
    bus1.write(base + IsuI2c::kPackCon0, 4, (1u << 4) | 0x2);  // write 1, then read 1
    bus1.write(base + IsuI2c::kCntByteValPk0, 4, 1);
    bus1.write(base + IsuI2c::kCntByteValPk1, 4, 1);
    bus1.write(base + IsuI2c::kIntCtrl, 4, IsuI2c::kMmIntEn);
    bus1.write(base + IsuI2c::kFifoData, 4, 0x0F);
    bus1.write(base + IsuI2c::kCon0, 4, IsuI2c::kMasterEn | IsuI2c::kGmode | IsuI2c::kStartEn);
    EXPECT_EQ(m.m4(CoreId::M4_0).bus.read(base + IsuI2c::kStatus, 4), IsuI2c::kBusBusy) << "core 0 sees it busy";
    m.runFor(ms(2));
    EXPECT_TRUE(m.m4(CoreId::M4_0).core.nvic().pending(16 + 52));
    EXPECT_TRUE(m.m4(CoreId::M4_1).core.nvic().pending(16 + 52));
    EXPECT_EQ(m.m4(CoreId::M4_0).bus.read(base + IsuI2c::kFifoData, 4), 0x69u);
    EXPECT_EQ(bus1.read(base + IsuI2c::kAckVal, 4), 0u);
}

// Longer than the FIFOs, through the M4 DMA the way Codethink's driver sets it up: half-size
// channels 4 (ISU2 TX) and 5 (ISU2 RX) with the handshake (CON.DREQ), FIXADDR = MM_FIFO_DATA,
// started before START_EN; DMA_CON0.DMA_HS_EN on the controller. Three packets to a register
// file: write the pointer and 16 bytes, write the pointer again, read the 16 bytes back.
TEST(IsuI2cInTheMachine, DmaCarriesTransfersLongerThanTheFifos) {
    Machine m;
    m.loadBoard(BoardFile::parse("i2c-test.yaml",
                                 board("  - {type: i2c-register-file, name: mem, bus: ISU2, address: 0x50}\n")));
    M4Subsystem& core0 = m.m4(CoreId::M4_0);
    PeripheralBus& bus = core0.bus;
    const std::uint32_t tx_buf = kTcmBase + 0x1000, rx_buf = kTcmBase + 0x2000;
    std::uint8_t* tx = core0.tcm.at(tx_buf);
    tx[0] = 0x00;  // register pointer
    for (int i = 0; i < 16; ++i) tx[1 + i] = static_cast<std::uint8_t>(0xC0 + i);
    tx[17] = 0x00;  // the pointer again, before the read
    const std::uint32_t fifo = isuI2cBase(2) + IsuI2c::kFifoData;
    auto ch = [](unsigned c, std::uint32_t reg) { return M4Dma::kBase + M4Dma::channelBase(c) + reg; };
    bus.write(M4Dma::kBase + M4Dma::kChEnSet, 4, (1u << 4) | (1u << 5));
    bus.write(ch(4, M4Dma::kCon), 4, M4Dma::kConDreq | M4Dma::kConSinc);                  // memory -> I2C
    bus.write(ch(4, M4Dma::kPgmAddr), 4, tx_buf);
    bus.write(ch(4, M4Dma::kFixAddr), 4, fifo);
    bus.write(ch(4, M4Dma::kCount), 4, 18);
    bus.write(ch(5, M4Dma::kCon), 4, M4Dma::kConDreq | M4Dma::kConDinc | M4Dma::kConDir);  // I2C -> memory
    bus.write(ch(5, M4Dma::kPgmAddr), 4, rx_buf);
    bus.write(ch(5, M4Dma::kFixAddr), 4, fifo);
    bus.write(ch(5, M4Dma::kCount), 4, 16);
    bus.write(ch(4, M4Dma::kStart), 4, M4Dma::kStartStr);
    bus.write(ch(5, M4Dma::kStart), 4, M4Dma::kStartStr);

    const std::uint32_t base = isuI2cBase(2);
    bus.write(base + IsuI2c::kDmaCon0, 4, IsuI2c::kDmaHandshakeEn);
    bus.write(base + IsuI2c::kCon0, 4, IsuI2c::kMasterEn | IsuI2c::kGmode);
    bus.write(base + IsuI2c::kIdCon0, 4, 0x50);
    bus.write(base + IsuI2c::kPackCon0, 4, (2u << 4) | 0x4);  // write, write, read
    bus.write(base + IsuI2c::kCntByteValPk0, 4, 17);
    bus.write(base + IsuI2c::kCntByteValPk1, 4, 1);
    bus.write(base + IsuI2c::kCntByteValPk2, 4, 16);
    bus.write(base + IsuI2c::kIntCtrl, 4, IsuI2c::kMmIntEn);
    bus.write(base + IsuI2c::kCon0, 4, IsuI2c::kMasterEn | IsuI2c::kGmode | IsuI2c::kStartEn);
    m.runFor(ms(5));  // 37 bytes at 100 kHz: 3.3 ms

    EXPECT_EQ(bus.read(base + IsuI2c::kAckVal, 4), 0u);
    EXPECT_TRUE(core0.core.nvic().pending(16 + 52));
    EXPECT_EQ(bus.read(ch(4, M4Dma::kRlct), 4), 0u) << "every TX byte moved";
    EXPECT_EQ(bus.read(ch(5, M4Dma::kRlct), 4), 0u) << "every RX byte moved";
    EXPECT_EQ(bus.read(base + IsuI2c::kFifoStatus, 4), 0x11u);
    auto* mem = dynamic_cast<I2cRegisterFile*>(m.board()->device("mem"));
    ASSERT_NE(mem, nullptr);
    const std::uint8_t* rx = core0.tcm.at(rx_buf);
    for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(mem->readRegister(static_cast<std::uint8_t>(i)), 0xC0 + i) << i;
        EXPECT_EQ(rx[i], 0xC0 + i) << i;
    }
}
