// mt3620-emu: command-line front end. Subcommands: run (more to come: test, image, device).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdio>
#include <iostream>

#include "cli/DeviceCommand.h"
#include "cli/ImageCommand.h"
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

    mt3620::cli::ImageOptions image_opts;
    CLI::App* image = app.add_subcommand("image", "Show and build image packages (docs/image-packages.md)");
    mt3620::cli::addImageOptions(*image, image_opts);

    mt3620::cli::DeviceCliOptions device_opts;
    CLI::App* device = app.add_subcommand("device", "The emulated device: identity, installs, attestation, error reports (docs/security.md)");
    mt3620::cli::addDeviceOptions(*device, device_opts);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (*run) return mt3620::cli::runCommand(run_opts);
    if (*test) return mt3620::cli::testCommand(test_opts);
    if (*image) return mt3620::cli::imageCommand(image_opts);
    if (*device) return mt3620::cli::deviceCommand(device_opts);
    return 0;
}
