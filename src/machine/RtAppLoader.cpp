#include "machine/RtAppLoader.h"

#include <filesystem>

#include "image/AppManifest.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"

namespace mt3620 {

void loadRtAppFromPath(Machine& machine, CoreId core, const std::string& path, const std::string& manifest_path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        AppManifest manifest = AppManifest::load(manifest_path.empty() ? path : manifest_path);
        // EntryPoint is an absolute path inside the app's root ("/bin/app").
        fs::path elf = fs::path(path) / fs::path(manifest.entryPoint).relative_path();
        if (!fs::is_regular_file(elf, ec))
            throw ManifestError(manifest.source + ": EntryPoint: \"" + manifest.entryPoint + "\" is not a file in " + path);
        machine.loadRtApp(core, RtAppImage::load(elf.string()), manifest);
        return;
    }
    RtAppImage image = RtAppImage::load(path);
    if (manifest_path.empty()) {
        machine.loadRtApp(core, image);
        return;
    }
    machine.loadRtApp(core, image, AppManifest::load(manifest_path));
}

}  // namespace mt3620
