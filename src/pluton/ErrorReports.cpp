#include "pluton/ErrorReports.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "pluton/Crypto.h"
#include "pluton/StateFile.h"

namespace mt3620::pluton {

namespace fs = std::filesystem;

namespace {
constexpr const char* kKind = "error-report";
constexpr int kVersion = 1;

constexpr ErrorEvent kAllEvents[] = {ErrorEvent::AppCrash,       ErrorEvent::AppExit,
                                     ErrorEvent::FirewallDenial, ErrorEvent::WatchdogReset,
                                     ErrorEvent::VerificationFailure, ErrorEvent::InstallRefused};

std::string utcNow() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

std::uint64_t sequenceOf(const fs::path& p) {
    std::string stem = p.stem().string();
    if (p.extension() != ".state" || stem.empty() || stem.size() > 12 ||
        !std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return 0;
    return std::stoull(stem);
}
}  // namespace

const char* errorEventName(ErrorEvent e) {
    switch (e) {
        case ErrorEvent::AppCrash: return "AppCrash";
        case ErrorEvent::AppExit: return "AppExit";
        case ErrorEvent::FirewallDenial: return "FirewallDenial";
        case ErrorEvent::WatchdogReset: return "WatchdogReset";
        case ErrorEvent::VerificationFailure: return "VerificationFailure";
        case ErrorEvent::InstallRefused: return "InstallRefused";
    }
    return "?";
}

ErrorReports::ErrorReports(fs::path device_dir) : dir_(std::move(device_dir) / "errors") {}

std::uint64_t ErrorReports::record(ErrorReport r) const noexcept {
    try {
        ensureDirectory(dir_);
        std::uint64_t next = 1;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir_, ec)) next = std::max(next, sequenceOf(e.path()) + 1);
        r.time = utcNow();
        for (int attempt = 0; attempt < 1000; ++attempt, ++next) {
            StateFile f(kKind, kVersion);
            f.add("sequence", std::to_string(next));
            f.add("time", r.time);
            f.add("event", errorEventName(r.event));
            f.add("component", r.component);
            f.add("core", r.core);
            std::string detail = r.detail;
            std::replace(detail.begin(), detail.end(), '\n', ' ');
            f.add("detail", detail);
            f.add("count", std::to_string(r.count));
            std::string text = f.text();
            if (createFileAtomic(fileOf(next), asBytes(text))) return next;
        }
    } catch (...) {
    }
    return 0;
}

fs::path ErrorReports::fileOf(std::uint64_t sequence) const {
    return dir_ / fmt::format("{:06}.state", sequence);
}

bool ErrorReports::updateCount(std::uint64_t sequence, std::uint64_t count) const noexcept {
    try {
        StateFile f = StateFile::read(fileOf(sequence), kKind, kVersion);
        f.set("count", std::to_string(count));
        f.write(fileOf(sequence));
        return true;
    } catch (...) {
        return false;
    }
}

std::vector<ErrorReport> ErrorReports::list() const {
    std::vector<std::pair<std::uint64_t, fs::path>> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec))
        if (std::uint64_t seq = sequenceOf(e.path())) files.emplace_back(seq, e.path());
    std::sort(files.begin(), files.end());
    std::vector<ErrorReport> out;
    for (const auto& [seq, path] : files) {
        StateFile f = StateFile::read(path, kKind, kVersion);
        ErrorReport r;
        r.sequence = seq;
        r.time = f.require("time");
        std::string ev = f.require("event");
        auto it = std::find_if(std::begin(kAllEvents), std::end(kAllEvents),
                               [&](ErrorEvent e) { return ev == errorEventName(e); });
        if (it == std::end(kAllEvents)) f.fail(fmt::format("unknown event '{}'", ev));
        r.event = *it;
        r.component = f.require("component");
        r.core = f.require("core");
        r.detail = f.require("detail");
        // Reports written before counts existed have none: one event.
        if (auto count = f.get("count")) {
            if (count->empty() || count->size() > 19 ||
                !std::all_of(count->begin(), count->end(), [](char c) { return c >= '0' && c <= '9'; }))
                f.fail(fmt::format("count '{}' is not a number", *count));
            r.count = std::stoull(*count);
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace mt3620::pluton
