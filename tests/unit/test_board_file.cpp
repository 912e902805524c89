// Board files: the RDB file parses into the devices the reference names, and every kind of bad
// file is refused with its file name, line and reason (docs/board-files.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <variant>

#include "board/BoardFile.h"
#include "board/DeviceRegistry.h"

namespace mt3620 {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kBoards = std::string(TEST_DATA_DIR) + "/boards/";
// The repository's boards/ folder, two levels above tests/data.
const std::string kRdb = std::string(TEST_DATA_DIR) + "/../../boards/mt3620-rdb.yaml";

template <class Spec>
const Spec& deviceNamed(const BoardDescription& board, const std::string& name) {
    for (const DeviceSpec& d : board.devices)
        if (specBase(d).name == name) return std::get<Spec>(d);
    throw std::runtime_error("no device " + name);
}

TEST(BoardFileTest, ParsesTheRdb) {
    BoardDescription rdb = BoardFile::load(kRdb);
    EXPECT_EQ(rdb.board, "mt3620-rdb");
    EXPECT_EQ(rdb.chip, "mt3620");
    EXPECT_FALSE(rdb.description.empty());
    ASSERT_EQ(rdb.devices.size(), 16u);  // 12 LED colours, 2 buttons, 1 analog input, 1 LSM6DS3

    const unsigned pins[4][3] = {{8, 9, 10}, {15, 16, 17}, {18, 19, 20}, {21, 22, 23}};
    const char* colours[3] = {"red", "green", "blue"};
    for (int led = 0; led < 4; ++led) {
        for (int c = 0; c < 3; ++c) {
            std::string name = "LED" + std::to_string(led + 1) + "-" + colours[c];
            const LedSpec& spec = deviceNamed<LedSpec>(rdb, name);
            EXPECT_EQ(spec.pin, pins[led][c]) << name;
            EXPECT_TRUE(spec.active_low) << name;
        }
    }
    const ButtonSpec& a = deviceNamed<ButtonSpec>(rdb, "A");
    EXPECT_EQ(a.pin, 12u);
    EXPECT_TRUE(a.idle_high);
    EXPECT_EQ(a.key, 'a');
    const ButtonSpec& b = deviceNamed<ButtonSpec>(rdb, "B");
    EXPECT_EQ(b.pin, 13u);
    EXPECT_TRUE(b.idle_high);
    EXPECT_EQ(b.key, 'b');

    const AnalogSpec& pot = deviceNamed<AnalogSpec>(rdb, "potentiometer");
    EXPECT_EQ(pot.adc, 0u);
    EXPECT_EQ(pot.channel, 0u);
    ASSERT_TRUE(std::holds_alternative<ConstantSource>(pot.source));
    EXPECT_DOUBLE_EQ(std::get<ConstantSource>(pot.source).volts, 1.25);
    EXPECT_GT(a.line, pot.line - 100);  // lines are recorded
    EXPECT_GT(a.line, 0);
}

TEST(BoardFileTest, DefaultsAndInlineMaps) {
    BoardDescription board = BoardFile::parse("inline.yaml",
                                              "board: tiny\n"
                                              "chip: mt3620\n"
                                              "devices:\n"
                                              "  - {type: led, name: L, pin: 4}\n"
                                              "  - {type: button, name: K, pin: 5}\n"
                                              "  - {type: analog, name: P, channel: 7, source: {constant: 0}}\n");
    EXPECT_TRUE(board.description.empty());
    const LedSpec& led = deviceNamed<LedSpec>(board, "L");
    EXPECT_FALSE(led.active_low);  // active high unless told
    EXPECT_EQ(led.line, 4);
    const ButtonSpec& button = deviceNamed<ButtonSpec>(board, "K");
    EXPECT_TRUE(button.idle_high);
    EXPECT_FALSE(button.key.has_value());
    EXPECT_EQ(deviceNamed<AnalogSpec>(board, "P").adc, 0u);
}

TEST(BoardFileTest, BoardWithoutDevices) {
    BoardDescription board = BoardFile::parse("bare.yaml", "board: bare\nchip: mt3620\n");
    EXPECT_EQ(board.board, "bare");
    EXPECT_TRUE(board.devices.empty());
}

TEST(BoardFileTest, SeveralLedsMayWatchOnePad) {
    BoardDescription board = BoardFile::load(kBoards + "good-sources.yaml");
    EXPECT_EQ(deviceNamed<LedSpec>(board, "twin-1").pin, 3u);
    EXPECT_EQ(deviceNamed<LedSpec>(board, "twin-2").pin, 3u);
}

TEST(BoardFileTest, ReadsEverySourceKind) {
    BoardDescription board = BoardFile::load(kBoards + "good-sources.yaml");
    auto sine = std::get<SineSource>(deviceNamed<AnalogSpec>(board, "wave").source);
    EXPECT_DOUBLE_EQ(sine.offset, 1.25);
    EXPECT_DOUBLE_EQ(sine.amplitude, 1.0);
    EXPECT_EQ(sine.period, kPicosPerSecond);
    auto ramp = std::get<RampSource>(deviceNamed<AnalogSpec>(board, "saw").source);
    EXPECT_DOUBLE_EQ(ramp.to, 2.5);
    EXPECT_EQ(ramp.period, 2 * kPicosPerSecond);
    auto square = std::get<SquareSource>(deviceNamed<AnalogSpec>(board, "clock").source);
    EXPECT_EQ(square.period, 500 * kPicosPerMilli);
    auto csv = std::get<CsvSource>(deviceNamed<AnalogSpec>(board, "recorded").source);
    // Comment and header skipped; times as plain seconds and as durations.
    ASSERT_EQ(csv.points.size(), 4u);
    EXPECT_EQ(csv.points[0], (std::pair<Picos, double>{0, 0.0}));
    EXPECT_EQ(csv.points[1], (std::pair<Picos, double>{kPicosPerSecond, 2.0}));
    EXPECT_EQ(csv.points[2], (std::pair<Picos, double>{1500 * kPicosPerMilli, 2.0}));
    EXPECT_EQ(csv.points[3], (std::pair<Picos, double>{2500 * kPicosPerMilli, 1.0}));
}

TEST(BoardFileTest, MissingFileIsNamed) {
    try {
        BoardFile::load(kBoards + "no-such-board.yaml");
        FAIL() << "loaded a missing file";
    } catch (const BoardError& e) {
        EXPECT_THAT(e.what(), HasSubstr("no-such-board.yaml: cannot read board file"));
    }
}

TEST(BoardFileTest, RegistryKnowsTheTypes) {
    ASSERT_EQ(deviceTypes().size(), 9u);
    EXPECT_EQ(deviceTypes()[0].name, "analog");  // sorted, as error messages list them
    for (std::size_t i = 1; i < deviceTypes().size(); ++i) EXPECT_LT(deviceTypes()[i - 1].name, deviceTypes()[i].name);
    EXPECT_NE(findDeviceType("led"), nullptr);
    EXPECT_EQ(findDeviceType("buzzer"), nullptr);
    EXPECT_EQ(deviceTypeOf(DeviceSpec(ButtonSpec{})).name, "button");
}

// --- Refused files: one per kind of error --------------------------------------------------

struct BadBoard {
    const char* file;         // in tests/data/boards
    const char* located;      // "file:line:" the message starts with (the CSV's own, for CSV lines)
    const char* reason;       // a substring of the message
};

std::ostream& operator<<(std::ostream& os, const BadBoard& b) { return os << b.file; }

class BoardFileErrors : public ::testing::TestWithParam<BadBoard> {};

TEST_P(BoardFileErrors, RefusedWithFileLineAndReason) {
    const BadBoard& bad = GetParam();
    try {
        BoardFile::load(kBoards + bad.file);
        FAIL() << bad.file << " was accepted";
    } catch (const BoardError& e) {
        std::string msg = e.what();
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;  // one line
        EXPECT_THAT(msg, StartsWith(kBoards + bad.located)) << msg;
        EXPECT_THAT(msg, HasSubstr(bad.reason)) << msg;
    }
}

const BadBoard kBadBoards[] = {
    {"bad-syntax.yaml", "bad-syntax.yaml:6: ", "YAML syntax error: end of sequence not found"},
    {"bad-empty.yaml", "bad-empty.yaml: ", "the board file is empty"},
    {"bad-missing-chip.yaml", "bad-missing-chip.yaml:1: ", "missing required top-level key 'chip'"},
    {"bad-unknown-top-key.yaml", "bad-unknown-top-key.yaml:3: ",
     "unknown top-level key 'devcies' (known: board, chip, description, devices)"},
    {"bad-chip.yaml", "bad-chip.yaml:2: ", "chip 'mt7688' is not supported (only mt3620)"},
    {"bad-devices-not-list.yaml", "bad-devices-not-list.yaml:3: ", "devices must be a list"},
    {"bad-unknown-type.yaml", "bad-unknown-type.yaml:5: ",
     "device 'beeper': unknown device type 'buzzer' (known: analog, button, i2c-register-file, led, lsm6ds3, lsm6dso, spi-nor-flash, spi-register-file, uart)"},
    {"bad-missing-field.yaml", "bad-missing-field.yaml:4: ", "device 'L': missing required field 'pin'"},
    {"bad-missing-name.yaml", "bad-missing-name.yaml:4: ", "device #1: missing required field 'name'"},
    {"bad-unknown-field.yaml", "bad-unknown-field.yaml:7: ",
     "device 'L': unknown field 'colour' (known: active, name, pin, type)"},
    {"bad-repeated-field.yaml", "bad-repeated-field.yaml:8: ", "device 'L': field 'pin' is given twice (first on line 6)"},
    {"bad-pin-range.yaml", "bad-pin-range.yaml:6: ", "device 'LED9': pin 120 is out of range (GPIO 0-93)"},
    {"bad-pin-not-number.yaml", "bad-pin-not-number.yaml:6: ", "pin must be a whole number, not 'eight'"},
    {"bad-active.yaml", "bad-active.yaml:7: ", "active must be high or low, not 'medium'"},
    {"bad-key.yaml", "bad-key.yaml:7: ", "key must be one printable character, not 'enter'"},
    {"bad-channel-range.yaml", "bad-channel-range.yaml:6: ", "channel 8 is out of range (ADC channels 0-7)"},
    {"bad-adc-controller.yaml", "bad-adc-controller.yaml:6: ", "adc 1 is out of range (the MT3620 has one ADC controller: 0)"},
    {"bad-two-buttons-one-pin.yaml", "bad-two-buttons-one-pin.yaml:9: ",
     "device 'B': pin 12 is already used by device 'A' (line 4); only LEDs may share a pad"},
    {"bad-led-on-button-pin.yaml", "bad-led-on-button-pin.yaml:9: ",
     "device 'L': pin 12 is already used by device 'A' (line 4)"},
    {"bad-analog-pin-shared.yaml", "bad-analog-pin-shared.yaml:9: ",
     "device 'pot': pin 41 (ADC channel 0) is already used by device 'A' (line 4)"},
    {"bad-duplicate-name.yaml", "bad-duplicate-name.yaml:8: ", "duplicate device name 'L' (first on line 4)"},
    {"bad-duplicate-key.yaml", "bad-duplicate-key.yaml:11: ", "device 'B': key 'a' is already used by device 'A' (line 4)"},
    {"bad-duration.yaml", "bad-duration.yaml:11: ", "source.sine.period '1' is not a duration"},
    {"bad-volts.yaml", "bad-volts.yaml:7: ", "source.constant must be a number, not 'lots'"},
    {"bad-volts-range.yaml", "bad-volts-range.yaml:8: ", "source.square.high 3.3 V is out of range (0-2.5 V"},
    {"bad-source-kind.yaml", "bad-source-kind.yaml:8: ", "unknown source kind 'triangle' (known: constant, sine, ramp, square, csv)"},
    {"bad-csv-missing.yaml", "bad-csv-missing.yaml:7: ", "cannot read CSV file"},
    {"bad-csv-line.yaml", "bad-csv-line.csv:4: ", "malformed CSV line '2s;2.0'"},
};

INSTANTIATE_TEST_SUITE_P(BadFiles, BoardFileErrors, ::testing::ValuesIn(kBadBoards),
                         [](const ::testing::TestParamInfo<BadBoard>& info) {
                             std::string name;
                             for (const char* c = info.param.file; *c && *c != '.'; ++c)
                                 name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
                             return name;
                         });

TEST(BoardFileTest, CsvLineErrorAlsoNamesTheDeviceAndBoardLine) {
    try {
        BoardFile::load(kBoards + "bad-csv-line.yaml");
        FAIL();
    } catch (const BoardError& e) {
        EXPECT_THAT(e.what(), HasSubstr("device 'pot' (" + kBoards + "bad-csv-line.yaml:7)"));
    }
}

TEST(BoardFileTest, ParseNamesTheGivenFile) {
    try {
        BoardFile::parse("rdb.yaml", "board: x\nchip: mt3620\ndevices:\n  - type: led\n    name: LED9\n    pin: 120\n");
        FAIL();
    } catch (const BoardError& e) {
        EXPECT_STREQ(e.what(), "rdb.yaml:6: device 'LED9': pin 120 is out of range (GPIO 0-93)");
    }
}

}  // namespace
}  // namespace mt3620
