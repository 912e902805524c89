#pragma once
// Runs one scenario on a fresh machine and reports what happened: passed or the failure line,
// the virtual and host time, every UART's output with line times, and the machine's log.
// The runner is a client of the embedding API (include/mt3620emu/Machine.h): it builds the
// machine, loads the images, runs it and looks at it only through that API.
#include <functional>
#include <string>
#include <vector>

#include <mt3620emu/Machine.h>

#include "common/VirtualTime.h"
#include "scenario/Scenario.h"

namespace mt3620::scenario {

struct UartLog {
    std::string name;  // "m4-0"
    struct Line {
        Picos time;
        std::string text;
    };
    std::vector<Line> lines;  // complete lines, without their line endings
    std::string partial;      // what follows the last '\n'
    std::string raw;          // every byte, as snapshot-uart writes it
};

struct ScenarioResult {
    std::string file;
    std::string name;
    std::string stem;
    bool passed = false;
    std::string failure;  // "step 3 (wait-serial) at 1.500000 s: expected ..."
    Picos virtual_time = 0;
    double host_seconds = 0;
    std::vector<UartLog> uarts;
    std::string machine_log;  // warnings and errors the machine logged (fault reports...)

    /// The last `n` lines of a UART, "    [  1.000086 s] Tock", for the terminal.
    static std::string tail(const UartLog& log, std::size_t n);
    /// Every UART's output with line times, for JUnit system-out.
    std::string uartText() const;
};

struct RunOptions {
    std::string log_level = "warn";  // of the machine log kept in the result
    /// Called once the scenario's machine is built and its images are loaded, before the first
    /// step (the CLI attaches GDB servers here). The machine lives until runScenario returns.
    std::function<void(mt3620emu::Machine&)> on_machine_ready;
};

ScenarioResult runScenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace mt3620::scenario
