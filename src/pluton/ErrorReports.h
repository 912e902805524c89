#pragma once
// Error reports in the device state (docs/security.md, "Error reporting"), the emulator's
// counterpart of the reports a real device uploads and `azsphere device error-report` shows.
// Any part of the emulator records one through ErrorReports::record(); each report is its own
// state file errors/NNNNNN.state, created atomically (a new name is never taken twice), so
// concurrent recorders and a SIGKILL at any moment leave a readable list. Only its count changes
// later (updateCount(): a whole new file renamed over it, never an edit in place), for events
// that repeat while a machine runs (LiveErrorReports.h).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mt3620::pluton {

enum class ErrorEvent {
    AppCrash,            // a core halted on a fault
    AppExit,             // an app exited (HL app exit code)
    FirewallDenial,      // a bus access the firewall refused
    WatchdogReset,       // the watchdog reset a core
    VerificationFailure, // secure boot refused an image
    InstallRefused,      // `device install` refused a package
};
const char* errorEventName(ErrorEvent e);

struct ErrorReport {
    std::uint64_t sequence = 0;  // assigned by record()
    std::string time;            // UTC, ISO 8601, assigned by record()
    ErrorEvent event = ErrorEvent::AppCrash;
    std::string component;       // component ID, image name or file
    std::string core;            // m4-0, m4-1, a7 or empty
    std::string detail;          // one line: why
    std::uint64_t count = 1;     // how many times it happened (one report per kind of event and run)
};

class ErrorReports {
public:
    explicit ErrorReports(std::filesystem::path device_dir);
    /// Records a report; returns its sequence number. Never throws: a failure to record is
    /// returned as 0 (the caller's own error message still reaches the user).
    std::uint64_t record(ErrorReport report) const noexcept;
    /// Sets the count of report `sequence` (atomically, like every state file); false when the
    /// report is missing or unreadable, or the write failed. Never throws.
    bool updateCount(std::uint64_t sequence, std::uint64_t count) const noexcept;
    /// All reports, oldest first. A corrupt report file throws StateError naming it.
    std::vector<ErrorReport> list() const;

private:
    std::filesystem::path fileOf(std::uint64_t sequence) const;

    std::filesystem::path dir_;
};

}  // namespace mt3620::pluton
