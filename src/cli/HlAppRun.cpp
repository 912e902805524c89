#include "cli/HlAppRun.h"

#include <csignal>

namespace mt3620::cli {

namespace {
// Set by the SIGINT handler: a signal handler can only reach static storage.
volatile std::sig_atomic_t interrupted = 0;

extern "C" void onInterrupt(int) {
    interrupted = 1;
    std::signal(SIGINT, SIG_DFL);  // the next Ctrl-C ends the emulator at once
}
}  // namespace

mt3620emu::StopReason runInterruptible(mt3620emu::Machine& machine, mt3620emu::Picoseconds limit) {
    interrupted = 0;
    auto previous = std::signal(SIGINT, onInterrupt);
    const mt3620emu::StopReason why = machine.runUntil([] { return interrupted != 0; }, limit);
    std::signal(SIGINT, previous == SIG_ERR ? SIG_DFL : previous);
    if (interrupted) machine.log("info", "machine", "interrupted (Ctrl-C)");
    return why;
}

bool stopHlAppAtEnd(mt3620emu::Machine& machine) {
    if (machine.hlAppExitStatus()) return true;
    if (machine.hlAppStatus() == "running") machine.stopHlApp();
    return false;
}

void addHlAppOptions(CLI::App& cmd, RunOptions& o) {
    cmd.add_option("--manifest", o.a7_manifest,
                   "The A7 app's app_manifest.json (default: the app directory's, or one next to the ELF)")
        ->check(CLI::ExistingFile);
    cmd.add_option("--storage", o.storage_dir,
                   "Host directory that keeps the A7 app's mutable storage between runs (<dir>/<component-id>.bin)");
    cmd.add_option("--applibs", o.applibs,
                   "The guest's libapplibs.so.0 (default: $MT3620_APPLIBS or the one built next to mt3620-emu)")
        ->check(CLI::ExistingFile);
    cmd.add_flag("--network", o.network,
                 "Give the A7 app the host's network: its AF_INET sockets become host sockets, limited to the "
                 "manifest's AllowedConnections (docs/networking.md). Real time then paces the run: not deterministic");
}

mt3620emu::Machine::HlAppOptions hlAppOptions(const RunOptions& o) {
    mt3620emu::Machine::HlAppOptions h;
    h.args = o.a7_args;
    h.env = o.a7_env;
    h.manifest = o.a7_manifest;
    h.storage_dir = o.storage_dir;
    h.applibs = o.applibs;
    h.network = o.network;
    return h;
}

}  // namespace mt3620::cli
