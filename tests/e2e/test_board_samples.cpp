// End-to-end: GPIO, EINT, PWM and ADC samples on the reference board (issue: pins and board files).
#include <gtest/gtest.h>

#include <regex>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/Button.h"
#include "board/Led.h"
#include "e2e/E2eSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "periph/PwmController.h"

using namespace mt3620;
using e2e::firmware;
using e2e::ms;
using e2e::sec;

namespace {

const std::string kRdb = std::string(SOURCE_DIR) + "/boards/mt3620-rdb.yaml";

/// Records every change of one pad.
struct EdgeLog : PinListener {
    explicit EdgeLog(unsigned p) : pin(p) {}
    void pinChanged(unsigned p, bool level, Picos time) override {
        if (p == pin) edges.push_back({level, time});
    }
    unsigned pin;
    std::vector<std::pair<bool, Picos>> edges;
};

struct BoardRun {
    explicit BoardRun(const std::string& sample, const std::string& board_yaml = "") {
        m.loadBoard(board_yaml.empty() ? BoardFile::load(kRdb) : BoardFile::parse("test-board.yaml", board_yaml));
        m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware(sample)));
    }
    std::string text() { return m.m4(CoreId::M4_0).debug_uart_capture.text(); }
    Machine m;
};

}  // namespace

TEST(BlinkSample, TogglesGpio8Every500ms) {
    BoardRun r("blink");
    EdgeLog log(8);
    r.m.pins().addListener(&log);
    r.m.runFor(sec(3) + ms(100));
    // The first edge is the firmware driving the pad high (LED off) during set-up.
    ASSERT_GE(log.edges.size(), 7u);
    std::vector<std::pair<bool, Picos>> toggles(log.edges.begin() + 1, log.edges.end());
    ASSERT_EQ(toggles.size(), 6u);
    for (std::size_t i = 0; i < toggles.size(); ++i) {
        EXPECT_EQ(toggles[i].first, i % 2 == 1) << "odd toggles turn the active-low LED on (pad low)";
        if (i > 0) {
            // Interrupt latency differs by at most a translated block: well under 10 us.
            double dt = static_cast<double>(toggles[i].second - toggles[i - 1].second) / 1e12;
            EXPECT_NEAR(dt, 0.5, 10e-6) << i;
        }
    }
    EXPECT_EQ(r.m.board()->led("LED1-red")->changes(), log.edges.size());
}

TEST(BlinkSample, VcdShowsTheLedPinToggling) {
    std::string vcd = e2e::tmpPath("blink.vcd");
    auto res = e2e::runEmu("run --m4-0 " + firmware("blink") + " --time-limit 1600ms --vcd " + vcd);
    ASSERT_EQ(res.exit_code, 0) << res.err;
    std::string text = e2e::readFile(vcd);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(\$var wire 1 (\S+) LED1_red_gpio8 \$end)"))) << text;
    const std::string id = m[1];
    // Collect the times at which LED1_red changes.
    std::vector<double> times;
    std::regex change("#(\\d+)\\n((?:[01]\\S+\\n)*)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), change); it != std::sregex_iterator(); ++it) {
        std::string block = (*it)[2];
        if (block.find("0" + id + "\n") != std::string::npos || block.find("1" + id + "\n") != std::string::npos)
            times.push_back(std::stod((*it)[1]) / 1e12);
    }
    ASSERT_GE(times.size(), 4u) << text;
    EXPECT_NEAR(times[2] - times[1], 0.5, 1e-5);
    EXPECT_NEAR(times[3] - times[2], 0.5, 1e-5);
    EXPECT_NE(res.err.find("LED1-red on"), std::string::npos) << "LED changes are logged";
}

TEST(ButtonSample, PressReachesTheInterruptHandlerWithinMicroseconds) {
    BoardRun r("button");
    EdgeLog green(9);
    r.m.pins().addListener(&green);
    EventTimer press(r.m.scheduler(), "press", [&] { r.m.board()->button("A")->press(); });
    EventTimer release(r.m.scheduler(), "release", [&] { r.m.board()->button("A")->release(); });
    press.armAt(sec(1));
    release.armAt(sec(1) + ms(100));
    r.m.runFor(sec(2));
    EXPECT_NE(r.text().find("button start, level 1"), std::string::npos) << r.text();
    EXPECT_NE(r.text().find("press 1"), std::string::npos) << r.text();
    EXPECT_EQ(r.text().find("press 2"), std::string::npos) << "one press, one interrupt";
    // LED1 green turns on (pad low) in the EINT handler, one interrupt latency after the press.
    ASSERT_FALSE(green.edges.empty());
    auto on = std::find_if(green.edges.begin(), green.edges.end(), [](auto& e) { return !e.first && e.second >= sec(1); });
    ASSERT_NE(on, green.edges.end());
    EXPECT_LT(on->second - sec(1), 20 * kPicosPerMicro);
    EXPECT_TRUE(r.m.board()->led("LED1-green")->isOn());
}

TEST(PwmFadeSample, DutyMeasuredFromEdgesMatchesTheProgrammedValue) {
    BoardRun r("pwm-fade");
    r.m.runFor(ms(1200));
    ASSERT_NE(r.text().find("pwm hold 25%"), std::string::npos) << r.text();
    EdgeLog log(8);
    r.m.pins().addListener(&log);
    r.m.runFor(ms(10));
    ASSERT_GE(log.edges.size(), 10u);
    // on = 500 and off = 1500 ticks of the 2 MHz tick clock: high exactly 250 us of each 1 ms.
    for (std::size_t i = 1; i + 1 < log.edges.size(); ++i) {
        Picos len = log.edges[i + 1].second - log.edges[i].second;
        if (log.edges[i].first) EXPECT_EQ(len, 250 * kPicosPerMicro) << i;
        else EXPECT_EQ(len, 750 * kPicosPerMicro) << i;
    }
    auto state = r.m.shared().pwm[2]->channel(0);
    EXPECT_TRUE(state.running);
    EXPECT_NEAR(state.duty, 0.25, 1e-9);
    EXPECT_EQ(state.period, kPicosPerMilli);
    // The active-low LED is lit while the pad is low: 75 % of the time.
    ASSERT_TRUE(r.m.board()->led("LED1-red")->dutyCycle().has_value());
    EXPECT_NEAR(*r.m.board()->led("LED1-red")->dutyCycle(), 0.75, 1e-6);
}

TEST(AdcReadSample, PotentiometerAt1point25VoltsReads2048) {
    BoardRun r("adc-read");
    r.m.runFor(sec(2));
    std::regex line(R"(adc ch0 (\d+) (\d+) mV)");
    int readings = 0;
    std::string text = r.text();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it) {
        EXPECT_NEAR(std::stoi((*it)[1]), 2048, 1);
        ++readings;
    }
    EXPECT_EQ(readings, 8) << text;
    EXPECT_NE(text.find("adc done"), std::string::npos);
}

TEST(AdcReadSample, FollowsARampFromTheBoardFile) {
    BoardRun r("adc-read", R"(board: ramp-board
chip: mt3620
devices:
  - type: analog
    name: ramp
    channel: 0
    source: {ramp: {from: 0, to: 2.5, period: 2s}}
)");
    r.m.runFor(sec(2));
    std::regex line(R"(adc ch0 (\d+) )");
    std::vector<int> codes;
    std::string text = r.text();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it)
        codes.push_back(std::stoi((*it)[1]));
    ASSERT_EQ(codes.size(), 8u) << text;
    for (std::size_t i = 1; i < codes.size(); ++i) {
        EXPECT_GT(codes[i], codes[i - 1]);
        // 250 ms apart on a 2 s ramp over 4095 codes: about 512 codes per reading.
        EXPECT_NEAR(codes[i] - codes[i - 1], 512, 3);
    }
}

TEST(CliBoard, BadBoardFileIsRefusedWithFileLineAndReason) {
    std::string bad = e2e::tmpPath("bad-board.yaml");
    std::ofstream(bad) << "board: x\nchip: mt3620\ndevices:\n  - type: laser\n    name: pew\n    pin: 3\n";
    auto r = e2e::runEmu("run --m4-0 " + firmware("blink") + " --time-limit 1s --board " + bad);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad-board.yaml:4"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("laser"), std::string::npos) << r.err;
}

TEST(CliBoard, ScriptedPressOfButtonA) {
    auto r = e2e::runEmu("run --m4-0 " + firmware("button") + " --time-limit 2s --press A@500ms --press A@1500ms+50ms");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("press 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("press 2"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("A pressed"), std::string::npos) << r.err;
    auto bad = e2e::runEmu("run --m4-0 " + firmware("button") + " --press Z@1s");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("no button named 'Z'"), std::string::npos) << bad.err;
}
