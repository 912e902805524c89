// End-to-end: scenario files through `mt3620-emu test` (docs/scenarios.md). The sample
// scenarios in tests/scenarios/ run here as one CLI invocation, which is how CI runs them; a
// deliberately failing scenario must fail with the expected line and JUnit content; bad files
// are refused before anything runs; the same scenario gives identical results every time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "e2e/E2eSupport.h"
#include "scenario/Scenario.h"
#include "scenario/ScenarioRunner.h"

using ::testing::HasSubstr;

namespace {

const std::string kScenarios = std::string(SOURCE_DIR) + "/tests/scenarios";
const std::string kData = std::string(SOURCE_DIR) + "/tests/data/scenarios";

/// The HL sample apps the hl-* scenarios run (built with the musl cross compiler, when present).
bool hlAppsBuilt() { return std::filesystem::exists(std::string(HL_APPS_DIR) + "/apps/hl-blink/bin/app"); }

std::vector<std::string> yamlFiles(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".yaml" && (hlAppsBuilt() || !e.path().filename().string().starts_with("hl-")))
            files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string join(const std::vector<std::string>& files) {
    std::string out;
    for (const std::string& f : files) out += " '" + f + "'";
    return out;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
    return n;
}

mt3620::scenario::ParseOptions parseOptions() {
    mt3620::scenario::ParseOptions o;
    o.default_board_yaml = e2e::readFile(std::string(SOURCE_DIR) + "/boards/mt3620-rdb.yaml");
    o.variables["FIRMWARE_DIR"] = FIRMWARE_DIR;
    return o;
}

}  // namespace

// The CI entry point: every sample scenario passes, in parallel processes, with a JUnit report.
TEST(ScenarioCli, SampleScenariosPass) {
    std::vector<std::string> files = yamlFiles(kScenarios);
    ASSERT_GE(files.size(), 9u);
    std::string junit = e2e::tmpPath("scenarios-junit.xml");
    auto r = e2e::runEmu("test" + join(files) + " --firmware-dir " FIRMWARE_DIR " --jobs 2 --junit " + junit);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(count(r.out, "PASS "), files.size()) << r.out;
    EXPECT_THAT(r.out, HasSubstr(std::to_string(files.size()) + " scenarios: " + std::to_string(files.size()) +
                                 " passed, 0 failed"));
    // Results come in the order of the files, whichever process finished first.
    std::size_t last = 0;
    for (const std::string& f : files) {
        std::size_t at = r.out.find("PASS " + f);
        ASSERT_NE(at, std::string::npos) << f;
        EXPECT_GE(at, last);
        last = at;
    }
    std::string xml = e2e::readFile(junit);
    EXPECT_EQ(count(xml, "<testcase "), files.size());
    EXPECT_THAT(xml, HasSubstr("failures=\"0\""));
    EXPECT_THAT(xml, HasSubstr("<system-out>--- m4-0 ---"));
    EXPECT_THAT(xml, HasSubstr("adc ch0 2048 1250 mV"));
}

// Every firmware sample has a scenario in tests/scenarios (the benchmarks excepted), so the
// test above runs each of them through `mt3620-emu test`.
TEST(ScenarioCli, EverySampleHasAScenario) {
    std::string all;
    for (const std::string& f : yamlFiles(kScenarios)) all += e2e::readFile(f);
    int samples = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::string(SOURCE_DIR) + "/firmware-samples")) {
        const std::string name = e.path().filename().string();
        if (!e.is_directory() || name == "common" || name == "cmake" || name.starts_with("compute-bench")) continue;
        // High-level apps need the musl cross compiler; without it their scenarios are left out.
        if (name == "hl-common" || (name.starts_with("hl-") && !hlAppsBuilt())) continue;
        // spi-flash keeps its data in a flash file between runs, so its output depends on the
        // previous run: test_spi_flash.cpp runs it twice on a fresh file and checks both runs.
        if (name == "spi-flash") continue;
        ++samples;
        // High-level apps run on the A7 from their app directories (build/hl-apps/apps/<name>).
        const std::string image = name.starts_with("hl-") ? "${HL_APPS_DIR}/" + name + "\n" : "${FIRMWARE_DIR}/" + name + ".elf";
        EXPECT_THAT(all, HasSubstr(image)) << "no scenario runs the " << name << " sample";
    }
    EXPECT_GE(samples, 20);
}

TEST(ScenarioCli, FailingScenarioNamesStepTimeExpectationAndUartTail) {
    std::string junit = e2e::tmpPath("failing-junit.xml");
    std::string file = kData + "/failing.yaml";
    auto r = e2e::runEmu("test " + file + " --firmware-dir " FIRMWARE_DIR " --junit " + junit);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const std::string failure =
        "step 3 (wait-serial) at 0.502078 s: expected /^Tock$/ on m4-0 within 500ms, saw nothing new after \"Tick\"";
    EXPECT_EQ(r.out, "FAIL " + file + ": " + failure +
                         "\n"
                         "  m4-0, last lines:\n"
                         "    [    0.001559 s] UART Initialized\n"
                         "    [    0.002078 s] Tick\n"
                         "1 scenario: 0 passed, 1 failed\n");

    std::string xml = e2e::readFile(junit);
    EXPECT_THAT(xml, HasSubstr("<testsuite name=\"mt3620-emu scenarios\" tests=\"1\" failures=\"1\""));
    EXPECT_THAT(xml, HasSubstr("<testcase name=\"tick-tock is too slow (expected to fail)\" classname=\"scenarios.failing\""));
    EXPECT_THAT(xml, HasSubstr("<failure message=\"step 3 (wait-serial) at 0.502078 s: expected /^Tock$/ on m4-0 "
                               "within 500ms, saw nothing new after &quot;Tick&quot;\" type=\"ScenarioFailure\">"));
    EXPECT_THAT(xml, HasSubstr("<system-out>--- m4-0 ---\n[    0.001559 s] UART Initialized\n[    0.002078 s] Tick\n</system-out>"));
}

TEST(ScenarioCli, BadScenariosAreRefusedBeforeAnythingRuns) {
    std::vector<std::string> bad = yamlFiles(kData + "/bad");
    ASSERT_GE(bad.size(), 15u);
    // A good scenario among them must not run either.
    std::vector<std::string> files = bad;
    files.insert(files.begin(), kScenarios + "/gpt-tick.yaml");
    auto r = e2e::runEmu("test" + join(files) + " --firmware-dir " FIRMWARE_DIR);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "") << "nothing may run";
    for (const std::string& f : bad) {
        std::string first = e2e::readFile(f).substr(0, e2e::readFile(f).find('\n'));
        ASSERT_EQ(first.rfind("# expect: ", 0), 0u) << f;
        std::string dir = f.substr(0, f.rfind('/') + 1);
        EXPECT_THAT(r.err, HasSubstr(dir + first.substr(10))) << f;
    }
    EXPECT_THAT(r.err, HasSubstr(std::to_string(bad.size()) + " scenario files refused; nothing was run"));
}

TEST(ScenarioCli, UsageErrors) {
    auto missing = e2e::runEmu("test /nonexistent/scenario.yaml");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_THAT(missing.err, HasSubstr("/nonexistent/scenario.yaml: cannot read scenario file"));
    auto bad_var = e2e::runEmu("test " + kScenarios + "/hello.yaml --var NOEQUALS");
    EXPECT_EQ(bad_var.exit_code, 2);
    EXPECT_THAT(bad_var.err, HasSubstr("--var 'NOEQUALS': expected NAME=VALUE"));
    // Each --var takes one value: a scenario file after it is still a scenario file.
    auto var_first = e2e::runEmu("test --var UNUSED=1 " + kScenarios + "/gpt-tick.yaml --firmware-dir " FIRMWARE_DIR);
    EXPECT_EQ(var_first.exit_code, 0) << var_first.out << var_first.err;
}

// The same scenario, run 20 times, gives the same result and byte-identical UART snapshots.
TEST(ScenarioDeterminism, TwentyRunsAreIdentical) {
    using namespace mt3620::scenario;
    std::vector<ScenarioResult> results;
    std::vector<std::string> snapshots;
    for (int i = 0; i < 20; ++i) {
        ParseOptions o = parseOptions();
        std::string dir = e2e::tmpPath("determinism-" + std::to_string(i));
        std::filesystem::remove_all(dir);
        o.variables["SNAPSHOT_DIR"] = dir;
        Scenario s = ScenarioFile::load(kData + "/determinism.yaml", o);
        results.push_back(runScenario(s));
        snapshots.push_back(e2e::readFile(dir + "/m4-0.txt") + "\n====\n" + e2e::readFile(dir + "/m4-1.txt"));
    }
    ASSERT_TRUE(results[0].passed) << results[0].failure;
    EXPECT_THAT(snapshots[0], HasSubstr("tick 2"));
    EXPECT_THAT(snapshots[0], HasSubstr("press 2"));
    for (int i = 1; i < 20; ++i) {
        EXPECT_EQ(results[i].passed, results[0].passed) << i;
        EXPECT_EQ(results[i].failure, results[0].failure) << i;
        EXPECT_EQ(results[i].virtual_time, results[0].virtual_time) << i;
        EXPECT_EQ(results[i].uartText(), results[0].uartText()) << i;
        EXPECT_EQ(snapshots[i], snapshots[0]) << i;
    }
}

// Parallel processes give the same reports as one process: three copies at once.
TEST(ScenarioDeterminism, JobsGiveTheSameUartLogs) {
    std::string junit = e2e::tmpPath("determinism-jobs.xml");
    std::string f = kData + "/determinism.yaml";
    auto r = e2e::runEmu("test " + f + " " + f + " " + f + " --jobs 3 --firmware-dir " FIRMWARE_DIR
                         " --var SNAPSHOT_DIR=" + e2e::tmpPath("determinism-jobs") + " --junit " + junit);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    std::string xml = e2e::readFile(junit);
    std::vector<std::string> outs;
    for (std::size_t p = xml.find("<system-out>"); p != std::string::npos; p = xml.find("<system-out>", p + 1))
        outs.push_back(xml.substr(p, xml.find("</system-out>", p) - p));
    ASSERT_EQ(outs.size(), 3u);
    EXPECT_EQ(outs[1], outs[0]);
    EXPECT_EQ(outs[2], outs[0]);
}

// Issue 7: a 10-virtual-second scenario of an interrupt-driven sample that sleeps in WFI runs
// well under a second.
TEST(ScenarioSpeed, TenVirtualSecondsOfAWfiSampleTakeWellUnderASecond) {
    using namespace mt3620::scenario;
    Scenario s = ScenarioFile::parse("speed.yaml", R"(cores:
  m4-0: ${FIRMWARE_DIR}/gpt-tick.elf
timeout: 11s
steps:
  - wait-serial: {regex: "^tick 10$"}
)", "", parseOptions());
    ScenarioResult r = runScenario(s);
    ASSERT_TRUE(r.passed) << r.failure;
    EXPECT_GE(r.virtual_time, 10 * mt3620::kPicosPerSecond);
    EXPECT_LT(r.host_seconds, 1.0);
}
