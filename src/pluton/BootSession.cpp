#include "pluton/BootSession.h"

#include "image/ImagePackage.h"
#include "image/RtAppImage.h"

namespace mt3620::pluton {

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
    : device_(Device::open(options)), log_(std::move(log)) {
    log_->info("pluton: device {} ({} mode)", device_.pluton().deviceId(),
               device_.production() ? "production" : "development");
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
        return {core, path, std::move(bytes)};
    }
    VerifiedApp app = device_.loadPackage(path, core);
    logMeasurement();
    loaded_[core] = app.package.component_id.toString();
    return {core, path + ":" + app.entry_point, app.executable()};
}

std::vector<BootSession::RtApp> BootSession::installedRtApps() {
    std::vector<std::string> failures;
    std::vector<RtApp> out;
    const std::size_t before = device_.pluton().measurements().size();
    std::vector<VerifiedApp> apps = device_.bootInstalled(&failures);
    for (const auto& f : failures) log_->error("secure boot: refused: {}", f);
    for (std::size_t i = before; i < device_.pluton().measurements().size(); ++i) {
        const Measurement& m = device_.pluton().measurements()[i];
        log_->info("pluton: measured {} {} sha256 {}", m.core, m.component, toHex(m.digest));
    }
    for (VerifiedApp& app : apps) {
        if (app.core != "m4-0" && app.core != "m4-1") {
            log_->warn("boot: {} '{}' is installed for the A7, which this run does not emulate",
                       app.package.component_id.toString(), app.package.name);
            continue;
        }
        loaded_[app.core] = app.package.component_id.toString();
        out.push_back({app.core, app.package.file_name + ":" + app.entry_point, app.executable()});
    }
    return out;
}

void BootSession::reportCrash(const std::string& core, const std::string& fault_report) {
    std::string detail = fault_report.substr(0, fault_report.find('\n'));
    device_.errors().record({0, {}, ErrorEvent::AppCrash, loaded_[core], core, detail.empty() ? "core halted" : detail});
}

}  // namespace mt3620::pluton
