#pragma once
// Secure boot for `mt3620-emu run` and the embedding API: opens the device, verifies every
// image package before it is loaded, measures every image into the Pluton boot chain, and
// boots what `device install` put on the device when no image is given (docs/security.md).
// While the machine runs it records what the device's OS reports (watchdog resets, firewall
// denials, app crashes and exits) as error reports, written as they happen by a thread of its
// own (LiveErrorReports.h), so that they survive a run killed with SIGKILL.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pluton/Device.h"
#include "pluton/LiveErrorReports.h"

namespace mt3620::pluton {

bool isImagePackagePath(const std::string& path);

class BootSession {
public:
    /// A session is needed when a device is named or an image is a package.
    static bool wanted(const std::string& device_dir, const std::vector<std::string>& image_paths);
    BootSession(const DeviceOptions& options, std::shared_ptr<spdlog::logger> log);
    /// Writes the events still pending (finish()) and removes the unpacked A7 app.
    ~BootSession();
    BootSession(const BootSession&) = delete;
    BootSession& operator=(const BootSession&) = delete;

    /// An RTApp ELF, ready for the loader.
    struct RtApp {
        std::string core;               // m4-0 or m4-1
        std::string name;               // for messages: "<package>:bin/app" or the ELF path
        std::vector<std::uint8_t> elf;  // validated by the RTApp loading rules
        std::string manifest_json;      // the package's app_manifest.json; empty for a bare ELF
    };
    /// An RTApp for `core` from an .imagepackage (verified: SecurityError/ImageError when
    /// refused, with an error report) or a bare ELF (measured, not verified: development only).
    RtApp loadRtApp(const std::string& path, const std::string& core);
    /// A high-level app for the A7 from an .imagepackage (`run --a7 app.imagepackage`),
    /// verified and measured like an RTApp's package (SecurityError/ImageError when refused,
    /// with an error report) and unpacked like an installed one; returns its app directory.
    std::string loadHlApp(const std::string& path);

    /// A high-level app for the A7 from a verified package, unpacked (from the verified bytes)
    /// into a fresh app directory under the device state that lives as long as the session.
    struct HlApp {
        std::string name;       // "<package>" for messages
        std::string component;  // component ID
        std::string dir;        // app directory: app_manifest.json, bin/app, ...
    };
    struct InstalledApps {
        std::vector<RtApp> rt;
        std::optional<HlApp> hl;
    };
    /// The apps installed on the device, verified (in this session's mode) and measured;
    /// refused ones are logged and reported (VerificationFailure) and left out.
    InstalledApps installedApps();

    /// Notes an event of the running machine on an M4 core (a watchdog reset, a firewall
    /// denial, a crash: the first line of the fault report) at virtual time `time_ps`, for the
    /// app loaded there; equal events (same kind, core and detail) become one report with a
    /// count. Cheap: the report is written by the session's writer thread.
    void noteEvent(ErrorEvent event, const std::string& core, const std::string& detail, std::uint64_t time_ps);
    /// Notes how the A7 app ended: AppExit (exited with a code) or AppCrash (killed by a
    /// signal); `status` is the OS's status line ("exited with code 3", "terminated by ...").
    void reportHlAppEnd(const std::string& component, bool killed, const std::string& status);
    /// Returns when every event noted so far is written (the destructor calls it too).
    void finish();

    Device& device() { return device_; }

private:
    void logMeasurement();
    std::string unpack(const VerifiedApp& app);

    Device device_;
    std::map<std::string, std::string> loaded_;  // core -> what was loaded there
    std::shared_ptr<spdlog::logger> log_;
    LiveErrorReports live_;  // after device_: written out before the device closes
    std::vector<std::filesystem::path> unpacked_;
};

}  // namespace mt3620::pluton
