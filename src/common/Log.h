#pragma once
// Per-machine logging through spdlog. Every line carries the virtual timestamp and the name of
// the core or block that speaks: "[  1.000250 s] m4-0 GPT: ...". No global logger is used, so
// two Machines in one process log independently.
#include <spdlog/spdlog.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "common/VirtualTime.h"

namespace mt3620 {

/// Anything that can tell the current virtual time.
class TimeSource {
public:
    virtual ~TimeSource() = default;
    virtual Picos now() const = 0;
};

class Log {
public:
    /// Uses `logger` (the CLI's console logger, or a test's) or a default stderr logger if null.
    explicit Log(std::shared_ptr<spdlog::logger> logger = nullptr);

    void setTimeSource(const TimeSource* time) { time_ = time; }
    spdlog::logger& raw() { return *logger_; }
    bool enabled(spdlog::level::level_enum lvl) const { return logger_->should_log(lvl); }

    template <class... Args>
    void log(spdlog::level::level_enum lvl, std::string_view who, fmt::format_string<Args...> f,
             Args&&... args) {
        if (!logger_->should_log(lvl)) return;
        emit(lvl, who, fmt::format(f, std::forward<Args>(args)...));
    }
    template <class... Args>
    void trace(std::string_view who, fmt::format_string<Args...> f, Args&&... a) {
        log(spdlog::level::trace, who, f, std::forward<Args>(a)...);
    }
    template <class... Args>
    void debug(std::string_view who, fmt::format_string<Args...> f, Args&&... a) {
        log(spdlog::level::debug, who, f, std::forward<Args>(a)...);
    }
    template <class... Args>
    void info(std::string_view who, fmt::format_string<Args...> f, Args&&... a) {
        log(spdlog::level::info, who, f, std::forward<Args>(a)...);
    }
    template <class... Args>
    void warn(std::string_view who, fmt::format_string<Args...> f, Args&&... a) {
        log(spdlog::level::warn, who, f, std::forward<Args>(a)...);
    }
    template <class... Args>
    void error(std::string_view who, fmt::format_string<Args...> f, Args&&... a) {
        log(spdlog::level::err, who, f, std::forward<Args>(a)...);
    }
    /// Logs a warning the first time `key` is seen, and nothing after that.
    template <class... Args>
    void warnOnce(const std::string& key, std::string_view who, fmt::format_string<Args...> f,
                  Args&&... a) {
        if (!once_.insert(key).second) return;
        log(spdlog::level::warn, who, f, std::forward<Args>(a)...);
    }

private:
    void emit(spdlog::level::level_enum lvl, std::string_view who, const std::string& msg);

    std::shared_ptr<spdlog::logger> logger_;
    const TimeSource* time_ = nullptr;
    std::set<std::string> once_;
};

}  // namespace mt3620
