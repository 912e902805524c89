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

void RealTimePacer::pace(Picos virt_now, int fd) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point real_now = Clock::now();
    if (!anchored_) {
        anchored_ = true;
        real_anchor_ = real_now;
        virt_anchor_ = virt_now;
        return;
    }
    const Picos virt = virt_now - virt_anchor_;
    Picos real = static_cast<Picos>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(real_now - real_anchor_).count()) * kPicosPerNano;
    if (real > virt + kMaxLag) {
        // The firmware ran slower than real time; do not let it race to catch up later.
        real_anchor_ += std::chrono::nanoseconds((real - virt - kMaxLag) / kPicosPerNano);
        real = virt + kMaxLag;
    }
    if (virt <= real) return;
    const Picos wait = std::min<Picos>(virt - real, kMaxLag);
    pollfd pfd{fd, POLLIN, 0};  // a negative fd is ignored: a plain sleep
    timespec ts{static_cast<time_t>(wait / kPicosPerSecond), static_cast<long>((wait % kPicosPerSecond) / kPicosPerNano)};
    ::ppoll(&pfd, 1, &ts, nullptr);
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
