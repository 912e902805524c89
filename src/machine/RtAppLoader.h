#pragma once
// Starting an RTApp the way a user names it: an ELF file (optionally with its manifest), or an
// app directory as the Azure Sphere SDK lays it out (app_manifest.json plus the ELF its
// EntryPoint names, e.g. bin/app). With a manifest the firewall assigns the app's peripherals to
// the core (docs/firewall.md); without one the core shares everything unclaimed.
#include <string>

#include "machine/CoreId.h"

namespace mt3620 {

class Machine;

/// Loads `path` (ELF or app directory) onto `core`. `manifest_path` (may be empty) names the
/// manifest for a bare ELF; for an app directory it overrides the directory's manifest.
/// Throws ImageError, ManifestError or FirewallError with a one-line message.
void loadRtAppFromPath(Machine& machine, CoreId core, const std::string& path, const std::string& manifest_path);

}  // namespace mt3620
