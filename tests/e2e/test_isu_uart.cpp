// End-to-end: the ISU UARTs (ISU0-ISU4 at 0x38070500 + n * 0x10000, IRQ 47 + 4n) with the
// uart-echo sample, byte timing at 115200 baud, the loopback board device, and a real TCP
// client talking to the sample through `mt3620-emu run` and a `type: uart` TCP endpoint.
#include <gtest/gtest.h>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/UartEndpoint.h"
#include "e2e/E2eSupport.h"
#include "e2e/UartSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "periph/MtkUart.h"

using namespace mt3620;
using e2e::firmware;
using e2e::ms;
using e2e::Feeder;
using e2e::TimedSink;
using e2e::kCharTime;

namespace {

constexpr std::uint32_t THR = 0x00, RBR = 0x00, LSR = 0x14, LCR = 0x0C, EFR = 0x08, DLL = 0x00, DLM = 0x04,
                        HIGHSPEED = 0x24, SAMPLE_COUNT = 0x28, SAMPLE_POINT = 0x2C, FRACDIV_L = 0x54,
                        FRACDIV_M = 0x58;


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

TEST(IsuUartTcp, ClientGetsItsTextEchoedThroughTheCli) {
    e2e::TcpEchoResult r = e2e::runTcpEcho("uart-echo", "hello\n");
    ASSERT_TRUE(r.connected) << "could not connect to 127.0.0.1:" << r.port << "\n" << r.emu.err;
    EXPECT_EQ(r.echoed, "hello\n") << r.emu.err;
    EXPECT_EQ(r.emu.exit_code, 0) << r.emu.err;
    EXPECT_NE(r.emu.out.find("uart-echo ready"), std::string::npos) << r.emu.out;
    EXPECT_NE(r.emu.out.find("echoed 6 bytes"), std::string::npos) << r.emu.out;
    EXPECT_NE(r.emu.err.find("tcp 127.0.0.1:" + std::to_string(r.port)), std::string::npos) << r.emu.err;
}
