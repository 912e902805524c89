// Board devices on a PinBank: LEDs follow their pad with their polarity and log each change,
// buttons drive their pad, analog sources give the right volts at given times, the Board finds
// its devices, and the VCD writer's output is exact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "board/AnalogSource.h"
#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/VcdWriter.h"
#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/PinBank.h"

namespace mt3620 {
namespace {

using ::testing::HasSubstr;

const std::string kRdb = std::string(TEST_DATA_DIR) + "/../../boards/mt3620-rdb.yaml";

/// A PinBank, a scheduler as its clock, and a log captured in `logged`.
class BoardRig : public ::testing::Test {
protected:
    BoardRig() {
        auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(logged));
        logger->set_pattern("%v");
        logger->set_level(spdlog::level::info);
        log = std::make_unique<Log>(logger);
        log->setTimeSource(&scheduler);
        pins.setTimeSource(&scheduler);
    }
    BoardWiring wiring() { return BoardWiring{pins, *log, scheduler}; }

    std::ostringstream logged;
    Scheduler scheduler;
    PinBank pins;
    std::unique_ptr<Log> log;
};

// --- LED -------------------------------------------------------------------------------------

class LedTest : public BoardRig {};

TEST_F(LedTest, ActiveLowFollowsTheGpioOutput) {
    LedSpec spec;
    spec.name = "LED1-red";
    spec.pin = 8;
    spec.active_low = true;
    BoardWiring w = wiring();
    pins.setGpioOutput(8, true, true);  // firmware drives it high first: off
    Led led(spec, w);
    EXPECT_FALSE(led.isOn());

    scheduler.advanceTo(12 * kPicosPerSecond + 500 * kPicosPerMicro);
    pins.setGpioOutput(8, true, false);
    EXPECT_TRUE(led.isOn());
    EXPECT_EQ(led.changes(), 1u);
    EXPECT_EQ(led.lastChange(), 12 * kPicosPerSecond + 500 * kPicosPerMicro);
    EXPECT_EQ(logged.str(), "[   12.000500 s] LED1-red on\n");

    pins.setGpioOutput(8, true, false);  // same level: nothing
    pins.setGpioOutput(9, true, true);   // another pad: nothing
    EXPECT_EQ(led.changes(), 1u);
    scheduler.advanceTo(13 * kPicosPerSecond);
    pins.setGpioOutput(8, true, true);
    EXPECT_FALSE(led.isOn());
    EXPECT_EQ(led.changes(), 2u);
    EXPECT_THAT(logged.str(), HasSubstr("[   13.000000 s] LED1-red off\n"));
}

TEST_F(LedTest, ActiveHighIsLitByAHighPad) {
    LedSpec spec;
    spec.name = "status";
    spec.pin = 3;
    BoardWiring w = wiring();
    Led led(spec, w);
    EXPECT_FALSE(led.isOn());  // an undriven pad reads low
    pins.setGpioOutput(3, true, true);
    EXPECT_TRUE(led.isOn());
    pins.setGpioOutput(3, false, true);  // OE off: the pad floats low again
    EXPECT_FALSE(led.isOn());
    EXPECT_EQ(led.changes(), 2u);
}

// --- Button ----------------------------------------------------------------------------------

class ButtonTest : public BoardRig {};

TEST_F(ButtonTest, DrivesIdleLevelAndPressedLevel) {
    ButtonSpec spec;
    spec.name = "A";
    spec.pin = 12;
    spec.idle_high = true;
    BoardWiring w = wiring();
    Button a(spec, w);
    EXPECT_TRUE(pins.level(12));  // idle high from construction
    EXPECT_FALSE(a.isPressed());
    a.press();
    EXPECT_TRUE(a.isPressed());
    EXPECT_FALSE(pins.level(12));
    a.release();
    EXPECT_TRUE(pins.level(12));
    a.toggle();
    EXPECT_FALSE(pins.level(12));
    a.toggle();
    EXPECT_TRUE(pins.level(12));
    EXPECT_EQ(a.presses(), 2u);
    EXPECT_THAT(logged.str(), HasSubstr("A pressed\n"));
    EXPECT_THAT(logged.str(), HasSubstr("A released\n"));
}

TEST_F(ButtonTest, IdleLowButtonPullsHighWhenPressed) {
    ButtonSpec spec;
    spec.name = "up";
    spec.pin = 5;
    spec.idle_high = false;
    BoardWiring w = wiring();
    Button b(spec, w);
    EXPECT_FALSE(pins.level(5));
    b.press();
    EXPECT_TRUE(pins.level(5));
}

TEST_F(ButtonTest, ChipOutputWinsOverTheButton) {
    ButtonSpec spec;
    spec.name = "A";
    spec.pin = 12;
    BoardWiring w = wiring();
    Button a(spec, w);
    pins.setGpioOutput(12, true, true);
    a.press();
    EXPECT_TRUE(pins.level(12));  // PinBank: the chip's output is stronger
}

TEST_F(ButtonTest, ClickReleasesAfterTheHoldTime) {
    ButtonSpec spec;
    spec.name = "B";
    spec.pin = 13;
    BoardWiring w = wiring();
    Button b(spec, w);
    b.click(50 * kPicosPerMilli);
    EXPECT_FALSE(pins.level(13));
    scheduler.advanceTo(49 * kPicosPerMilli);
    EXPECT_TRUE(b.isPressed());
    scheduler.advanceTo(50 * kPicosPerMilli);
    EXPECT_FALSE(b.isPressed());
    EXPECT_TRUE(pins.level(13));
}

// --- Analog sources --------------------------------------------------------------------------

TEST(AnalogSourceTest, Constant) {
    AnalogWaveform v = makeAnalogSource(ConstantSource{1.25});
    EXPECT_DOUBLE_EQ(v(0), 1.25);
    EXPECT_DOUBLE_EQ(v(7 * kPicosPerSecond), 1.25);
}

TEST(AnalogSourceTest, SinePeaksAtAQuarterPeriod) {
    AnalogWaveform v = makeAnalogSource(SineSource{1.25, 1.0, kPicosPerSecond});
    EXPECT_NEAR(v(0), 1.25, 1e-12);
    EXPECT_NEAR(v(250 * kPicosPerMilli), 2.25, 1e-12);
    EXPECT_NEAR(v(500 * kPicosPerMilli), 1.25, 1e-12);
    EXPECT_NEAR(v(750 * kPicosPerMilli), 0.25, 1e-12);
    EXPECT_NEAR(v(10 * kPicosPerSecond + 250 * kPicosPerMilli), 2.25, 1e-12);  // periodic
}

TEST(AnalogSourceTest, RampIsASawtooth) {
    AnalogWaveform v = makeAnalogSource(RampSource{0.0, 2.5, 2 * kPicosPerSecond});
    EXPECT_DOUBLE_EQ(v(0), 0.0);
    EXPECT_DOUBLE_EQ(v(kPicosPerSecond), 1.25);  // midpoint
    EXPECT_DOUBLE_EQ(v(1500 * kPicosPerMilli), 1.875);
    EXPECT_DOUBLE_EQ(v(2 * kPicosPerSecond), 0.0);  // back to `from`
}

TEST(AnalogSourceTest, SquareIsHighThenLow) {
    AnalogWaveform v = makeAnalogSource(SquareSource{0.5, 2.0, 500 * kPicosPerMilli});
    EXPECT_DOUBLE_EQ(v(0), 2.0);
    EXPECT_DOUBLE_EQ(v(249 * kPicosPerMilli), 2.0);
    EXPECT_DOUBLE_EQ(v(250 * kPicosPerMilli), 0.5);
    EXPECT_DOUBLE_EQ(v(499 * kPicosPerMilli), 0.5);
    EXPECT_DOUBLE_EQ(v(500 * kPicosPerMilli), 2.0);
}

TEST(AnalogSourceTest, CsvInterpolatesAndHolds) {
    std::filesystem::path dir = std::filesystem::path(TEST_TMP_DIR) / "analog-csv";
    std::filesystem::create_directories(dir);
    {
        std::ofstream csv(dir / "wave.csv");
        csv << "time,volts\n1s,0.5\n3s,2.5\n\n# a step down\n3.5,1.0\n";
    }
    {
        std::ofstream board(dir / "board.yaml");
        board << "board: csv\nchip: mt3620\ndevices:\n"
                 "  - {type: analog, name: rec, channel: 2, source: {csv: wave.csv}}\n";
    }
    BoardDescription desc = BoardFile::load((dir / "board.yaml").string());
    const auto& spec = std::get<AnalogSpec>(desc.devices.at(0));
    AnalogWaveform v = makeAnalogSource(spec.source);
    EXPECT_DOUBLE_EQ(v(0), 0.5);                              // before the first sample: hold it
    EXPECT_DOUBLE_EQ(v(kPicosPerSecond), 0.5);
    EXPECT_DOUBLE_EQ(v(2 * kPicosPerSecond), 1.5);            // halfway between 0.5 and 2.5
    EXPECT_DOUBLE_EQ(v(3250 * kPicosPerMilli), 1.75);         // halfway down to 1.0
    EXPECT_DOUBLE_EQ(v(3500 * kPicosPerMilli), 1.0);
    EXPECT_DOUBLE_EQ(v(100 * kPicosPerSecond), 1.0);          // after the last: hold it
}

// --- Board -----------------------------------------------------------------------------------

class BoardTest : public BoardRig {};

TEST_F(BoardTest, BuildsTheRdb) {
    Board board(BoardFile::load(kRdb), pins, *log, scheduler);
    EXPECT_EQ(board.name(), "mt3620-rdb");
    EXPECT_EQ(board.devices().size(), 16u);
    EXPECT_EQ(board.leds().size(), 12u);
    ASSERT_NE(board.led("LED1-red"), nullptr);
    EXPECT_EQ(board.led("LED1-red")->pin(), 8u);
    EXPECT_EQ(board.led("A"), nullptr);  // a button, not an LED
    EXPECT_EQ(board.led("nope"), nullptr);

    Button* a = board.button("A");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(board.buttonForKey('a'), a);
    EXPECT_EQ(board.buttonForKey('b'), board.button("B"));
    EXPECT_EQ(board.buttonForKey('z'), nullptr);
    EXPECT_TRUE(pins.level(12));
    EXPECT_TRUE(pins.level(13));
    a->press();
    EXPECT_FALSE(pins.level(12));

    auto analog = board.analogInputs();
    ASSERT_EQ(analog.size(), 1u);
    EXPECT_EQ(analog[0]->name(), "potentiometer");
    EXPECT_EQ(analog[0]->channel(), 0u);
    EXPECT_EQ(analog[0]->pin(), 41u);
    EXPECT_DOUBLE_EQ(analog[0]->volts(5 * kPicosPerSecond), 1.25);
    EXPECT_EQ(board.analog("potentiometer"), analog[0]);

    auto wired = board.digitalPins();
    ASSERT_EQ(wired.size(), 14u);  // 12 LEDs + 2 buttons; the analog pad is not digital
    EXPECT_EQ(wired[0].pin, 8u);
    EXPECT_EQ(wired[0].device, "LED1-red");
}

TEST_F(BoardTest, LedsOfTheRdbLightWhenDrivenLow) {
    Board board(BoardFile::load(kRdb), pins, *log, scheduler);
    pins.setGpioOutput(9, true, true);
    EXPECT_FALSE(board.led("LED1-green")->isOn());
    pins.setGpioOutput(9, true, false);
    EXPECT_TRUE(board.led("LED1-green")->isOn());
    EXPECT_THAT(logged.str(), HasSubstr("LED1-green on"));
}

// --- VCD -------------------------------------------------------------------------------------

class VcdWriterTest : public BoardRig {};

TEST_F(VcdWriterTest, ExactOutput) {
    std::ostringstream out;
    pins.setExternal(12, true);
    {
        VcdWriter vcd(out, pins, {{8, "LED1_red_gpio8"}, {12, "A_gpio12"}});
        pins.setGpioOutput(8, true, true);  // at 0: same timestamp as the initial values
        scheduler.advanceTo(1500 * kPicosPerNano);
        pins.setExternal(12, false);
        pins.setGpioOutput(8, true, false);
        scheduler.advanceTo(2 * kPicosPerMicro);
        pins.setGpioOutput(7, true, true);  // not traced
        pins.setExternal(12, true);
        vcd.close(3 * kPicosPerMicro);
        EXPECT_EQ(vcd.changes(), 4u);
        EXPECT_EQ(vcd.lateChanges(), 0u);
    }
    EXPECT_EQ(out.str(),
              "$version mt3620-emu $end\n"
              "$timescale 1 ps $end\n"
              "$scope module board $end\n"
              "$var wire 1 ! LED1_red_gpio8 $end\n"
              "$var wire 1 \" A_gpio12 $end\n"
              "$upscope $end\n"
              "$enddefinitions $end\n"
              "#0\n"
              "$dumpvars\n"
              "0!\n"
              "1\"\n"
              "$end\n"
              "1!\n"
              "#1500000\n"
              "0\"\n"
              "0!\n"
              "#2000000\n"
              "1\"\n"
              "#3000000\n");
}

TEST_F(VcdWriterTest, SortsChangesThatArriveOutOfOrder) {
    // Two cores run one after the other over a quantum: the second reports older changes.
    std::ostringstream out;
    VcdWriter vcd(out, pins, {{1, "a"}, {2, "b"}});
    vcd.pinChanged(1, true, 300);
    vcd.pinChanged(2, true, 100);
    vcd.pinChanged(2, false, 300);
    vcd.close();
    std::string text = out.str();
    // Same-time changes keep their arrival order; no end stamp when none is later.
    EXPECT_THAT(text, ::testing::EndsWith("$end\n#100\n1\"\n#300\n1!\n0\"\n"));
}

TEST_F(VcdWriterTest, WritesSettledChangesAndClampsLateOnes) {
    std::ostringstream out;
    VcdWriter vcd(out, pins, {{1, "a"}});
    vcd.setReorderWindow(10);
    vcd.pinChanged(1, true, 5);
    vcd.pinChanged(1, false, 100);  // 5 is now settled and written
    EXPECT_THAT(out.str(), HasSubstr("#5\n1!\n"));
    vcd.pinChanged(1, true, 50);  // older than what may be written next
    vcd.pinChanged(1, false, 200);
    EXPECT_THAT(out.str(), HasSubstr("#50\n1!\n#100\n0!\n"));
    vcd.pinChanged(1, true, 20);  // before 100, which is already out: written at 100
    vcd.close();
    EXPECT_EQ(vcd.lateChanges(), 1u);
    EXPECT_THAT(out.str(), HasSubstr("#100\n0!\n1!\n#200\n0!\n"));
}

TEST_F(VcdWriterTest, TracesABoardIntoAFile) {
    Board board(BoardFile::load(kRdb), pins, *log, scheduler);
    std::filesystem::create_directories(TEST_TMP_DIR);
    std::string path = std::string(TEST_TMP_DIR) + "/rdb.vcd";
    auto signals = VcdWriter::signalsFor(board);
    ASSERT_EQ(signals.size(), 14u);
    EXPECT_EQ(signals[0].name, "LED1_red_gpio8");
    EXPECT_EQ(VcdWriter::signalName("LED2-blue", 17), "LED2_blue_gpio17");
    {
        VcdWriter vcd(path, pins, signals, 0, board.name());
        scheduler.advanceTo(kPicosPerMilli);
        board.button("B")->press();
    }  // the destructor closes and flushes
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_THAT(text.str(), HasSubstr("$scope module mt3620_rdb $end\n"));
    EXPECT_THAT(text.str(), HasSubstr("$var wire 1 . B_gpio13 $end\n"));  // 14th identifier
    EXPECT_THAT(text.str(), HasSubstr("#1000000000\n0.\n"));
}

}  // namespace
}  // namespace mt3620
