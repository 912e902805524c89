// Scenario files (docs/scenarios.md): good files parse into the steps they say, and every kind
// of bad file in tests/data/scenarios/bad/ is refused with "file:line: reason" (each file's
// first line says what the message must contain).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scenario/Scenario.h"
#include "scenario/Steps.h"

namespace mt3620::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kData = std::string(TEST_DATA_DIR) + "/scenarios/";
const std::string kRdb = std::string(TEST_DATA_DIR) + "/../../boards/mt3620-rdb.yaml";
const std::string kHlApps = std::string(HL_APPS_DIR) + "/apps";

/// Files that run HL apps need them built (the musl cross compiler may be missing).
bool needsMissingHlApps(const std::string& text) {
    return text.find("${HL_APPS_DIR}") != std::string::npos && !std::filesystem::exists(kHlApps + "/hl-blink/bin/app");
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ParseOptions options(bool load_images = false) {
    ParseOptions o;
    o.default_board_name = "mt3620-rdb";
    o.default_board_yaml = readFile(kRdb);
    o.variables["FIRMWARE_DIR"] = FIRMWARE_DIR;
    o.variables["HL_APPS_DIR"] = kHlApps;
    o.load_images = load_images;
    return o;
}

Scenario parse(const std::string& text, const ParseOptions& o = options()) {
    return ScenarioFile::parse("test.yaml", text, "/scenarios", o);
}

std::string refusal(const std::string& text, const ParseOptions& o = options()) {
    try {
        parse(text, o);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(ScenarioParse, EveryStepKindWithItsFields) {
    Scenario s = parse(R"(name: all steps
cores:
  m4-0: ${FIRMWARE_DIR}/blink.elf
  m4-1: /abs/counter.elf
timeout: 20s
steps:
  - wait-serial: {uart: m4-0, text: "blink start", timeout: 1s}
  - wait-serial: {uart: m4-1, regex: "^counter [0-9]+$"}
  - expect-serial-not: {uart: m4-0, text: error, for: 100ms}
  - write-serial: {uart: m4-1, text: "hello\r\n"}
  - set-pin: {pin: 30, level: high}
  - set-pin: {pin: GPIO30, level: none}
  - press: {button: A, for: 100ms}
  - press: B
  - release: B
  - expect-pin: {pin: 8, level: low}
  - expect-pin: {led: LED1-red, state: on}
  - expect-pwm: {pin: 8, duty: 25%, period: 1ms, tolerance: 0.5%, polarity: normal}
  - expect-pwm: {led: LED1-green, running: false}
  - set-adc: {channel: 0, volts: 1.25}
  - delay: 500ms
  - delay: {for: 1s}
  - expect-register: {core: m4-0, address: 0x38030010, value: 1, mask: 0x1}
  - expect-fault: {core: m4-0, contains: PRECISERR, timeout: 10ms}
  - expect-no-fault
  - expect-no-fault: m4-1
  - restart: {core: m4-1}
  - snapshot-uart: {uart: m4-0, file: out/m4-0.txt}
  - parallel:
      - [wait-serial: {uart: m4-0, text: a}, delay: 1ms]
      - - press: {button: A, for: 10ms}
      - delay: 5ms
)");
    EXPECT_EQ(s.name, "all steps");
    EXPECT_EQ(s.timeout, 20 * kPicosPerSecond);
    ASSERT_EQ(s.cores.size(), 2u);
    EXPECT_EQ(s.cores[0].core, CoreId::M4_0);
    EXPECT_EQ(s.cores[0].path, std::string(FIRMWARE_DIR) + "/blink.elf");
    EXPECT_EQ(s.cores[0].line, 3);
    EXPECT_EQ(s.cores[1].path, "/abs/counter.elf");
    ASSERT_TRUE(s.board.has_value());
    EXPECT_EQ(s.board->board, "mt3620-rdb");

    const std::vector<std::string> kinds = {
        "wait-serial", "wait-serial", "expect-serial-not", "write-serial", "set-pin", "set-pin",
        "press", "press", "release", "expect-pin", "expect-pin", "expect-pwm", "expect-pwm", "set-adc",
        "delay", "delay", "expect-register", "expect-fault", "expect-no-fault", "expect-no-fault",
        "restart", "snapshot-uart", "parallel"};
    ASSERT_EQ(s.steps.size(), kinds.size());
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        EXPECT_EQ(s.steps[i]->kind, kinds[i]) << i;
        EXPECT_EQ(s.steps[i]->line, static_cast<int>(i) + 7) << i;
        EXPECT_EQ(s.steps[i]->label, "step " + std::to_string(i + 1) + " (" + kinds[i] + ")");
    }
}

TEST(ScenarioParse, DefaultsNameFromTheFileTimeoutAndSingleCoreUart) {
    Scenario s = parse("cores: {m4-1: app.elf}\nsteps:\n  - wait-serial: hello\n  - expect-fault\n");
    EXPECT_EQ(s.name, "test");
    EXPECT_EQ(s.timeout, ScenarioFile::kDefaultTimeout);
    EXPECT_EQ(s.cores[0].path, "/scenarios/app.elf");  // relative to the scenario's folder
    EXPECT_EQ(s.steps.size(), 2u);
}

TEST(ScenarioParse, BoardNoneAndBoardFiles) {
    Scenario bare = parse("board: none\ncores: {m4-0: a.elf}\nsteps: [delay: 1ms]\n");
    EXPECT_FALSE(bare.board.has_value());
    EXPECT_THAT(refusal("board: none\ncores: {m4-0: a.elf}\nsteps:\n  - press: A\n"),
                HasSubstr("test.yaml:4: step 1 (press): button 'A': the scenario has no board (board: none)"));

    Scenario custom = ScenarioFile::parse("s.yaml",
                                          "board: ../boards/good-sources.yaml\ncores: {m4-0: a.elf}\nsteps: [delay: 1ms]\n",
                                          kData, options());
    ASSERT_TRUE(custom.board.has_value());
    EXPECT_FALSE(custom.board->devices.empty());

    EXPECT_THAT(refusal("board: nowhere.yaml\ncores: {m4-0: a.elf}\nsteps: [delay: 1ms]\n"),
                StartsWith("test.yaml:1: board: /scenarios/nowhere.yaml: cannot read board file"));
}

TEST(ScenarioParse, NamesAreCheckedAgainstTheBoardAndTheCores) {
    EXPECT_THAT(refusal("cores: {m4-0: a.elf, m4-1: b.elf}\nsteps:\n  - delay: 1ms\n  - parallel:\n      - "
                        "[wait-serial: {uart: m4-0, text: x}]\n      - [delay: 1ms, press: {button: Q}]\n"),
                HasSubstr("test.yaml:6: step 2 (parallel), branch 2, step 2 (press): unknown button 'Q' (board "
                          "mt3620-rdb has: A, B)"));
    EXPECT_THAT(refusal("cores: {m4-0: a.elf, m4-1: b.elf}\nsteps:\n  - wait-serial: hello\n"),
                HasSubstr("test.yaml:3: step 1 (wait-serial): wait-serial.uart is required when more than one core runs an image"));
    EXPECT_THAT(refusal("cores: {m4-0: a.elf}\nsteps:\n  - wait-serial: {uart: ISU5, text: x}\n"),
                HasSubstr("test.yaml:3: step 1 (wait-serial): unknown UART 'ISU5' (known: m4-0, m4-1: the cores' debug UARTs; a7: "
                          "the A7 app's output; ISU0-ISU4)"));
    EXPECT_EQ(parse("cores: {m4-0: a.elf, m4-1: b.elf}\nsteps:\n  - wait-serial: {uart: ISU0, text: x}\n"
                    "  - write-serial: {uart: isu4, text: y}\n").steps.size(), 2u);
    EXPECT_THAT(refusal("cores: {m4-0: a.elf}\nsteps:\n  - set-adc: {channel: 8, volts: 1}\n"),
                HasSubstr("test.yaml:3: step 1 (set-adc): set-adc.channel 8 is out of range (ADC channels 0-7)"));
    EXPECT_THAT(refusal("cores: {m4-0: a.elf}\nsteps:\n  - expect-register: {address: 0x1_0000_0000, value: 0}\n"),
                HasSubstr("expect-register.address must be a 32-bit number"));
    EXPECT_THAT(refusal("cores: {m4-0: a.elf}\nsteps:\n  - expect-pin: {pin: 8}\n"),
                HasSubstr("missing required field 'expect-pin.level'"));
    EXPECT_THAT(refusal("cores: {m4-0: a.elf}\nsteps:\n  - wait-serial: {text: a, regex: b}\n"),
                HasSubstr("give either text or regex, not both"));
    EXPECT_THAT(refusal("cores: {}\nsteps: [delay: 1ms]\n"), HasSubstr("test.yaml:1: cores must give an image"));
    EXPECT_THAT(refusal("cores: {m4-0: a.elf}\nsteps: []\n"), HasSubstr("steps must be a non-empty list"));
    EXPECT_THAT(refusal(""), HasSubstr("test.yaml: the scenario file is empty"));
}

// The A7's high-level app: `a7: PATH` or a map; its output stream "a7" is the default UART when
// it runs alone; expect-exit; steps for the M4s refuse it.
TEST(ScenarioParse, HighLevelAppOnTheA7) {
    Scenario s = parse(R"(cores:
  a7:
    app: apps/hl-storage-counter
    manifest: m.json
    args: [reset, "two words"]
    env: [GREETING=hi]
    storage: store
steps:
  - wait-serial: hello
  - expect-exit: 0
  - expect-exit: {signal: SIGABRT, timeout: 1s}
  - expect-exit: {signal: 11}
  - expect-no-fault: a7
  - snapshot-uart: {uart: a7, file: out.txt}
)");
    ASSERT_EQ(s.cores.size(), 1u);
    const CoreImage& a7 = s.cores[0];
    EXPECT_EQ(a7.core, CoreId::A7);
    EXPECT_EQ(a7.path, "/scenarios/apps/hl-storage-counter");
    EXPECT_EQ(a7.manifest, "/scenarios/m.json");
    EXPECT_EQ(a7.args, (std::vector<std::string>{"reset", "two words"}));
    EXPECT_EQ(a7.env, (std::vector<std::string>{"GREETING=hi"}));
    EXPECT_EQ(a7.storage_dir, "/scenarios/store");
    EXPECT_FALSE(a7.temporary_storage);
    EXPECT_EQ(s.steps.size(), 6u);
    EXPECT_EQ(s.steps[1]->kind, "expect-exit");

    Scenario t = parse("cores: {a7: /abs/app, m4-0: {image: a.elf, manifest: rt/app_manifest.json}}\nsteps:\n"
                       "  - wait-serial: {uart: a7, text: x}\n");
    ASSERT_EQ(t.cores.size(), 2u);
    EXPECT_EQ(t.cores[0].path, "/scenarios/a.elf");
    EXPECT_EQ(t.cores[0].manifest, "/scenarios/rt/app_manifest.json");
    EXPECT_EQ(t.cores[1].path, "/abs/app");
    EXPECT_THAT(refusal("cores:\n  m4-0: {image: a.elf, manifes: m.json}\nsteps: [delay: 1ms]\n"),
                HasSubstr("test.yaml:2: unknown field 'cores.m4-0.manifes'"));
    EXPECT_TRUE(parse("cores: {a7: {app: x, storage: temporary}}\nsteps: [delay: 1ms]\n").cores[0].temporary_storage);
    EXPECT_TRUE(parse("cores: {a7: {app: x, network: true}}\nsteps: [delay: 1ms]\n").cores[0].network);
    EXPECT_FALSE(parse("cores: {a7: {app: x}}\nsteps: [delay: 1ms]\n").cores[0].network);
    EXPECT_THAT(refusal("cores:\n  a7: {app: x, network: maybe}\nsteps: [delay: 1ms]\n"),
                HasSubstr("test.yaml:2: cores.a7.network must be true or false, not 'maybe'"));

    EXPECT_THAT(refusal("cores: {a7: [x]}\nsteps: [delay: 1ms]\n"),
                HasSubstr("test.yaml:1: cores.a7 must be a high-level app"));
    EXPECT_THAT(refusal("cores:\n  a7: {app: x, args: y}\nsteps: [delay: 1ms]\n"),
                HasSubstr("test.yaml:2: cores.a7.args must be a list"));
    EXPECT_THAT(refusal("cores:\n  a7: {app: x, env: [NOVALUE]}\nsteps: [delay: 1ms]\n"),
                HasSubstr("cores.a7.env: 'NOVALUE' must be NAME=VALUE"));
    EXPECT_THAT(refusal("cores: {a7: x}\nsteps:\n  - restart\n"),
                HasSubstr("test.yaml:3: step 1 (restart): core 'a7': this step is for the M4 cores"));
    EXPECT_THAT(refusal("cores: {a7: x}\nsteps:\n  - expect-fault: {core: a7}\n"),
                HasSubstr("this step is for the M4 cores"));
    EXPECT_THAT(refusal("cores: {a7: x}\nsteps:\n  - expect-exit: {code: 0, signal: 6}\n"),
                HasSubstr("expect-exit needs either code (0-255) or signal"));
    EXPECT_THAT(refusal("cores: {a7: x}\nsteps:\n  - expect-exit: 256\n"),
                HasSubstr("expect-exit.code 256 is out of range"));
    EXPECT_THAT(refusal("cores: {m4-0: a.elf}\nsteps:\n  - wait-serial: {uart: a7, text: x}\n"),
                HasSubstr("UART 'a7': no image runs on a7 in this scenario (cores: m4-0)"));
}

TEST(ScenarioParse, MissingFileIsRefused) {
    EXPECT_THROW(ScenarioFile::load("/nonexistent/scenario.yaml", options()), ScenarioError);
}

/// Every file in tests/data/scenarios/bad/ starts with "# expect: <part of the message>".
TEST(ScenarioParse, BadCorpusIsRefusedWithFileLineAndReason) {
    if (!std::filesystem::exists(std::string(FIRMWARE_DIR) + "/hello.elf"))
        GTEST_SKIP() << "firmware samples not built (" << FIRMWARE_DIR << ")";
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kData + "bad")) {
        if (entry.path().extension() != ".yaml") continue;
        ++files;
        const std::string path = entry.path().string();
        if (needsMissingHlApps(readFile(path))) continue;
        std::string first = readFile(path).substr(0, readFile(path).find('\n'));
        ASSERT_THAT(first, StartsWith("# expect: ")) << path;
        std::string expected = first.substr(10);
        std::string message;
        try {
            ScenarioFile::load(path, options(true));
            message = "(accepted)";
        } catch (const ScenarioError& e) {
            message = e.what();
        }
        EXPECT_THAT(message, StartsWith(kData + "bad/")) << path;
        EXPECT_THAT(message, HasSubstr(expected)) << path;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    }
    EXPECT_GE(files, 15);
}

TEST(ScenarioParse, SampleScenariosParse) {
    if (!std::filesystem::exists(std::string(FIRMWARE_DIR) + "/hello.elf"))
        GTEST_SKIP() << "firmware samples not built (" << FIRMWARE_DIR << ")";
    const std::string dir = std::string(TEST_DATA_DIR) + "/../scenarios";
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml" || needsMissingHlApps(readFile(entry.path().string()))) continue;
        ++files;
        EXPECT_NO_THROW(ScenarioFile::load(entry.path().string(), options(true))) << entry.path();
    }
    EXPECT_GE(files, 9);
}

TEST(ScenarioParse, FormatDuration) {
    EXPECT_EQ(formatDuration(0), "0s");
    EXPECT_EQ(formatDuration(kPicosPerSecond), "1s");
    EXPECT_EQ(formatDuration(500 * kPicosPerMilli), "500ms");
    EXPECT_EQ(formatDuration(1500 * kPicosPerMilli), "1500ms");
    EXPECT_EQ(formatDuration(250 * kPicosPerMicro), "250us");
    EXPECT_EQ(formatDuration(7), "7ps");
}

}  // namespace
}  // namespace mt3620::scenario
