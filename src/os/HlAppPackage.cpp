#include "os/HlAppPackage.h"

#include <cstdlib>
#include <filesystem>

namespace mt3620::os {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> existing(const fs::path& p) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
    return std::nullopt;
}

}  // namespace

HlAppPackage resolveHlApp(const std::string& path, const std::string& manifest_path,
                          const std::vector<std::string>& args, const std::vector<std::string>& env) {
    HlAppPackage pkg;
    std::error_code ec;
    const bool is_dir = fs::is_directory(path, ec);
    if (!manifest_path.empty()) {
        pkg.manifest_path = manifest_path;
    } else if (is_dir) {
        pkg.manifest_path = (fs::path(path) / "app_manifest.json").string();
        if (!existing(pkg.manifest_path))
            throw ManifestError(path + ": not an app directory: it has no app_manifest.json");
    } else {
        const fs::path dir = fs::absolute(path).parent_path();
        if (auto m = existing(dir / "app_manifest.json")) pkg.manifest_path = *m;
        else if (auto up = existing(dir.parent_path() / "app_manifest.json")) pkg.manifest_path = *up;
    }

    if (!pkg.manifest_path.empty()) {
        pkg.manifest = AppManifest::load(pkg.manifest_path);
        if (pkg.manifest.isRealTime())
            throw ManifestError(pkg.manifest_path + ": ApplicationType: \"RealTimeCapable\" is an RTApp; the A7 runs "
                                "high-level apps (\"Default\"): load it with --m4-0 or --m4-1");
        pkg.spec.component_id = pkg.manifest.componentId.toString();
    }

    if (is_dir) {
        pkg.spec.app_dir = fs::absolute(path).lexically_normal().string();
        const fs::path entry = fs::path(pkg.spec.app_dir) / fs::path(pkg.manifest.entryPoint).relative_path();
        if (!existing(entry))
            throw ManifestError(pkg.manifest_path + ": EntryPoint: \"" + pkg.manifest.entryPoint +
                                "\" does not exist in the app directory " + path);
        pkg.spec.elf_path = entry.string();
    } else {
        pkg.spec.elf_path = path;
        if (!pkg.manifest_path.empty()) {
            // The package root: the directory above bin/ when the manifest is there.
            const fs::path mdir = fs::absolute(pkg.manifest_path).parent_path();
            const fs::path rel = fs::absolute(path).lexically_relative(mdir);
            if (!rel.empty() && *rel.begin() != "..") pkg.spec.app_dir = mdir.string();
        }
    }
    pkg.spec.args = pkg.manifest.cmdArgs;
    pkg.spec.args.insert(pkg.spec.args.end(), args.begin(), args.end());
    pkg.spec.env = env;
    return pkg;
}

std::string findGuestApplibs() {
    if (const char* env = std::getenv("MT3620_APPLIBS"); env && *env) return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    for (const fs::path& candidate : {exe.parent_path() / "hl-apps" / "lib" / "libapplibs.so.0",
                                      exe.parent_path().parent_path() / "lib" / "mt3620emu" / "libapplibs.so.0"})
        if (auto p = existing(candidate)) return *p;
    return {};
}

}  // namespace mt3620::os
