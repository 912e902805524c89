#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace mt3620::cli {

struct RunOptions {
    std::string m4_0;
    std::string m4_1;
    std::string time_limit;
    std::vector<std::string> uart_out;
    std::string log_level = "warn";
    bool trace = false;
    bool keep_going = false;
    std::string quantum = "200us";
};

void addRunOptions(CLI::App& cmd, RunOptions& opts);
int runCommand(const RunOptions& opts);

}  // namespace mt3620::cli
