// mt3620-emu: command-line front end. Subcommands: run (more to come: test, image, device).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdio>
#include <iostream>

#include "cli/RunCommand.h"
#include "cli/TestCommand.h"

int main(int argc, char** argv) {
    CLI::App app{"mt3620-emu: a full-system emulator of the MediaTek MT3620 (Azure Sphere)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "mt3620-emu 0.1.0");

    mt3620::cli::RunOptions run_opts;
    CLI::App* run = app.add_subcommand("run", "Run real-time apps on the emulated M4 cores");
    mt3620::cli::addRunOptions(*run, run_opts);

    mt3620::cli::TestOptions test_opts;
    CLI::App* test = app.add_subcommand("test", "Run scenario files (docs/scenarios.md) and report PASS/FAIL, JUnit XML");
    mt3620::cli::addTestOptions(*test, test_opts);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (*run) return mt3620::cli::runCommand(run_opts);
    if (*test) return mt3620::cli::testCommand(test_opts);
    return 0;
}
