// End-to-end: the uart-dma sample echoes ISU0 through the M4 DMA's virtual-FIFO channels 13
// (TX) and 14 (RX) with IRQ 77 (reference 4.3, 4.4, 4.11): short lines through the RX timeout
// interrupt, long input through the threshold interrupt at the full baud rate, and a real TCP
// client talking to the sample through `mt3620-emu run`.
#include <gtest/gtest.h>

#include "e2e/E2eSupport.h"
#include "e2e/UartSupport.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "periph/M4Dma.h"
#include "periph/MtkUart.h"

using namespace mt3620;
using e2e::Feeder;
using e2e::firmware;
using e2e::kCharTime;
using e2e::ms;
using e2e::TimedSink;

namespace {

// The sample's RX timeout: 9100 ticks of 26 MHz = 350 us.
constexpr Picos kRxTimeout = 350 * kPicosPerMicro;

struct DmaEchoRun {
    DmaEchoRun() {
        m.loadRtApp(CoreId::M4_0, RtAppImage::load(firmware("uart-dma")));
        isu0().tx.connect(&sink);
        m.runFor(ms(50), [this] { return debugText().find("uart-dma ready\r\n") != std::string::npos; });
    }
    MtkUart& isu0() { return *m.shared().isu_uart[0]; }
    M4Dma& dma() { return *m.m4(CoreId::M4_0).dma; }
    std::string debugText() { return m.m4(CoreId::M4_0).debug_uart_capture.text(); }
    Machine m;
    TimedSink sink;
};

}  // namespace

TEST(UartDma, SampleProgramsTheVffChannels) {
    DmaEchoRun r;
    ASSERT_NE(r.debugText().find("uart-dma ready"), std::string::npos) << r.debugText();
    EXPECT_TRUE(r.dma().channelRunning(13));
    EXPECT_TRUE(r.dma().channelRunning(14));
    std::uint32_t glbsta0 = 0;
    ASSERT_TRUE(r.dma().read(M4Dma::kGlbSta0, 4, glbsta0));
    EXPECT_EQ(glbsta0, (1u << 26) | (1u << 28));  // channels 13 and 14 running, nothing pending
    EXPECT_EQ(r.isu0().peek(MtkUart::kVfifoEn), 1u);
    EXPECT_EQ(r.isu0().peek(MtkUart::kExtendAdd), 3u);
}

TEST(UartDma, ShortLineIsEchoedAfterTheRxTimeout) {
    DmaEchoRun r;
    Feeder feed(r.m, r.isu0(), "hello\n", r.m.now());
    r.m.runFor(ms(10));  // the debug UART's report takes ~5 ms at 115200
    EXPECT_EQ(r.sink.text(), "hello\n");
    ASSERT_EQ(r.sink.bytes.size(), 6u);
    // Six bytes stay under the threshold of 8: nothing moves until the ring's timeout, 350 us
    // after the last byte ('\n', 6 characters after the first arrival), then one character.
    const Picos last_arrival = feed.firstArrival() + 5 * kCharTime;
    const Picos first_echo = r.sink.bytes[0].second;
    EXPECT_GE(first_echo, last_arrival + kRxTimeout + kCharTime);
    EXPECT_LT(first_echo, last_arrival + kRxTimeout + kCharTime + 10 * kPicosPerMicro);
    for (std::size_t i = 1; i < r.sink.bytes.size(); ++i)
        EXPECT_EQ(r.sink.bytes[i].second - r.sink.bytes[i - 1].second, kCharTime) << i;
    EXPECT_NE(r.debugText().find("echoed 6 bytes (0 threshold, 1 timeout interrupts)\r\n"), std::string::npos)
        << r.debugText();
}

TEST(UartDma, ThousandBytesFlowThroughTheThresholdInterruptAtLineRate) {
    DmaEchoRun r;
    std::string text;
    for (int i = 0; i < 999; ++i) text.push_back(static_cast<char>('a' + i % 26));
    text.push_back('\n');
    Feeder feed(r.m, r.isu0(), text, r.m.now());
    r.m.runFor(ms(200));
    ASSERT_EQ(r.sink.text(), text);
    EXPECT_EQ(r.isu0().peek(MtkUart::kLsr) & 0x02, 0u);
    // 1,000 characters in, echoed in batches of 8: the echo ends one batch plus one character
    // after the input, so the whole span stays at the line rate.
    double span_ms = static_cast<double>(r.sink.bytes.back().second - feed.firstArrival()) / 1e9;
    EXPECT_NEAR(span_ms, 86.8, 86.8 * 0.02);
    const std::string out = r.debugText();
    auto pos = out.find("echoed 1000 bytes (");
    ASSERT_NE(pos, std::string::npos) << out;
    unsigned threshold = 0, timeout = 0;
    ASSERT_EQ(std::sscanf(out.c_str() + pos, "echoed 1000 bytes (%u threshold, %u timeout", &threshold, &timeout), 2);
    EXPECT_GE(threshold, 1000u / 8 - 1);  // one per 8-byte batch
    EXPECT_LE(timeout, 1u);               // only the tail can need the timeout
}

TEST(UartDmaTcp, ClientGetsItsTextEchoedThroughTheCli) {
    const std::string hello = "hello over dma\n";
    e2e::TcpEchoResult r = e2e::runTcpEcho("uart-dma", hello);
    ASSERT_TRUE(r.connected) << "could not connect to 127.0.0.1:" << r.port << "\n" << r.emu.err;
    EXPECT_EQ(r.echoed, hello) << r.emu.err;
    EXPECT_EQ(r.emu.exit_code, 0) << r.emu.err;
    EXPECT_NE(r.emu.out.find("uart-dma ready"), std::string::npos) << r.emu.out;
    EXPECT_NE(r.emu.out.find("echoed 15 bytes (1 threshold, 1 timeout interrupts)"), std::string::npos) << r.emu.out;
}
