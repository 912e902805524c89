#include "pluton/BootSession.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <system_error>

#include "image/ImagePackage.h"
#include "image/RtAppImage.h"
#include "pluton/StateFile.h"

namespace mt3620::pluton {

namespace fs = std::filesystem;

bool isImagePackagePath(const std::string& path) {
    return path.ends_with(".imagepackage");
}

bool BootSession::wanted(const std::string& device_dir, const std::vector<std::string>& paths) {
    if (!device_dir.empty()) return true;
    for (const auto& p : paths)
        if (isImagePackagePath(p)) return true;
    return false;
}

BootSession::BootSession(const DeviceOptions& options, std::shared_ptr<spdlog::logger> log)
    : device_(Device::open(options)), log_(std::move(log)), live_(device_.errors()) {
    log_->info("pluton: device {} ({} mode)", device_.pluton().deviceId(),
               device_.production() ? "production" : "development");
}

BootSession::~BootSession() {
    finish();
    std::error_code ec;
    for (const auto& dir : unpacked_) fs::remove_all(dir, ec);
}

void BootSession::logMeasurement() {
    const Measurement& m = device_.pluton().measurements().back();
    log_->info("pluton: measured {} {} sha256 {}; boot chain {}", m.core, m.component, toHex(m.digest),
               toHex(device_.pluton().bootChain()));
}

BootSession::RtApp BootSession::loadRtApp(const std::string& path, const std::string& core) {
    if (!isImagePackagePath(path)) {
        auto bytes = readBinaryFile(path);
        RtAppImage::fromBytes(path, bytes);  // the loader's rules, before it is measured
        device_.measureElf(path, bytes, core);
        logMeasurement();
        loaded_[core] = path;
        return {core, path, std::move(bytes), {}};
    }
    VerifiedApp app = device_.loadPackage(path, core);
    logMeasurement();
    loaded_[core] = app.package.component_id.toString();
    const auto* manifest = app.files.find("app_manifest.json");
    return {core, path + ":" + app.entry_point, app.executable(), std::string(manifest->begin(), manifest->end())};
}

std::string BootSession::loadHlApp(const std::string& path) {
    VerifiedApp app = device_.loadPackage(path, "a7");
    logMeasurement();
    loaded_["a7"] = app.package.component_id.toString();
    return unpack(app);
}

std::string BootSession::unpack(const VerifiedApp& app) {
    // The loader reads files, so the verified bytes (never the package file again, which could
    // have changed since it was verified) are written to a directory of this session's own.
    const fs::path run = device_.dir() / "run";
    ensureDirectory(run);
    std::string pattern = (run / (app.package.component_id.toString() + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data()))
        throw StateError(fmt::format("{}: cannot create a directory for the A7 app", run.string()));
    const fs::path dir = pattern;
    unpacked_.push_back(dir);
    for (const auto& [path, bytes] : app.files.files()) {
        const fs::path file = dir / path;
        fs::create_directories(file.parent_path());
        writeFileAtomic(file, bytes);
    }
    return dir.string();
}

BootSession::InstalledApps BootSession::installedApps() {
    std::vector<std::string> failures;
    InstalledApps out;
    const std::size_t before = device_.pluton().measurements().size();
    std::vector<VerifiedApp> apps = device_.bootInstalled(&failures);
    for (const auto& f : failures) log_->error("secure boot: refused: {}", f);
    for (std::size_t i = before; i < device_.pluton().measurements().size(); ++i) {
        const Measurement& m = device_.pluton().measurements()[i];
        log_->info("pluton: measured {} {} sha256 {}", m.core, m.component, toHex(m.digest));
    }
    for (VerifiedApp& app : apps) {
        const std::string component = app.package.component_id.toString();
        loaded_[app.core] = component;
        if (app.core == "a7") {
            out.hl = HlApp{app.package.file_name, component, unpack(app)};
            continue;
        }
        const auto* manifest = app.files.find("app_manifest.json");
        out.rt.push_back({app.core, app.package.file_name + ":" + app.entry_point, app.executable(),
                          std::string(manifest->begin(), manifest->end())});
    }
    return out;
}

void BootSession::noteEvent(ErrorEvent event, const std::string& core, const std::string& detail, std::uint64_t time_ps) {
    // The virtual time of the first occurrence is part of the report, not of what makes two
    // events equal.
    live_.note({0, {}, event, loaded_[core], core,
                fmt::format("{} (first at {:.6f} s virtual time)", detail, static_cast<double>(time_ps) / 1e12)},
               detail);
}

void BootSession::reportHlAppEnd(const std::string& component, bool killed, const std::string& status) {
    live_.note({0, {}, killed ? ErrorEvent::AppCrash : ErrorEvent::AppExit, component, "a7", status}, status);
}

void BootSession::finish() {
    live_.flush();
}

}  // namespace mt3620::pluton
