// libFuzzer target: scenario files (YAML).
#include <cstdint>
#include <stdexcept>
#include <string>

#include "scenario/Scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        mt3620::scenario::ParseOptions options;
        options.default_board_yaml = "board: fuzz\nchip: mt3620\n";
        options.load_images = false;  // no ELF files exist for fuzzed scenarios
        mt3620::scenario::ScenarioFile::parse("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size),
                                          "/nonexistent", options);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
