#pragma once
// `run --a7`'s options for the emulated Azure Sphere OS (docs/hl-apps.md).
#include <CLI/CLI.hpp>
#include <mt3620emu/Machine.h>

#include "cli/RunCommand.h"

namespace mt3620::cli {

/// --manifest, --storage, --applibs.
void addHlAppOptions(CLI::App& cmd, RunOptions& o);
/// What the machine needs to load o.a7 with its OS.
mt3620emu::Machine::HlAppOptions hlAppOptions(const RunOptions& o);

}  // namespace mt3620::cli
