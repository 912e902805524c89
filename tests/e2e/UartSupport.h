#pragma once
// Shared helpers for end-to-end tests of the ISU UARTs: timing of a 115200 character, a sink
// that records each byte with its virtual time, a feeder that types text into a UART's RX pin
// at the character rate, and a TCP client side for the `tcp` UART endpoint.
#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "e2e/E2eSupport.h"
#include "machine/Machine.h"
#include "machine/Scheduler.h"
#include "periph/MtkUart.h"
#include "periph/Signals.h"

namespace e2e {

using mt3620::Picos;

// 115200-8-N-1 as Microsoft's samples and ours program it: 26 MHz / (1 * 225) = 115555 baud
// (FRACDIV is not modelled), so one 10-bit character takes 86.538 us.
constexpr Picos kCharTime = 86'538'461;

/// Every byte a UART sends, with the time its stop bit ended.
struct TimedSink : mt3620::ByteSink {
    std::vector<std::pair<char, Picos>> bytes;
    void receiveByte(std::uint8_t b, Picos t) override { bytes.emplace_back(static_cast<char>(b), t); }
    std::string text() const {
        std::string s;
        for (auto& [c, t] : bytes) s.push_back(c);
        return s;
    }
};

/// Feeds text into a UART's RX pin, one character time apart, from virtual time `start`.
class Feeder {
public:
    Feeder(mt3620::Machine& m, mt3620::MtkUart& uart, std::string text, Picos start, Picos gap = kCharTime)
        : uart_(uart), text_(std::move(text)), gap_(gap), timer_(m.scheduler(), "feeder", [this] { next(); }) {
        if (!text_.empty()) timer_.armAt(start + gap_);  // the first byte has arrived after one character
    }
    Picos firstArrival() const { return first_; }

private:
    void next() {
        if (pos_ == 0) first_ = timer_.deadline();
        uart_.receiveByte(static_cast<std::uint8_t>(text_[pos_++]));
        if (pos_ < text_.size()) timer_.armAfter(gap_);
    }
    mt3620::MtkUart& uart_;
    std::string text_;
    Picos gap_;
    std::size_t pos_ = 0;
    Picos first_ = 0;
    mt3620::EventTimer timer_;
};

/// A free TCP port on 127.0.0.1 (bound once, then released).
inline unsigned freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// Connects to 127.0.0.1:port, retrying while the emulator starts; -1 after `timeout`.
inline int connectWithRetry(unsigned port, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
        ::close(fd);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

/// What a TCP client saw of a sample run with `mt3620-emu run` and ISU0 on a TCP endpoint.
struct TcpEchoResult {
    unsigned port = 0;
    bool connected = false;
    std::string echoed;  // what came back, up to the length of what was sent
    CommandResult emu;   // the emulator's exit code, stdout and stderr
};

/// Runs `sample` for 3 s of virtual time with ISU0 on a TCP endpoint, connects, sends `text`
/// and reads until as many bytes came back (or 3 s of real time passed). The TCP endpoint
/// paces virtual time to real time, so the client has ample time while the sample sleeps.
inline TcpEchoResult runTcpEcho(const std::string& sample, const std::string& text) {
    TcpEchoResult r;
    r.port = freePort();
    const std::string board = tmpPath(sample + "-tcp-board.yaml");
    std::ofstream(board) << "board: tcp-test\nchip: mt3620\ndevices:\n"
                         << "  - {name: modem, type: uart, uart: ISU0, endpoint: {tcp: " << r.port << "}}\n";
    std::thread emu([&] { r.emu = runEmu("run --m4-0 " + firmware(sample) + " --board " + board + " --time-limit 3s"); });
    int fd = connectWithRetry(r.port, std::chrono::milliseconds(2500));
    r.connected = fd >= 0;
    if (fd >= 0) {
        if (::send(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())) {
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
            pollfd p{fd, POLLIN, 0};
            while (r.echoed.size() < text.size() && std::chrono::steady_clock::now() < deadline &&
                   ::poll(&p, 1, 100) >= 0) {
                if (!(p.revents & POLLIN)) continue;
                char buf[64];
                ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) break;
                r.echoed.append(buf, static_cast<std::size_t>(n));
            }
        }
        ::close(fd);
    }
    emu.join();
    return r;
}

}  // namespace e2e
