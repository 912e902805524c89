#include "board/UartLink.h"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <ctime>

#include "board/BoardError.h"
#include "periph/MtkUart.h"

namespace mt3620 {

void failUartDevice(const UartSpec& spec, const std::string& reason) {
    throw BoardError(fmt::format("device '{}' (line {}): {}", spec.name, spec.line, reason));
}

RxFeed::RxFeed(Scheduler& scheduler, const std::string& timer_name, MtkUart& uart, std::uint64_t& delivered)
    : uart_(uart), delivered_(delivered), timer_(scheduler, timer_name, [this] { deliver(); }) {}

void RxFeed::push(const char* data, std::size_t n) {
    queue_.insert(queue_.end(), data, data + n);
    if (!queue_.empty() && !timer_.armed()) timer_.armAfter(uart_.characterTime());
}

/// One received byte reaches the RX pin per character time, as on the wire.
void RxFeed::deliver() {
    if (queue_.empty()) return;
    uart_.receiveByte(queue_.front());
    queue_.pop_front();
    ++delivered_;
    if (!queue_.empty()) timer_.armAfter(uart_.characterTime());
}

}  // namespace mt3620
