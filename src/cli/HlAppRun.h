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
/// runFor, except that Ctrl-C (SIGINT) ends the run early, so that the OS can still stop the
/// A7 app cleanly; a second Ctrl-C ends the emulator at once, as without an A7 app.
mt3620emu::StopReason runInterruptible(mt3620emu::Machine& machine, mt3620emu::Picoseconds limit);
/// At the end of a run: an A7 app still running is stopped as the Azure Sphere OS stops it
/// (SIGTERM, 2 s of virtual time to exit, then SIGKILL). Returns true if the app had ended by
/// itself before (its exit status is then the emulator's when only the A7 runs).
bool stopHlAppAtEnd(mt3620emu::Machine& machine);

}  // namespace mt3620::cli
