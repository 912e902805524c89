// End-to-end: the ISU UARTs (ISU0-ISU4 at 0x38070500 + n * 0x10000, IRQ 47 + 4n) with the
// uart-echo sample, byte timing at 115200 baud, the loopback board device, and a real TCP
// client talking to the sample through `mt3620-emu run` and a `type: uart` TCP endpoint.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/UartEndpoint.h"
#include "e2e/E2eSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "periph/MtkUart.h"

using namespace mt3620;
using e2e::firmware;
using e2e::ms;

namespace {

constexpr std::uint32_t THR = 0x00, RBR = 0x00, LSR = 0x14, LCR = 0x0C, EFR = 0x08, DLL = 0x00, DLM = 0x04,
                        HIGHSPEED = 0x24, SAMPLE_COUNT = 0x28, SAMPLE_POINT = 0x2C, FRACDIV_L = 0x54,
                        FRACDIV_M = 0x58;

// 115200-8-N-1 as Microsoft's samples and ours program it: 26 MHz / (1 * 225) = 115555 baud
// (FRACDIV is not modelled), so one 10-bit character takes 86.538 us.
constexpr Picos kCharTime = 86'538'461;

/// Every byte a UART sends, with the time its stop bit ended.
struct TimedSink : ByteSink {
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
    Feeder(Machine& m, MtkUart& uart, std::string text, Picos start, Picos gap = kCharTime)
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
    MtkUart& uart_;
    std::string text_;
    Picos gap_;
    std::size_t pos_ = 0;
    Picos first_ = 0;
    EventTimer timer_;
};

struct EchoRun {
    explicit EchoRun(const std::string& board_yaml = "") {
        if (!board_yaml.empty()) m.loadBoard(BoardFile::parse("isu-test.yaml", board_yaml));
        m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("uart-echo")));
        isu0().tx.connect(&sink);
        m.runFor(ms(50), [this] { return debugText().find("uart-echo ready\r\n") != std::string::npos; });
    }
    MtkUart& isu0() { return *m.shared().isu_uart[0]; }
    std::string debugText() { return m.m4(CoreId::M4_0).debug_uart_capture.text(); }
    Machine m;
    TimedSink sink;
};

}  // namespace

TEST(IsuUart, FiveUartsMappedWithTheirIrqs) {
    Machine m;
    for (unsigned n = 0; n < kIsuCount; ++n) {
        MtkUart* u = m.shared().uart("ISU" + std::to_string(n));
        ASSERT_NE(u, nullptr) << n;
        EXPECT_EQ(u, m.shared().isu_uart[n].get());
        EXPECT_EQ(u->size(), 0x100u);
        EXPECT_EQ(isuUartBase(n), 0x38070500u + n * 0x10000u);
        EXPECT_EQ(u->irq.number(), 47u + 4 * n);
    }
    EXPECT_EQ(m.shared().uart("ISU5"), nullptr);
}

TEST(IsuUart, EchoSampleReturnsBytesWithCharacterTiming) {
    EchoRun r;
    ASSERT_NE(r.debugText().find("uart-echo ready"), std::string::npos) << r.debugText();
    const Picos start = r.m.now();
    Feeder feed(r.m, r.isu0(), "hello\n", start);
    r.m.runFor(ms(5));
    EXPECT_EQ(r.sink.text(), "hello\n");
    EXPECT_EQ(r.m.shared().isu_capture[0].text(), "hello\n");
    ASSERT_EQ(r.sink.bytes.size(), 6u);
    // 'h' arrived at start + 1 character; its echo takes one more character plus the
    // interrupt latency (a few hundred instructions at most).
    Picos first_echo = r.sink.bytes[0].second - feed.firstArrival();
    EXPECT_GE(first_echo, kCharTime);
    EXPECT_LT(first_echo, kCharTime + 10 * kPicosPerMicro);
    // Then the echo keeps pace with the input: one byte per character time.
    for (std::size_t i = 1; i < r.sink.bytes.size(); ++i) {
        double dt_us = static_cast<double>(r.sink.bytes[i].second - r.sink.bytes[i - 1].second) / 1e6;
        EXPECT_NEAR(dt_us, 86.54, 1.0) << i;
    }
    EXPECT_NE(r.debugText().find("echoed 6 bytes\r\n"), std::string::npos) << r.debugText();
}

TEST(IsuUart, ThousandBytesAt115200TakeAbout87ms) {
    // Register level: 1,000 bytes written back to back into ISU0's TX (the FIFO kept topped
    // up from the TX side), programmed with the 115200-8-N-1 sequence.
    Machine m;
    MtkUart& u = *m.shared().isu_uart[0];
    auto wr = [&](std::uint32_t off, std::uint32_t v) { ASSERT_TRUE(u.write(off, 4, v)); };
    wr(LCR, 0xBF), wr(EFR, 0x10), wr(LCR, 0x80), wr(HIGHSPEED, 3), wr(DLM, 0), wr(DLL, 1);
    wr(SAMPLE_COUNT, 224), wr(SAMPLE_POINT, 110), wr(FRACDIV_M, 0), wr(FRACDIV_L, 223), wr(LCR, 0x03);
    struct Refill : ByteSink {
        MtkUart& u;
        int queued = 0;
        Picos last = 0;
        int sent = 0;
        explicit Refill(MtkUart& uart) : u(uart) {}
        void top() {
            if (queued < 1000) {
                u.write(THR, 4, 'A' + queued % 26);
                ++queued;
            }
        }
        void receiveByte(std::uint8_t, Picos t) override {
            ++sent;
            last = t;
            top();
        }
    } refill(u);
    u.tx.connect(&refill);
    const Picos start = m.now();
    for (int i = 0; i < 17; ++i) refill.top();  // shifter + 16-byte FIFO
    m.runFor(ms(200));
    ASSERT_EQ(refill.sent, 1000);
    double elapsed_ms = static_cast<double>(refill.last - start) / 1e9;
    EXPECT_NEAR(elapsed_ms, 86.8, 86.8 * 0.01);
    EXPECT_NEAR(elapsed_ms, 1000 * static_cast<double>(kCharTime) / 1e9, 1e-3);  // exactly the model's 86.54 ms
    EXPECT_EQ(m.shared().isu_capture[0].text().size(), 1000u);
}

TEST(IsuUart, EchoSampleKeepsUpWithAThousandBytes) {
    EchoRun r;
    std::string text;
    for (int i = 0; i < 999; ++i) text.push_back(static_cast<char>('a' + i % 26));
    text.push_back('\n');
    Feeder feed(r.m, r.isu0(), text, r.m.now());
    r.m.runFor(ms(200));
    ASSERT_EQ(r.sink.text(), text);  // no overrun: the handler empties the RX FIFO in time
    double span_ms = static_cast<double>(r.sink.bytes.back().second - feed.firstArrival()) / 1e9;
    // 1,000 characters from the first arrival to the last echo's stop bit.
    EXPECT_NEAR(span_ms, 86.8, 86.8 * 0.01);
    EXPECT_NE(r.debugText().find("echoed 1000 bytes\r\n"), std::string::npos) << r.debugText();
}

TEST(IsuUart, LoopbackDeviceConnectsIsu0AndIsu1) {
    EchoRun r("board: loop\nchip: mt3620\ndevices:\n"
              "  - {name: wire, type: uart, uart: ISU0, endpoint: {loopback: ISU1}}\n");
    ASSERT_NE(r.m.board(), nullptr);
    auto* wire = dynamic_cast<UartEndpoint*>(r.m.board()->device("wire"));
    ASSERT_NE(wire, nullptr);
    // ISU1 (left at its reset settings: 115200) sends to ISU0; the sample echoes it back on
    // ISU0, and the loopback carries the echo to ISU1's RX.
    MtkUart& isu1 = *r.m.shared().isu_uart[1];
    for (char c : std::string("hi\n")) isu1.write(THR, 4, static_cast<std::uint8_t>(c));
    r.m.runFor(ms(5));
    EXPECT_EQ(r.m.shared().isu_capture[1].text(), "hi\n");
    EXPECT_EQ(r.m.shared().isu_capture[0].text(), "hi\n");
    std::string back;
    std::uint32_t v = 0;
    while (isu1.read(LSR, 4, v) && (v & 1)) {
        isu1.read(RBR, 4, v);
        back.push_back(static_cast<char>(v));
    }
    EXPECT_EQ(back, "hi\n");
    EXPECT_EQ(wire->bytesToUart(), 6u);
    EXPECT_NE(r.debugText().find("echoed 3 bytes"), std::string::npos) << r.debugText();
}

namespace {

unsigned freePort() {
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
int connectWithRetry(unsigned port, std::chrono::milliseconds timeout) {
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

}  // namespace

TEST(IsuUartTcp, ClientGetsItsTextEchoedThroughTheCli) {
    const unsigned port = freePort();
    const std::string board = e2e::tmpPath("isu-tcp-board.yaml");
    std::ofstream(board) << "board: tcp-test\nchip: mt3620\ndevices:\n"
                         << "  - {name: modem, type: uart, uart: ISU0, endpoint: {tcp: " << port << "}}\n";
    // The TCP endpoint paces virtual time to real time, so 3 s of virtual time leave the
    // client ample time to connect and talk while the sample sleeps in WFI.
    e2e::CommandResult res;
    std::thread emu([&] {
        res = e2e::runEmu("run --m4-0 " + firmware("uart-echo") + " --board " + board + " --time-limit 3s");
    });
    int fd = connectWithRetry(port, std::chrono::milliseconds(2500));
    std::string echoed;
    if (fd >= 0) {
        const std::string hello = "hello\n";
        EXPECT_EQ(::send(fd, hello.data(), hello.size(), 0), static_cast<ssize_t>(hello.size()));
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        pollfd p{fd, POLLIN, 0};
        while (echoed.size() < hello.size() && std::chrono::steady_clock::now() < deadline && ::poll(&p, 1, 100) >= 0) {
            if (!(p.revents & POLLIN)) continue;
            char buf[64];
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            echoed.append(buf, static_cast<std::size_t>(n));
        }
        ::close(fd);
    }
    emu.join();
    ASSERT_GE(fd, 0) << "could not connect to 127.0.0.1:" << port << "\n" << res.err;
    EXPECT_EQ(echoed, "hello\n") << res.err;
    EXPECT_EQ(res.exit_code, 0) << res.err;
    EXPECT_NE(res.out.find("uart-echo ready"), std::string::npos) << res.out;
    EXPECT_NE(res.out.find("echoed 6 bytes"), std::string::npos) << res.out;
    EXPECT_NE(res.err.find("tcp 127.0.0.1:" + std::to_string(port)), std::string::npos) << res.err;
}
