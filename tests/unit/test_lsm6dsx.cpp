// Lsm6dsx: the LSM6DS3 / LSM6DSO register file independent of the transport: identity and
// reset values, auto-increment, data-ready timing in virtual time, full-scale conversion,
// temperature, SW_RESET, BLE, and motion from a CSV trace. Then the same sensor over the I2C
// register protocol.
#include <gtest/gtest.h>

#include "board/I2cRegisterTarget.h"
#include "board/Lsm6dsx.h"

namespace mt3620 {
namespace {

using L = Lsm6dsx;

struct FakeTime : TimeSource {
    Picos now() const override { return t; }
    Picos t = 0;
};

constexpr Picos kPeriod104Hz = kPicosPerSecond * 1000 / 104'000;  // 9.615 ms

MotionSample motion(std::array<double, 3> a, std::array<double, 3> g) {
    MotionSample m;
    m.accel_g = a;
    m.gyro_dps = g;
    return m;
}

class Lsm6dsxTest : public ::testing::Test {
protected:
    std::int16_t out16(std::uint8_t reg) {
        std::uint8_t lo = sensor.readRegister(reg);
        std::uint8_t hi = sensor.readRegister(static_cast<std::uint8_t>(reg + 1));
        return static_cast<std::int16_t>(lo | (hi << 8));
    }

    FakeTime time;
    MotionSample still = motion({0.25, -0.5, 1.0}, {90, -45, 0});
    Lsm6dsx sensor{L::Variant::Lsm6ds3, time, makeMotionSource(still, std::nullopt), 30.0};
};

TEST_F(Lsm6dsxTest, IdentityAndResetValues) {
    EXPECT_EQ(sensor.readRegister(L::kWhoAmI), 0x69);
    EXPECT_EQ(sensor.readRegister(L::kCtrl1Xl), 0x00);
    EXPECT_EQ(sensor.readRegister(L::kCtrl3C), L::kIfInc);
    EXPECT_TRUE(sensor.autoIncrement());
    EXPECT_EQ(sensor.readRegister(L::kCtrl9Xl), 0x38);
    EXPECT_EQ(sensor.readRegister(L::kCtrl10C), 0x38);
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), 0x00);
    FakeTime t2;
    Lsm6dsx dso(L::Variant::Lsm6dso, t2, makeMotionSource(still, std::nullopt));
    EXPECT_EQ(dso.readRegister(L::kWhoAmI), 0x6C);
    EXPECT_EQ(dso.readRegister(L::kCtrl3C), L::kIfInc);
}

TEST_F(Lsm6dsxTest, ReadOnlyRegistersIgnoreWrites) {
    sensor.writeRegister(L::kWhoAmI, 0x00);
    sensor.writeRegister(L::kStatusReg, 0xFF);
    sensor.writeRegister(L::kOutxLXl, 0x12);
    EXPECT_EQ(sensor.readRegister(L::kWhoAmI), 0x69);
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), 0x00);
    EXPECT_EQ(sensor.readRegister(L::kOutxLXl), 0x00);
    sensor.writeRegister(0x01, 0x80);  // FUNC_CFG_ACCESS: stored
    EXPECT_EQ(sensor.readRegister(0x01), 0x80);
}

TEST_F(Lsm6dsxTest, AccelDataReadyAfterOneSamplePeriodAndClearedByReadingTheOutputs) {
    sensor.writeRegister(L::kCtrl1Xl, 0x40);  // 104 Hz, ±2 g
    time.t = kPeriod104Hz - 1;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), 0x00);
    EXPECT_EQ(out16(L::kOutxLXl + 4), 0) << "no sample yet";
    time.t = kPeriod104Hz;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kXlda | L::kTda) << "temperature samples with the accelerometer";
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kXlda | L::kTda) << "reading STATUS does not clear it";
    (void)sensor.readRegister(L::kOutxLXl);
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kTda);
    time.t = 2 * kPeriod104Hz - 1;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kTda);
    time.t = 2 * kPeriod104Hz;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kXlda | L::kTda);
    (void)sensor.readRegister(L::kOutTempL);
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kXlda);
}

TEST_F(Lsm6dsxTest, ReadFromACoreBehindInTimeSeesNoSampleYet) {
    time.t = 10 * kPicosPerMilli;
    sensor.writeRegister(L::kCtrl1Xl, 0x40);
    time.t = 9 * kPicosPerMilli;  // another core's local time, behind the writer's
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), 0x00);
    EXPECT_EQ(sensor.readRegister(L::kOutzHXl), 0x00);
    time.t = 10 * kPicosPerMilli + kPeriod104Hz;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg) & L::kXlda, L::kXlda);
}

TEST_F(Lsm6dsxTest, GyroDataReadyFollowsItsOwnRate) {
    time.t = 5 * kPicosPerMilli;
    sensor.writeRegister(L::kCtrl2G, 0x10);  // 12.5 Hz: 80 ms
    time.t += 80 * kPicosPerMilli - 1;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg) & L::kGda, 0);
    time.t += 1;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kGda | L::kTda);
    (void)out16(L::kOutxLG);
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), L::kTda);
}

TEST_F(Lsm6dsxTest, PowerDownStopsSamplesAndOutputsHold) {
    sensor.writeRegister(L::kCtrl1Xl, 0x40);
    time.t = kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLXl + 4), 16393);
    sensor.writeRegister(L::kCtrl1Xl, 0x00);
    time.t = 10 * kPeriod104Hz;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg) & L::kXlda, 0);
    EXPECT_EQ(out16(L::kOutxLXl + 4), 16393);
}

TEST_F(Lsm6dsxTest, AccelerationScaledByFullScale) {
    // ±2 g: 0.061 mg/LSB.
    sensor.writeRegister(L::kCtrl1Xl, 0x40);
    time.t = kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLXl), 4098);   // 250 mg / 0.061
    EXPECT_EQ(out16(L::kOutxLXl + 2), -8197);
    EXPECT_EQ(out16(L::kOutxLXl + 4), 16393);
    // ±8 g (FS_XL = 11): 0.244 mg/LSB, from the next sample on.
    sensor.writeRegister(L::kCtrl1Xl, 0x4C);
    EXPECT_EQ(out16(L::kOutxLXl + 4), 16393) << "the sample already taken keeps its scale";
    time.t = 2 * kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLXl + 4), 4098);
    // ±4 g (10): 0.122; ±16 g (01): 0.488.
    sensor.writeRegister(L::kCtrl1Xl, 0x48);
    time.t = 3 * kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLXl + 4), 8197);
    sensor.writeRegister(L::kCtrl1Xl, 0x44);
    time.t = 4 * kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLXl + 4), 2049);
}

TEST_F(Lsm6dsxTest, AngularRateScaledByFullScale) {
    sensor.writeRegister(L::kCtrl2G, 0x40);  // 104 Hz, 245 dps: 8.75 mdps/LSB
    time.t = kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLG), 10286);
    EXPECT_EQ(out16(L::kOutxLG + 2), -5143);
    EXPECT_EQ(out16(L::kOutxLG + 4), 0);
    sensor.writeRegister(L::kCtrl2G, 0x4C);  // 2000 dps: 70 mdps/LSB
    time.t = 2 * kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLG), 1286);
    sensor.writeRegister(L::kCtrl2G, 0x42);  // FS_125: 4.375 mdps/LSB
    time.t = 3 * kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLG), 20571);
}

TEST_F(Lsm6dsxTest, NewMotionShowsFromTheNextSampleOn) {
    sensor.writeRegister(L::kCtrl1Xl, 0x40);
    time.t = kPeriod104Hz + 1;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg) & L::kXlda, L::kXlda);
    sensor.setMotion([](Picos) { return motion({0, 0, -1}, {0, 0, 0}); });
    EXPECT_EQ(out16(L::kOutxLXl + 4), 16393) << "the sample taken before keeps its value";
    EXPECT_EQ(sensor.motionAt(time.t).accel_g[2], -1.0);
    time.t = 2 * kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutxLXl + 4), -16393);
}

TEST_F(Lsm6dsxTest, SaturatesAtFullScale) {
    MotionSample hard = motion({3.0, -3.0, 0}, {0, 0, 0});
    Lsm6dsx s(L::Variant::Lsm6ds3, time, makeMotionSource(hard, std::nullopt));
    s.writeRegister(L::kCtrl1Xl, 0x40);
    time.t = kPeriod104Hz;
    std::uint8_t b[4];
    for (int i = 0; i < 4; ++i) b[i] = s.readRegister(static_cast<std::uint8_t>(L::kOutxLXl + i));
    EXPECT_EQ(static_cast<std::int16_t>(b[0] | (b[1] << 8)), 32767);
    EXPECT_EQ(static_cast<std::int16_t>(b[2] | (b[3] << 8)), -32768);
}

TEST_F(Lsm6dsxTest, TemperatureIsZeroAt25DegreesPerVariantSensitivity) {
    sensor.writeRegister(L::kCtrl1Xl, 0x40);
    time.t = kPeriod104Hz;
    EXPECT_EQ(out16(L::kOutTempL), 80);  // (30 - 25) * 16
    FakeTime t2;
    Lsm6dsx dso(L::Variant::Lsm6dso, t2, makeMotionSource(still, std::nullopt), 30.0);
    dso.writeRegister(L::kCtrl1Xl, 0x40);
    t2.t = kPeriod104Hz;
    std::uint8_t lo = dso.readRegister(L::kOutTempL), hi = dso.readRegister(L::kOutTempL + 1);
    EXPECT_EQ(lo | (hi << 8), 1280);  // (30 - 25) * 256
}

TEST_F(Lsm6dsxTest, SwResetRestoresResetValuesAndBootClearsItself) {
    sensor.writeRegister(L::kCtrl1Xl, 0x4C);
    sensor.writeRegister(L::kCtrl3C, L::kIfInc | 0x40);
    sensor.writeRegister(L::kCtrl3C, L::kIfInc | L::kBoot);
    EXPECT_EQ(sensor.readRegister(L::kCtrl3C), L::kIfInc);
    sensor.writeRegister(L::kCtrl3C, L::kSwReset);
    EXPECT_EQ(sensor.readRegister(L::kCtrl3C), L::kIfInc);
    EXPECT_EQ(sensor.readRegister(L::kCtrl1Xl), 0x00);
    EXPECT_EQ(sensor.readRegister(L::kWhoAmI), 0x69);
    time.t = 10 * kPeriod104Hz;
    EXPECT_EQ(sensor.readRegister(L::kStatusReg), 0x00) << "powered down again";
}

TEST_F(Lsm6dsxTest, IfIncControlsAutoIncrement) {
    sensor.writeRegister(L::kCtrl3C, 0x00);
    EXPECT_FALSE(sensor.autoIncrement());
    sensor.writeRegister(L::kCtrl3C, L::kIfInc);
    EXPECT_TRUE(sensor.autoIncrement());
}

TEST_F(Lsm6dsxTest, BigEndianSelectSwapsTheOutputBytes) {
    sensor.writeRegister(L::kCtrl3C, L::kIfInc | L::kBle);
    sensor.writeRegister(L::kCtrl1Xl, 0x40);
    time.t = kPeriod104Hz;
    std::uint8_t hi = sensor.readRegister(L::kOutxLXl + 4), lo = sensor.readRegister(L::kOutxLXl + 5);
    EXPECT_EQ(lo | (hi << 8), 16393);
}

TEST_F(Lsm6dsxTest, CsvTraceIsSampledAtTheSampleTimes) {
    BoardFileContext ctx{"test.yaml", TEST_DATA_DIR "/boards", "device 'imu'"};
    MotionTrace trace = loadMotionTrace(TEST_DATA_DIR "/boards/motion.csv", ctx, 3);
    ASSERT_EQ(trace.points.size(), 2u);
    Lsm6dsx s(L::Variant::Lsm6ds3, time, makeMotionSource({}, trace));
    s.writeRegister(L::kCtrl1Xl, 0x10);  // 12.5 Hz: samples at 80 ms, 160 ms, ...
    s.writeRegister(L::kCtrl2G, 0x10);
    time.t = 500 * kPicosPerMilli;  // newest sample: #6 at 480 ms
    auto rd16 = [&](std::uint8_t reg) {
        return static_cast<std::int16_t>(s.readRegister(reg) | (s.readRegister(static_cast<std::uint8_t>(reg + 1)) << 8));
    };
    EXPECT_EQ(rd16(L::kOutxLXl + 4), 656);    // 1 - 2 * 0.48 = 0.04 g = 40 mg / 0.061
    EXPECT_EQ(rd16(L::kOutxLG + 4), 4937);    // 0.48 * 90 = 43.2 dps / 8.75 mdps
    time.t = 2 * kPicosPerSecond;              // after the last point: it holds
    EXPECT_EQ(rd16(L::kOutxLXl + 4), -16393);
}

TEST_F(Lsm6dsxTest, BlockDataUpdateKeepsTheTwoBytesOfAnOutputTogether) {
    BoardFileContext ctx{"test.yaml", TEST_DATA_DIR "/boards", "device 'imu'"};
    MotionTrace trace = loadMotionTrace(TEST_DATA_DIR "/boards/motion.csv", ctx, 3);
    for (bool bdu : {false, true}) {
        FakeTime t;
        Lsm6dsx s(L::Variant::Lsm6ds3, t, makeMotionSource({}, trace));
        s.writeRegister(L::kCtrl3C, static_cast<std::uint8_t>(L::kIfInc | (bdu ? L::kBdu : 0)));
        s.writeRegister(L::kCtrl1Xl, 0x10);  // 12.5 Hz
        t.t = 500 * kPicosPerMilli;          // sample #6 (480 ms): z = 0.04 g = 656 = 0x0290
        EXPECT_EQ(s.readRegister(L::kOutzHXl - 1), 0x90);
        t.t = 1000 * kPicosPerMilli;         // sample #12 (960 ms): z = -0.92 g = -15082 = 0xC516
        EXPECT_EQ(s.readRegister(L::kOutzHXl), bdu ? 0x02 : 0xC5) << (bdu ? "BDU" : "no BDU");
        EXPECT_EQ(s.readRegister(L::kOutzHXl - 1), 0x16) << "the pair is released: the next read is fresh";
    }
}

TEST(Lsm6dsxCsv, MalformedLineNamesTheCsvFileAndLine) {
    BoardFileContext ctx{"test.yaml", TEST_DATA_DIR "/boards", "device 'imu'"};
    try {
        loadMotionTrace(TEST_DATA_DIR "/boards/bad-motion.csv", ctx, 7);
        FAIL();
    } catch (const std::exception& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("bad-motion.csv:3: "), std::string::npos) << msg;
        EXPECT_NE(msg.find("it has 6 fields, not 7"), std::string::npos) << msg;
        EXPECT_NE(msg.find("device 'imu' (test.yaml:7)"), std::string::npos) << msg;
    }
}

// --- Over the I2C register protocol --------------------------------------------------------

TEST_F(Lsm6dsxTest, I2cBurstReadAutoIncrementsAcrossTheOutputs) {
    I2cRegisterTarget<Lsm6dsx> i2c(sensor, L::kRegisterCount);
    ASSERT_TRUE(i2c.start(false));
    ASSERT_TRUE(i2c.write(L::kCtrl1Xl));
    ASSERT_TRUE(i2c.write(0x40));  // CTRL1_XL
    ASSERT_TRUE(i2c.write(0x40));  // CTRL2_G: auto-increment carried on
    i2c.stop();
    EXPECT_EQ(sensor.readRegister(L::kCtrl2G), 0x40);
    time.t = kPeriod104Hz;
    ASSERT_TRUE(i2c.start(false));
    ASSERT_TRUE(i2c.write(L::kOutxLXl));
    ASSERT_TRUE(i2c.start(true));
    std::uint8_t b[6];
    for (int i = 0; i < 6; ++i) b[i] = i2c.read(i == 5);
    i2c.stop();
    EXPECT_EQ(static_cast<std::int16_t>(b[0] | (b[1] << 8)), 4098);
    EXPECT_EQ(static_cast<std::int16_t>(b[2] | (b[3] << 8)), -8197);
    EXPECT_EQ(static_cast<std::int16_t>(b[4] | (b[5] << 8)), 16393);
}

TEST_F(Lsm6dsxTest, I2cWithoutIfIncReadsTheSameRegister) {
    sensor.writeRegister(L::kCtrl3C, 0x00);
    I2cRegisterTarget<Lsm6dsx> i2c(sensor, L::kRegisterCount);
    i2c.start(false);
    i2c.write(L::kWhoAmI);
    i2c.start(true);
    EXPECT_EQ(i2c.read(false), 0x69);
    EXPECT_EQ(i2c.read(true), 0x69);
    i2c.stop();
    EXPECT_EQ(i2c.pointer(), L::kWhoAmI);
}

TEST_F(Lsm6dsxTest, I2cPointerBeyondTheRegistersIsNacked) {
    I2cRegisterTarget<Lsm6dsx> i2c(sensor, L::kRegisterCount);
    i2c.start(false);
    EXPECT_FALSE(i2c.write(0x80));
}

}  // namespace
}  // namespace mt3620
