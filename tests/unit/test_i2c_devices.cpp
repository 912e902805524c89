// I2C board devices: `lsm6ds3`, `lsm6dso` and `i2c-register-file` in board files (good files
// and every kind of refusal, each with file:line and reason), and the devices answering on an
// ISU's I2C master: WHO_AM_I through the controller, a register file written and read back,
// two devices at one address refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/I2cRegisterFile.h"
#include "board/Lsm6dsx.h"
#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/IsuI2c.h"
#include "periph/PinBank.h"

namespace mt3620 {
namespace {

using ::testing::HasSubstr;

const std::string kBoards = std::string(TEST_DATA_DIR) + "/boards";

BoardDescription parse(const std::string& devices) {
    return BoardFile::parse("i2c.yaml", "board: t\nchip: mt3620\ndevices:\n" + devices, kBoards);
}

/// The message a refused board gives, or "" if it was accepted.
std::string refusal(const std::string& devices) {
    try {
        parse(devices);
    } catch (const BoardError& e) {
        return e.what();
    }
    return "";
}

TEST(I2cBoardFile, Lsm6ds3WithEveryField) {
    BoardDescription b = parse(R"(  - type: lsm6ds3
    name: imu
    bus: ISU2
    interface: i2c
    address: 0x6B
    acceleration: {x: 0.25, y: -0.5, z: 1.0}
    angular-rate: {x: 10, y: 0, z: -90}
    temperature: 31.5
)");
    ASSERT_EQ(b.devices.size(), 1u);
    const auto& s = std::get<Lsm6ds3Spec>(b.devices[0]);
    EXPECT_EQ(s.bus, "ISU2");
    EXPECT_EQ(s.interface, "i2c");
    EXPECT_EQ(s.address, 0x6Bu);
    EXPECT_EQ(s.motion.accel_g, (std::array<double, 3>{0.25, -0.5, 1.0}));
    EXPECT_EQ(s.motion.gyro_dps, (std::array<double, 3>{10, 0, -90}));
    EXPECT_DOUBLE_EQ(s.temperature_c, 31.5);
    EXPECT_FALSE(s.trace);
}

TEST(I2cBoardFile, Lsm6dsoDefaultsAndTrace) {
    BoardDescription b = parse(R"(  - {type: lsm6dso, name: imu, bus: ISU1}
  - {type: lsm6ds3, name: imu2, bus: ISU1, address: 0x6b, trace: motion.csv}
)");
    const auto& s = std::get<Lsm6dsoSpec>(b.devices[0]);
    EXPECT_EQ(s.address, 0x6Au);
    EXPECT_EQ(s.interface, "i2c");
    EXPECT_EQ(s.motion.accel_g, (std::array<double, 3>{0, 0, 1})) << "at rest, flat: 1 g on z";
    EXPECT_DOUBLE_EQ(s.temperature_c, 25);
    const auto& t = std::get<Lsm6ds3Spec>(b.devices[1]);
    ASSERT_TRUE(t.trace);
    EXPECT_EQ(t.trace->points.size(), 2u);
}

TEST(I2cBoardFile, RegisterFile) {
    BoardDescription b = parse(R"(  - type: i2c-register-file
    name: eeprom
    bus: ISU0
    address: 0x50
    size: 16
    registers: {0x00: 0x5a, 3: 255}
)");
    const auto& s = std::get<I2cRegisterFileSpec>(b.devices[0]);
    EXPECT_EQ(s.bus, "ISU0");
    EXPECT_EQ(s.address, 0x50u);
    ASSERT_EQ(s.reset.size(), 16u);
    EXPECT_EQ(s.reset[0], 0x5A);
    EXPECT_EQ(s.reset[3], 0xFF);
    EXPECT_EQ(s.reset[1], 0x00);
}

TEST(I2cBoardFile, LoadsAFileWithEveryI2cType) {
    BoardDescription b = BoardFile::load(kBoards + "/good-i2c.yaml");
    ASSERT_EQ(b.devices.size(), 3u);
    EXPECT_DOUBLE_EQ(std::get<Lsm6ds3Spec>(b.devices[0]).temperature_c, 30);
    const auto& dso = std::get<Lsm6dsoSpec>(b.devices[1]);
    ASSERT_TRUE(dso.trace);
    EXPECT_EQ(dso.trace->path, kBoards + "/motion.csv") << "relative to the board file's folder";
    EXPECT_EQ(dso.trace->points[1].second.gyro_dps[2], 90);
    EXPECT_EQ(std::get<I2cRegisterFileSpec>(b.devices[2]).reset[15], 0xFF);
}

TEST(I2cBoardFile, SameAddressOnDifferentBusesIsFine) {
    EXPECT_EQ(refusal("  - {type: lsm6ds3, name: a, bus: ISU1}\n  - {type: lsm6ds3, name: b, bus: ISU2}\n"), "");
}

struct Bad {
    const char* devices;
    const char* message;  // the whole message after "i2c.yaml:"
};

std::ostream& operator<<(std::ostream& os, const Bad& b) { return os << b.message; }

class I2cBoardFileErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(I2cBoardFileErrors, RefusedWithFileLineAndReason) {
    std::string msg = refusal(GetParam().devices);
    EXPECT_EQ(msg, std::string("i2c.yaml:") + GetParam().message);
}

const Bad kBad[] = {
    {"  - {type: lsm6ds3, name: imu}\n", "4: device 'imu': missing required field 'bus'"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU7}\n",
     "4: device 'imu': unknown bus 'ISU7' (known: ISU0, ISU1, ISU2, ISU3, ISU4)"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU2, interface: uart}\n",
     "4: device 'imu': unknown interface 'uart' for the LSM6DS3 (known: i2c, spi)"},
    {"  - {type: lsm6dso, name: imu, bus: ISU2, address: 0x50}\n",
     "4: device 'imu': the LSM6DSO answers at 0x6a (SA0 low) or 0x6b (SA0 high), not 0x50"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU2, address: 0xD4}\n",
     "4: device 'imu': address 0xd4 is not a usable 7-bit I2C address (0x08-0x77; write the address unshifted, "
     "without the R/W bit)"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU2, address: six}\n",
     "4: device 'imu': address must be a whole number, not 'six'"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU2, accel: {x: 0, y: 0, z: 1}}\n",
     "4: device 'imu': unknown field 'accel' (known: acceleration, address, angular-rate, bus, interface, name, "
     "temperature, trace, type)"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU2, acceleration: {x: 0, y: 0}}\n",
     "4: device 'imu': missing required field 'acceleration.z'"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU2, acceleration: {x: 0, y: 0, z: up}}\n",
     "4: device 'imu': acceleration.z must be a number, not 'up'"},
    {"  - {type: lsm6ds3, name: imu, bus: ISU2, trace: motion.csv, acceleration: {x: 0, y: 0, z: 1}}\n",
     "4: device 'imu': give either trace or acceleration/angular-rate, not both"},
    {"  - {type: lsm6ds3, name: a, bus: ISU2}\n  - {type: i2c-register-file, name: b, bus: ISU2, address: 0x6A}\n",
     "5: device 'b': I2C address 0x6a on ISU2 is already used by device 'a' (line 4)"},
    {"  - {type: i2c-register-file, name: r, bus: ISU2}\n", "4: device 'r': missing required field 'address'"},
    {"  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, size: 300}\n",
     "4: device 'r': size 300 is out of range (1-256 registers)"},
    {"  - type: i2c-register-file\n    name: r\n    bus: ISU2\n    address: 0x50\n    size: 4\n    registers:\n"
     "      0: 1\n      4: 2\n",
     "11: device 'r': registers: register 0x04 is out of range (0x00-0x03, size 4)"},
    {"  - type: i2c-register-file\n    name: r\n    bus: ISU2\n    address: 0x50\n    registers:\n      0: 256\n",
     "9: device 'r': registers: value 256 of register 0x00 is not a byte (0-255)"},
    {"  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, registers: [1, 2]}\n",
     "4: device 'r': registers must be a map of register: reset value, such as {0x00: 0x5a, 0x01: 0x01}"},
    {"  - type: i2c-register-file\n    name: r\n    bus: ISU2\n    address: 0x50\n    registers: {x: 1}\n",
     "8: device 'r': registers: register 'x' is not a whole number"},
};

INSTANTIATE_TEST_SUITE_P(Bad, I2cBoardFileErrors, ::testing::ValuesIn(kBad));

// Odd shapes where numbers and maps are expected: refused with a located one-line message.
TEST(I2cBoardFile, OddShapesAreRefusedNotCrashed) {
    const char* odd[] = {
        "  - {type: lsm6ds3, name: imu, bus: ISU2, acceleration: 1}\n",
        "  - {type: lsm6ds3, name: imu, bus: ISU2, acceleration: [0, 0, 1]}\n",
        "  - {type: lsm6ds3, name: imu, bus: ISU2, address: -1}\n",
        "  - {type: lsm6ds3, name: imu, bus: ISU2, address: 99999999999999999999999}\n",
        "  - {type: lsm6ds3, name: imu, bus: [ISU2]}\n",
        "  - {type: lsm6ds3, name: imu, bus: ISU2, temperature: {c: 3}}\n",
        "  - {type: lsm6ds3, name: imu, bus: ISU2, trace: {file: x}}\n",
        "  - {type: lsm6ds3, name: imu, bus: ISU2, trace: .}\n",
        "  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, size: many}\n",
        "  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, registers: {[1]: 2}}\n",
        "  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, registers: {1: {a: b}}}\n",
        "  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, registers: {-1: 2}}\n",
        "  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, registers: 7}\n",
    };
    for (const char* devices : odd) {
        std::string msg = refusal(devices);
        EXPECT_EQ(msg.rfind("i2c.yaml:", 0), 0u) << devices << " -> " << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
}

TEST(I2cBoardFile, BadTraceNamesTheCsvLine) {
    std::string msg = refusal("  - {type: lsm6ds3, name: imu, bus: ISU2, trace: bad-motion.csv}\n");
    EXPECT_THAT(msg, HasSubstr("bad-motion.csv:3: device 'imu' (i2c.yaml:4): malformed CSV line"));
    EXPECT_THAT(refusal("  - {type: lsm6ds3, name: imu, bus: ISU2, trace: none.csv}\n"),
                HasSubstr("i2c.yaml:4: device 'imu': cannot read CSV file"));
}

// --- On the controller -----------------------------------------------------------------------

class I2cDevicesOnBus : public ::testing::Test {
protected:
    I2cDevicesOnBus() { log.setTimeSource(&scheduler); }

    std::unique_ptr<Board> board(const std::string& devices) {
        return std::make_unique<Board>(parse(devices), pins, log, scheduler, UartLookup{},
                                       [this](std::string_view name) { return name == "ISU2" ? &i2c.bus : nullptr; });
    }
    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0;
        i2c.read(offset, 4, v);
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { i2c.write(offset, 4, v); }
    /// One transaction the way the drivers program it; returns ACK_VAL.
    std::uint32_t transfer(std::uint8_t address, std::vector<std::uint8_t> tx, unsigned rx_count, std::vector<std::uint8_t>* rx) {
        wr(IsuI2c::kCon0, IsuI2c::kMasterEn | IsuI2c::kGmode);
        wr(IsuI2c::kIdCon0, address);
        if (rx_count && !tx.empty()) {
            wr(IsuI2c::kPackCon0, (1u << 4) | 0x2);
            wr(IsuI2c::kCntByteValPk0, static_cast<std::uint32_t>(tx.size()));
            wr(IsuI2c::kCntByteValPk1, rx_count);
        } else {
            wr(IsuI2c::kPackCon0, rx_count ? 1u : 0u);
            wr(IsuI2c::kCntByteValPk0, rx_count ? rx_count : static_cast<std::uint32_t>(tx.size()));
        }
        for (std::uint8_t b : tx) wr(IsuI2c::kFifoData, b);
        wr(IsuI2c::kCon0, rd(IsuI2c::kCon0) | IsuI2c::kStartEn);
        scheduler.advanceTo(scheduler.now() + 5 * kPicosPerMilli);
        EXPECT_TRUE(rd(IsuI2c::kIntCtrl) & IsuI2c::kMmIntSta);
        wr(IsuI2c::kIntCtrl, IsuI2c::kMmIntSta);
        while (rx && !(rd(IsuI2c::kFifoStatus) & IsuI2c::kRxEmpty)) rx->push_back(static_cast<std::uint8_t>(rd(IsuI2c::kFifoData)));
        std::uint32_t ack = rd(IsuI2c::kAckVal);
        wr(IsuI2c::kFifoCon0, IsuI2c::kRxFifoClear | IsuI2c::kTxFifoClear);
        return ack;
    }

    Scheduler scheduler;
    Log log;
    PinBank pins{&scheduler};
    IsuI2c i2c{"ISU2", scheduler, log};
};

TEST_F(I2cDevicesOnBus, Lsm6ds3AnswersWhoAmIAndAccelerationThroughTheController) {
    auto b = board("  - {type: lsm6ds3, name: imu, bus: ISU2, acceleration: {x: 0.25, y: -0.5, z: 1.0}}\n");
    std::vector<std::uint8_t> rx;
    EXPECT_EQ(transfer(0x6A, {0x0F}, 1, &rx), 0u);
    EXPECT_EQ(rx, std::vector<std::uint8_t>{0x69});
    EXPECT_EQ(transfer(0x6A, {0x10, 0x40}, 0, nullptr), 0u);  // CTRL1_XL: 104 Hz, ±2 g
    scheduler.advanceTo(scheduler.now() + 10 * kPicosPerMilli);
    rx.clear();
    EXPECT_EQ(transfer(0x6A, {0x1E}, 1, &rx), 0u);
    ASSERT_EQ(rx.size(), 1u);
    EXPECT_EQ(rx[0] & 1, 1) << "XLDA";
    rx.clear();
    EXPECT_EQ(transfer(0x6A, {0x28}, 6, &rx), 0u);
    ASSERT_EQ(rx.size(), 6u);
    EXPECT_EQ(static_cast<std::int16_t>(rx[0] | (rx[1] << 8)), 4098);
    EXPECT_EQ(static_cast<std::int16_t>(rx[2] | (rx[3] << 8)), -8197);
    EXPECT_EQ(static_cast<std::int16_t>(rx[4] | (rx[5] << 8)), 16393);
    auto* imu = dynamic_cast<Lsm6dsxDevice*>(b->device("imu"));
    ASSERT_NE(imu, nullptr);
    EXPECT_EQ(imu->type(), "lsm6ds3");
    EXPECT_EQ(imu->address(), 0x6Au);
}

TEST_F(I2cDevicesOnBus, Lsm6dsoAtTheOtherAddressAndNothingAtTheFirst) {
    auto b = board("  - {type: lsm6dso, name: imu, bus: ISU2, address: 0x6B}\n");
    std::vector<std::uint8_t> rx;
    EXPECT_EQ(transfer(0x6B, {0x0F}, 1, &rx), 0u);
    EXPECT_EQ(rx, std::vector<std::uint8_t>{0x6C});
    rx.clear();
    EXPECT_EQ(transfer(0x6A, {0x0F}, 1, &rx), 1u << 8) << "address NACK";
    EXPECT_TRUE(rx.empty());
}

TEST_F(I2cDevicesOnBus, RegisterFileKeepsWritesAndWrapsAtItsSize) {
    auto b = board("  - {type: i2c-register-file, name: r, bus: ISU2, address: 0x50, size: 4, registers: {0: 0x5a, 3: 7}}\n");
    std::vector<std::uint8_t> rx;
    EXPECT_EQ(transfer(0x50, {0x00}, 5, &rx), 0u);
    EXPECT_EQ(rx, (std::vector<std::uint8_t>{0x5A, 0, 0, 7, 0x5A})) << "the pointer wraps at size 4";
    EXPECT_EQ(transfer(0x50, {0x01, 0x11, 0x22}, 0, nullptr), 0u);
    auto* reg = dynamic_cast<I2cRegisterFile*>(b->device("r"));
    ASSERT_NE(reg, nullptr);
    EXPECT_EQ(reg->readRegister(1), 0x11);
    EXPECT_EQ(reg->readRegister(2), 0x22);
    // Pointer 4 is beyond the registers: the byte is NACKed (data ACK bit 0).
    EXPECT_EQ(transfer(0x50, {0x04}, 0, nullptr), 1u);
    rx.clear();
    // A pointer write and a separate read transaction: the pointer survived the STOP.
    EXPECT_EQ(transfer(0x50, {0x02}, 0, nullptr), 0u);
    EXPECT_EQ(transfer(0x50, {}, 1, &rx), 0u);
    EXPECT_EQ(rx, std::vector<std::uint8_t>{0x22});
}

TEST_F(I2cDevicesOnBus, DeviceGoneFromTheBusWithTheBoard) {
    board("  - {type: lsm6ds3, name: imu, bus: ISU2}\n").reset();
    EXPECT_EQ(i2c.bus.target(0x6A), nullptr);
}

TEST_F(I2cDevicesOnBus, MissingBusIsABoardError) {
    try {
        Board b(parse("  - {type: lsm6ds3, name: imu, bus: ISU1}\n"), pins, log, scheduler, UartLookup{},
                [this](std::string_view name) { return name == "ISU2" ? &i2c.bus : nullptr; });
        FAIL();
    } catch (const BoardError& e) {
        EXPECT_STREQ(e.what(), "device 'imu' (line 4): I2C bus 'ISU1' is not available on this machine");
    }
}

}  // namespace
}  // namespace mt3620
