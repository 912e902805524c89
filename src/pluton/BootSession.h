#pragma once
// Secure boot for `mt3620-emu run` and the embedding API: opens the device, verifies every
// image package before it is loaded, measures every image into the Pluton boot chain, and
// boots what `device install` put on the device when no image is given (docs/security.md).
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pluton/Device.h"

namespace mt3620::pluton {

bool isImagePackagePath(const std::string& path);

class BootSession {
public:
    /// A session is needed when a device is named or an image is a package.
    static bool wanted(const std::string& device_dir, const std::vector<std::string>& image_paths);
    BootSession(const DeviceOptions& options, std::shared_ptr<spdlog::logger> log);

    /// An RTApp ELF, ready for the loader.
    struct RtApp {
        std::string core;               // m4-0 or m4-1
        std::string name;               // for messages: "<package>:bin/app" or the ELF path
        std::vector<std::uint8_t> elf;  // validated by the RTApp loading rules
    };
    /// An RTApp for `core` from an .imagepackage (verified: SecurityError/ImageError when
    /// refused, with an error report) or a bare ELF (measured, not verified: development only).
    RtApp loadRtApp(const std::string& path, const std::string& core);
    /// The real-time apps installed on the device, verified and measured, with their cores.
    std::vector<RtApp> installedRtApps();

    /// Records an AppCrash error report for the app loaded on `core` (the first line of the
    /// fault report is the detail).
    void reportCrash(const std::string& core, const std::string& fault_report);

    Device& device() { return device_; }

private:
    void logMeasurement();
    Device device_;
    std::map<std::string, std::string> loaded_;  // core -> what was loaded there
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace mt3620::pluton
