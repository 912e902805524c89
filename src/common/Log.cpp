#include "common/Log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace mt3620 {

Log::Log(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {
    if (!logger_) {
        logger_ = std::make_shared<spdlog::logger>(
            "mt3620", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
        logger_->set_pattern("%^%l%$: %v");
        logger_->set_level(spdlog::level::warn);
    }
}

void Log::emit(spdlog::level::level_enum lvl, std::string_view who, const std::string& msg) {
    Picos t = time_ ? time_->now() : 0;
    logger_->log(lvl, "[{:>14}] {} {}", formatSeconds(t), who, msg);
}

}  // namespace mt3620
