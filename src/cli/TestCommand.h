#pragma once
// `mt3620-emu test`: runs scenario files (docs/scenarios.md), each on a fresh machine, and
// reports PASS/FAIL lines and, on request, JUnit XML. Exit status: 0 all passed, 1 some failed,
// 2 a scenario file was refused (nothing ran).
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace mt3620::cli {

struct TestOptions {
    std::vector<std::string> files;
    std::string junit;                // JUnit XML output file
    unsigned jobs = 1;                // scenarios run at once, in separate processes
    std::string firmware_dir;         // ${FIRMWARE_DIR} in scenario paths
    std::vector<std::string> vars;    // NAME=VALUE for ${NAME}
    std::string log_level = "warn";   // machine log kept per scenario (JUnit system-err)
    std::size_t tail_lines = 10;      // UART lines shown after a failure
    int gdb_m4_0 = -1;                // GDB server ports (as for `run`); -1: none
    int gdb_m4_1 = -1;
    std::string gdb_host = "127.0.0.1";
    bool gdb_wait = false;
};

void addTestOptions(CLI::App& cmd, TestOptions& opts);
int testCommand(const TestOptions& opts);

}  // namespace mt3620::cli
