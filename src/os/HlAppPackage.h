#pragma once
// What `mt3620-emu run --a7 PATH` runs (docs/hl-apps.md): PATH is an app directory (an image
// package's contents: app_manifest.json and the executable its EntryPoint names, e.g.
// bin/app) or an ELF. The app directory is mounted at /mnt/apps/<ComponentId>/; the app's
// arguments are the manifest's CmdArgs, then the command line's.
//
// The manifest comes from --manifest, else the app directory's app_manifest.json, else (for a
// bare ELF) an app_manifest.json next to it or one directory up (bin/app's package); with none,
// the program runs with no capabilities (a plain Linux program). A manifest that does not
// parse, or whose EntryPoint does not exist, refuses the app with a ManifestError naming the
// file and field.
#include <optional>
#include <string>
#include <vector>

#include "image/AppManifest.h"
#include "os/HlProcess.h"

namespace mt3620::os {

struct HlAppPackage {
    HlAppSpec spec;
    AppManifest manifest;        // empty capabilities when the app has none
    std::string manifest_path;   // empty: no manifest
};

/// Resolves PATH (+ optional manifest path) to what to load. Throws ManifestError.
HlAppPackage resolveHlApp(const std::string& path, const std::string& manifest_path,
                          const std::vector<std::string>& args, const std::vector<std::string>& env);

/// The host file of libapplibs.so.0 for the guest: $MT3620_APPLIBS, else next to the running
/// emulator (<exe dir>/hl-apps/lib/, the build tree, or <exe dir>/../lib/mt3620emu/); empty
/// if none exists.
std::string findGuestApplibs();

}  // namespace mt3620::os
