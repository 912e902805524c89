#include "machine/RealTimePacer.h"

#include <algorithm>
#include <ctime>

namespace mt3620 {

void RealTimePacer::pace(Picos virt_now, int fd) {
    pollfd pfd{fd, POLLIN, 0};  // a negative fd is ignored: a plain sleep
    pace(virt_now, std::span<pollfd>(&pfd, 1));
}

void RealTimePacer::pace(Picos virt_now, std::span<pollfd> fds) {
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
    timespec ts{static_cast<time_t>(wait / kPicosPerSecond), static_cast<long>((wait % kPicosPerSecond) / kPicosPerNano)};
    ::ppoll(fds.data(), fds.size(), &ts, nullptr);
}

}  // namespace mt3620
