#include "cli/HlAppRun.h"

namespace mt3620::cli {

void addHlAppOptions(CLI::App& cmd, RunOptions& o) {
    cmd.add_option("--manifest", o.a7_manifest,
                   "The A7 app's app_manifest.json (default: the app directory's, or one next to the ELF)")
        ->check(CLI::ExistingFile);
    cmd.add_option("--storage", o.storage_dir,
                   "Host directory that keeps the A7 app's mutable storage between runs (<dir>/<component-id>.bin)");
    cmd.add_option("--applibs", o.applibs,
                   "The guest's libapplibs.so.0 (default: $MT3620_APPLIBS or the one built next to mt3620-emu)")
        ->check(CLI::ExistingFile);
}

mt3620emu::Machine::HlAppOptions hlAppOptions(const RunOptions& o) {
    mt3620emu::Machine::HlAppOptions h;
    h.args = o.a7_args;
    h.env = o.a7_env;
    h.manifest = o.a7_manifest;
    h.storage_dir = o.storage_dir;
    h.applibs = o.applibs;
    return h;
}

}  // namespace mt3620::cli
