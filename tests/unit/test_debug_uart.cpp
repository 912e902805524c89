// DebugUart / MtkUart: register banking, the character-time model of the TX FIFO, the 16550
// interrupt identification rules, RX FIFO, overrun, timeout and loopback (reference §4.3).
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/DebugUart.h"

namespace mt3620 {
namespace {

struct CaptureSink : ByteSink {
    std::vector<std::pair<std::uint8_t, Picos>> bytes;
    void receiveByte(std::uint8_t byte, Picos time) override { bytes.emplace_back(byte, time); }
};

constexpr std::uint32_t THR = 0x00, RBR = 0x00, DLL = 0x00, IER = 0x04, DLM = 0x04, IIR = 0x08,
                        FCR = 0x08, EFR = 0x08, LCR = 0x0C, MCR = 0x10, XON1 = 0x10, LSR = 0x14,
                        MSR = 0x18, SCR = 0x1C, HIGHSPEED = 0x24, SAMPLE_COUNT = 0x28,
                        SAMPLE_POINT = 0x2C, FRACDIV_L = 0x54, FRACDIV_M = 0x58, FCR_RD = 0x5C,
                        RXTRIG = 0x50, RX_OFFSET = 0x68, TX_OFFSET = 0x6C;
constexpr std::uint32_t kDr = 0x01, kOe = 0x02, kThre = 0x20, kTemt = 0x40;

// 26 MHz / 225 samples per bit, 10 bits per character: 4500 / 52e6 s, rounded down.
constexpr Picos kCharTime115k = 86'538'461;

class DebugUartTest : public ::testing::Test {
protected:
    DebugUartTest() {
        log.setTimeSource(&scheduler);
        uart.tx.connect(&sink);
    }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(uart.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(uart.write(offset, 4, v)) << std::hex << offset; }

    // Microsoft's 115200-8-N-1 sequence (reference §4.3, "Baud configuration").
    void init115200() {
        wr(LCR, 0xBF);
        wr(EFR, 0x10);
        wr(LCR, 0x80);
        wr(HIGHSPEED, 3);
        wr(DLM, 0);
        wr(DLL, 1);
        wr(SAMPLE_COUNT, 224);
        wr(SAMPLE_POINT, 110);
        wr(FRACDIV_M, 0);
        wr(FRACDIV_L, 223);
        wr(LCR, 0x03);
    }

    Scheduler scheduler;
    Log log;
    DebugUart uart{"UART-DBG", scheduler, log};
    CaptureSink sink;
};

TEST_F(DebugUartTest, MapConstants) {
    EXPECT_EQ(DebugUart::kBase, 0x21040000u);
    EXPECT_EQ(DebugUart::kIrq, 4u);
    EXPECT_EQ(uart.size(), 0x1000u);
}

TEST_F(DebugUartTest, ResetState) {
    EXPECT_EQ(rd(LSR), kThre | kTemt);
    EXPECT_EQ(rd(IIR), 0x01u);
    EXPECT_EQ(rd(TX_OFFSET), 0u);
    EXPECT_FALSE(uart.irq.level());
}

TEST_F(DebugUartTest, MicrosoftInitSequenceGives115200) {
    init115200();
    EXPECT_EQ(uart.characterTime(), kCharTime115k);  // 86.54 us: 115555 baud
    EXPECT_EQ(rd(LCR), 0x03u);
}

TEST_F(DebugUartTest, BytesLeaveOnePerCharacterTime) {
    init115200();
    scheduler.advanceTo(1000);
    const Picos t0 = 1000;
    for (char c : {'H', 'i', '!'}) wr(THR, static_cast<std::uint8_t>(c));

    // 'H' is in the shifter, "i!" wait in the FIFO.
    EXPECT_EQ(rd(TX_OFFSET), 2u);
    EXPECT_EQ(rd(LSR) & (kThre | kTemt), 0u);

    scheduler.advanceTo(t0 + kCharTime115k - 1);
    EXPECT_TRUE(sink.bytes.empty());
    scheduler.advanceTo(t0 + kCharTime115k);
    ASSERT_EQ(sink.bytes.size(), 1u);
    EXPECT_EQ(sink.bytes[0], std::make_pair(std::uint8_t{'H'}, t0 + kCharTime115k));
    EXPECT_EQ(rd(TX_OFFSET), 1u);

    scheduler.advanceTo(t0 + 2 * kCharTime115k);
    EXPECT_EQ(rd(TX_OFFSET), 0u);
    EXPECT_EQ(rd(LSR) & (kThre | kTemt), kThre);  // FIFO empty, '!' still shifting

    scheduler.advanceTo(t0 + 3 * kCharTime115k);
    EXPECT_EQ(rd(LSR) & (kThre | kTemt), kThre | kTemt);
    ASSERT_EQ(sink.bytes.size(), 3u);
    EXPECT_EQ(sink.bytes[1], std::make_pair(std::uint8_t{'i'}, t0 + 2 * kCharTime115k));
    EXPECT_EQ(sink.bytes[2], std::make_pair(std::uint8_t{'!'}, t0 + 3 * kCharTime115k));
}

TEST_F(DebugUartTest, PolledOutputIsPacedByTheBaudRate) {
    init115200();
    const std::string msg = "Tick\n";
    for (char c : msg) {
        // The MS driver: spin on LSR.THRE, then write THR. Here "spinning" advances time.
        while (!(rd(LSR) & kThre)) scheduler.advanceTo(scheduler.nextDeadline());
        wr(THR, static_cast<std::uint8_t>(c));
    }
    while (!(rd(LSR) & kTemt)) scheduler.advanceTo(scheduler.nextDeadline());
    ASSERT_EQ(sink.bytes.size(), msg.size());
    for (std::size_t i = 0; i < msg.size(); ++i) {
        EXPECT_EQ(sink.bytes[i].first, static_cast<std::uint8_t>(msg[i]));
        EXPECT_EQ(sink.bytes[i].second, (i + 1) * kCharTime115k);
    }
}

TEST_F(DebugUartTest, FifoHoldsSixteenBytesBehindTheShifter) {
    init115200();
    for (int i = 0; i < 17; ++i) wr(THR, 'a' + i);
    EXPECT_EQ(rd(TX_OFFSET), 16u);
    scheduler.advanceTo(17 * kCharTime115k);
    ASSERT_EQ(sink.bytes.size(), 17u);
    EXPECT_EQ(sink.bytes[16].first, 'a' + 16);
}

TEST_F(DebugUartTest, ByteTimeFollowsDivisorAndFrame) {
    wr(LCR, 0x80);
    wr(DLL, 1);
    wr(LCR, 0x03);
    // HIGHSPEED 0: 16 samples per bit; 10 bits = 160 clocks of 26 MHz.
    EXPECT_EQ(uart.characterTime(), cyclesToPicos(160, 26'000'000));
    wr(HIGHSPEED, 1);
    EXPECT_EQ(uart.characterTime(), cyclesToPicos(80, 26'000'000));
    wr(HIGHSPEED, 2);
    EXPECT_EQ(uart.characterTime(), cyclesToPicos(40, 26'000'000));
    // 8 data bits, parity, 2 stop bits: 12 bits of 4 clocks.
    wr(LCR, 0x03 | 0x04 | 0x08);
    EXPECT_EQ(uart.characterTime(), cyclesToPicos(48, 26'000'000));
    // 5 data bits with STB: 1.5 stop bits, 7.5 bits of 4 clocks.
    wr(LCR, 0x04);
    EXPECT_EQ(uart.characterTime(), cyclesToPicos(30, 26'000'000));
}

TEST_F(DebugUartTest, UnprogrammedDivisorMeans115200) {
    wr(LCR, 0x03);
    EXPECT_EQ(uart.characterTime(), cyclesToPicos(10, 115200));
    wr(THR, 'x');
    scheduler.advanceTo(cyclesToPicos(10, 115200));
    ASSERT_EQ(sink.bytes.size(), 1u);
}

TEST_F(DebugUartTest, DlabBanking) {
    wr(LCR, 0x80);
    wr(DLL, 0x12);
    wr(DLM, 0x34);
    EXPECT_EQ(rd(DLL), 0x12u);
    EXPECT_EQ(rd(DLM), 0x34u);
    EXPECT_EQ(uart.registerName(DLL), "DLL");
    wr(LCR, 0x03);
    EXPECT_EQ(uart.registerName(THR), "RBR_THR");
    wr(IER, 0x05);
    EXPECT_EQ(rd(IER), 0x05u);
    wr(LCR, 0x80);
    EXPECT_EQ(rd(DLL), 0x12u);
    EXPECT_EQ(rd(DLM), 0x34u);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_TRUE(sink.bytes.empty());  // writing DLL sent nothing

    // LCR == 0xBF: DLL/DLM still, EFR at 0x08, XON1 at 0x10.
    wr(LCR, 0x03);
    wr(MCR, 0x03);
    wr(LCR, 0xBF);
    EXPECT_EQ(rd(DLL), 0x12u);
    wr(EFR, 0x10);
    wr(XON1, 0x11);
    EXPECT_EQ(rd(EFR), 0x10u);
    EXPECT_EQ(rd(XON1), 0x11u);
    EXPECT_EQ(uart.registerName(EFR), "EFR");
    wr(LCR, 0x03);
    EXPECT_EQ(rd(MCR), 0x03u);
    EXPECT_EQ(rd(IIR), 0x01u);
    wr(SCR, 0x5A);
    EXPECT_EQ(rd(SCR), 0x5Au);
}

TEST_F(DebugUartTest, ByteAccessToThr) {
    init115200();
    EXPECT_TRUE(uart.write(THR, 1, 'B'));
    scheduler.advanceTo(kCharTime115k);
    ASSERT_EQ(sink.bytes.size(), 1u);
    EXPECT_EQ(sink.bytes[0].first, 'B');
}

TEST_F(DebugUartTest, ThrEmptyInterrupt) {
    init115200();
    wr(FCR, 0x01);  // FIFOE
    EXPECT_EQ(rd(FCR_RD), 0x01u);
    EXPECT_FALSE(uart.irq.level());

    // Enabling ETBEI with an empty THR raises the interrupt at once.
    wr(IER, 0x02);
    EXPECT_TRUE(uart.irq.level());
    EXPECT_EQ(rd(IIR), 0xC2u);  // FIFOs enabled, THR empty
    EXPECT_FALSE(uart.irq.level());  // reading IIR acknowledged it
    EXPECT_EQ(rd(IIR), 0xC1u);       // nothing pending

    // ISR fills the FIFO: the last THR write acknowledges.
    for (int i = 0; i < 3; ++i) wr(THR, '0' + i);
    EXPECT_EQ(rd(IIR), 0xC1u);
    EXPECT_FALSE(uart.irq.level());

    scheduler.advanceTo(kCharTime115k);  // '1' moves to the shifter, '2' still queued
    EXPECT_FALSE(uart.irq.level());
    scheduler.advanceTo(2 * kCharTime115k);  // '2' moves to the shifter: FIFO empty
    EXPECT_TRUE(uart.irq.level());
    EXPECT_EQ(rd(IIR) & 0x3F, 0x02u);
    EXPECT_EQ(rd(IIR) & 0x3F, 0x01u);

    // Disabling ETBEI drops it; re-enabling with the FIFO empty raises it again.
    scheduler.advanceTo(3 * kCharTime115k);
    wr(IER, 0x02);
    wr(IER, 0x00);
    EXPECT_FALSE(uart.irq.level());
    wr(IER, 0x02);
    EXPECT_TRUE(uart.irq.level());
    wr(THR, 'x');  // goes straight to the shifter: THR empty again at once
    EXPECT_TRUE(uart.irq.level());
    wr(THR, 'y');  // waits in the FIFO
    EXPECT_FALSE(uart.irq.level());
}

TEST_F(DebugUartTest, ClearTxFifo) {
    init115200();
    for (char c : {'a', 'b', 'c'}) wr(THR, static_cast<std::uint8_t>(c));
    wr(FCR, 0x05);  // FIFOE | CLRT
    EXPECT_EQ(rd(TX_OFFSET), 0u);
    EXPECT_EQ(rd(FCR_RD), 0x01u);  // CLRT is a strobe
    scheduler.advanceTo(10 * kCharTime115k);
    ASSERT_EQ(sink.bytes.size(), 1u);  // the shifter finished 'a'
    EXPECT_EQ(sink.bytes[0].first, 'a');
}

TEST_F(DebugUartTest, ReceiveDataReadyAndInterrupt) {
    init115200();
    EXPECT_EQ(rd(LSR) & kDr, 0u);
    uart.receiveByte('a');
    EXPECT_EQ(rd(LSR) & kDr, kDr);
    EXPECT_EQ(rd(RX_OFFSET), 1u);
    EXPECT_FALSE(uart.irq.level());  // ERBFI off
    wr(IER, 0x01);
    EXPECT_TRUE(uart.irq.level());
    EXPECT_EQ(rd(IIR), 0x04u);
    EXPECT_EQ(rd(RBR), 'a');
    EXPECT_EQ(rd(LSR) & kDr, 0u);
    EXPECT_EQ(rd(IIR), 0x01u);
    EXPECT_FALSE(uart.irq.level());
}

TEST_F(DebugUartTest, DebuggerReadOfRbrDoesNotPop) {
    init115200();
    uart.receiveByte('q');
    std::uint32_t v = 0;
    EXPECT_TRUE(uart.debugRead(RBR, 4, v));
    EXPECT_EQ(v, 'q');
    EXPECT_EQ(rd(RX_OFFSET), 1u) << "the byte is still in the FIFO";
    EXPECT_EQ(rd(RBR), 'q');
    EXPECT_EQ(rd(RX_OFFSET), 0u);
}

TEST_F(DebugUartTest, ReceiveTriggerLevelAndTimeout) {
    init115200();
    wr(FCR, 0x41);  // FIFOE, RFTL 1 = 6 bytes
    wr(IER, 0x01);
    for (int i = 0; i < 5; ++i) uart.receiveByte('0' + i);
    EXPECT_EQ(rd(IIR) & 0x3F, 0x01u);  // below the trigger level
    uart.receiveByte('5');
    EXPECT_EQ(rd(IIR) & 0x3F, 0x04u);
    EXPECT_TRUE(uart.irq.level());
    for (int i = 0; i < 4; ++i) EXPECT_EQ(rd(RBR), static_cast<std::uint32_t>('0' + i));
    EXPECT_EQ(rd(IIR) & 0x3F, 0x01u);  // two bytes left, below the trigger
    EXPECT_FALSE(uart.irq.level());

    // Four character times without activity: timeout.
    const Picos t = scheduler.now();
    scheduler.advanceTo(t + 4 * kCharTime115k - 1);
    EXPECT_FALSE(uart.irq.level());
    scheduler.advanceTo(t + 4 * kCharTime115k);
    EXPECT_TRUE(uart.irq.level());
    EXPECT_EQ(rd(IIR) & 0x3F, 0x0Cu);
    EXPECT_EQ(rd(RBR), static_cast<std::uint32_t>('4'));
    EXPECT_FALSE(uart.irq.level());  // reading restarts the timeout
    EXPECT_EQ(rd(RBR), static_cast<std::uint32_t>('5'));
    scheduler.advanceTo(t + 100 * kCharTime115k);
    EXPECT_FALSE(uart.irq.level());  // empty FIFO: no timeout

    // RFTL 3 uses RXTRIG.
    wr(RXTRIG, 2);
    wr(FCR, 0xC1);
    uart.receiveByte('a');
    EXPECT_EQ(rd(IIR) & 0x3F, 0x01u);
    uart.receiveByte('b');
    EXPECT_EQ(rd(IIR) & 0x3F, 0x04u);
    wr(FCR, 0xC3);  // CLRR
    EXPECT_EQ(rd(RX_OFFSET), 0u);
    EXPECT_FALSE(uart.irq.level());
}

TEST_F(DebugUartTest, ReceiveOverrun) {
    init115200();
    for (int i = 0; i < 17; ++i) uart.receiveByte(static_cast<std::uint8_t>(i));
    EXPECT_EQ(rd(RX_OFFSET), 16u);
    wr(IER, 0x04);  // ELSI
    EXPECT_TRUE(uart.irq.level());
    EXPECT_EQ(rd(IIR), 0x06u);
    EXPECT_EQ(rd(LSR) & (kOe | kDr), kOe | kDr);
    EXPECT_EQ(rd(LSR) & kOe, 0u);  // cleared by the read
    EXPECT_FALSE(uart.irq.level());
    for (int i = 0; i < 16; ++i) EXPECT_EQ(rd(RBR), static_cast<std::uint32_t>(i));  // 16 was lost
    EXPECT_EQ(rd(LSR) & kDr, 0u);
}

TEST_F(DebugUartTest, Loopback) {
    init115200();
    wr(MCR, 0x10 | 0x02);  // LOOP, RTS
    EXPECT_EQ(rd(MSR) & 0xF0, 0x10u);  // RTS looped to CTS
    wr(THR, 'L');
    uart.receiveByte('X');  // the RX pin is disconnected in loopback
    EXPECT_EQ(rd(RX_OFFSET), 0u);
    scheduler.advanceTo(kCharTime115k);
    EXPECT_TRUE(sink.bytes.empty());
    EXPECT_EQ(rd(LSR) & kDr, kDr);
    EXPECT_EQ(rd(RBR), 'L');

    wr(MCR, 0x00);
    EXPECT_EQ(rd(MSR) & 0xF0, 0xB0u);  // the terminal: CTS, DSR, DCD
}

TEST_F(DebugUartTest, UartsChainThroughByteSink) {
    init115200();
    MtkUart other("ISU0-UART", scheduler, log, 0x100);
    uart.tx.connect(&other);
    wr(THR, 'z');
    scheduler.advanceTo(kCharTime115k);
    std::uint32_t v = 0;
    ASSERT_TRUE(other.read(0x68, 4, v));
    EXPECT_EQ(v, 1u);
}

TEST_F(DebugUartTest, ResetClearsEverything) {
    init115200();
    wr(THR, 'a');
    wr(THR, 'b');
    uart.receiveByte('c');
    wr(IER, 0x01);
    EXPECT_TRUE(uart.irq.level());
    uart.reset();
    EXPECT_FALSE(uart.irq.level());
    EXPECT_EQ(rd(LCR), 0u);
    EXPECT_EQ(rd(LSR), kThre | kTemt);
    scheduler.advanceTo(kPicosPerSecond);
    EXPECT_TRUE(sink.bytes.empty());
}

}  // namespace
}  // namespace mt3620
