// M4Dma (reference §4.11): memory-to-memory copies and their virtual time, done/half
// interrupts with GLBSTA and ACKINT, virtual-FIFO TX into an ISU UART at the baud rate with the
// SWPTR/HWPTR wrap bit, virtual-FIFO RX with FFCNT, threshold and timeout interrupts, half-size
// transfers paced by a peripheral handshake or free-running into a FIXADDR register, the
// global registers, and DMA accesses that reach nothing.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bus/PeripheralBus.h"
#include "bus/RamRegion.h"
#include "common/Log.h"
#include "machine/Scheduler.h"
#include "machine/Machine.h"
#include "periph/AdcController.h"
#include "periph/I2cBus.h"
#include "periph/IsuI2c.h"
#include "periph/M4Dma.h"
#include "periph/MtkUart.h"

namespace mt3620 {
namespace {

constexpr std::uint32_t kSysram = 0x2200'0000;
constexpr std::uint32_t kXip = 0x1000'0000;
constexpr std::uint32_t kUartBase = 0x3807'0500;  // ISU0 UART
constexpr std::uint32_t kRegDevBase = 0x3807'0300;  // a word sink standing in for SPI DATAPORT
constexpr std::uint64_t kHclk = 26'000'000;
constexpr Picos kCycle = kPicosPerSecond / kHclk;  // 38461 ps (26 MHz)
constexpr Picos kCharTime = 86'538'461;            // 115200-8-N-1 character (see test_debug_uart)
constexpr Picos cycles(std::uint64_t n) { return cyclesToPicos(n, kHclk); }

// Channel register offset.
constexpr std::uint32_t R(unsigned ch, std::uint32_t off) { return M4Dma::channelBase(ch) + off; }

constexpr std::uint32_t SIZE_BYTE = 0, SIZE_WORD = 2;
constexpr std::uint32_t SINC = M4Dma::kConSinc, DINC = M4Dma::kConDinc, DREQ = M4Dma::kConDreq,
                        ITEN = M4Dma::kConIten, HITEN = M4Dma::kConHiten, TOEN = M4Dma::kConToen,
                        DIR_RX = M4Dma::kConDir;
constexpr std::uint32_t STR = M4Dma::kStartStr;
constexpr std::uint32_t FULL = 1, EMPTY = 2, ALERT = 4;

struct ByteCapture : ByteSink {
    std::string text;
    std::vector<Picos> times;
    void receiveByte(std::uint8_t b, Picos t) override {
        text.push_back(static_cast<char>(b));
        times.push_back(t);
    }
};

/// Records every word written to it: the shape of SPI's DATAPORT.
class WordSink : public MmioDevice {
public:
    WordSink() : MmioDevice("word-sink", 0x100) {}
    bool read(std::uint32_t, unsigned, std::uint32_t& v) override {
        v = 0;
        return true;
    }
    bool write(std::uint32_t offset, unsigned, std::uint32_t v) override {
        if (offset != 0x40) return false;
        words.push_back(v);
        return true;
    }
    std::vector<std::uint32_t> words;
};

class M4DmaTest : public ::testing::Test {
protected:
    M4DmaTest() {
        log.setTimeSource(&scheduler);
        bus.map(kUartBase, uart);
        bus.map(kRegDevBase, sink);
        dma.memory().addRam(sysram, true);
        dma.memory().addRam(xip, false);
        dma.memory().setPeripheralBus(&bus);
        dma.connect(13, uart.dma_tx);
        dma.connect(14, uart.dma_rx);
        uart.tx.connect(&line);
        wr(M4Dma::kChEnSet, 0x3FFF'FFFF);
    }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(dma.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(dma.write(offset, 4, v)) << std::hex << offset; }
    void uartWr(std::uint32_t offset, std::uint32_t v) { ASSERT_TRUE(uart.write(offset, 4, v)); }
    std::uint32_t uartRd(std::uint32_t offset) {
        std::uint32_t v = 0;
        EXPECT_TRUE(uart.read(offset, 4, v));
        return v;
    }
    std::uint8_t* mem(std::uint32_t addr) { return sysram.at(addr); }
    void runFor(Picos d) { scheduler.advanceTo(scheduler.now() + d); }

    void uart115200() {
        for (auto [off, v] : std::initializer_list<std::pair<std::uint32_t, std::uint32_t>>{
                 {0x0C, 0xBF}, {0x08, 0x10}, {0x0C, 0x80}, {0x24, 3}, {0x04, 0}, {0x00, 1},
                 {0x28, 224}, {0x2C, 110}, {0x0C, 0x03}})
            uartWr(off, v);
    }
    /// ISU0 UART in virtual-FIFO mode with the given EXTEND_ADD handshakes (b0 RX, b1 TX).
    void uartDma(std::uint32_t extend_add) {
        uart115200();
        uartWr(MtkUart::kVfifoEn, 1);
        uartWr(MtkUart::kExtendAdd, extend_add);
    }
    void setupRing(unsigned ch, std::uint32_t ring, std::uint32_t size, std::uint32_t con,
                   std::uint32_t threshold = 0) {
        wr(R(ch, M4Dma::kStart), 0);
        wr(R(ch, M4Dma::kPgmAddr), ring);
        wr(R(ch, M4Dma::kFfSize), size);
        wr(R(ch, M4Dma::kCount), threshold);
        wr(R(ch, M4Dma::kFixAddr), kUartBase);
        wr(R(ch, M4Dma::kCon), con);
        wr(R(ch, M4Dma::kSwPtr), 0);
        wr(R(ch, M4Dma::kStart), STR);
    }

    Scheduler scheduler;
    Log log;
    RamRegion sysram{"SYSRAM", kSysram, 64 * 1024};
    RamRegion xip{"XIP", kXip, 4096};
    PeripheralBus bus{CoreId::M4_0, log};
    MtkUart uart{"ISU0", scheduler, log, 0x100};
    WordSink sink;
    ByteCapture line;
    AdcController adc{"ADC-CONTROLLER-0", scheduler, log};
    DmaPort fake_port;
    M4Dma dma{"m4-0.DMA", scheduler, log, [] { return kHclk; }};  // after the ports it serves
};

// --- Memory to memory ------------------------------------------------------------------------

TEST_F(M4DmaTest, MemoryToMemoryCopyTakesOneCyclePerWord) {
    for (unsigned i = 0; i < 800; ++i) mem(kSysram)[i] = static_cast<std::uint8_t>(i * 7 + 1);
    wr(R(12, M4Dma::kSrc), kSysram);
    wr(R(12, M4Dma::kDst), kSysram + 0x1000);
    wr(R(12, M4Dma::kCount), 200);  // 200 words
    wr(R(12, M4Dma::kCon), SIZE_WORD | SINC | DINC | ITEN);
    EXPECT_EQ(rd(M4Dma::kGlbSta0) >> 24 & 3, 0u);
    wr(R(12, M4Dma::kStart), STR);
    EXPECT_EQ(rd(R(12, M4Dma::kStart)), STR);
    EXPECT_EQ(rd(M4Dma::kGlbSta0) >> 24 & 3, 1u);  // channel 12: running, no interrupt
    EXPECT_EQ(rd(R(12, M4Dma::kRlct)), 200u);

    runFor(100 * kCycle);  // one burst of 64 words has landed
    EXPECT_EQ(rd(R(12, M4Dma::kRlct)), 200u - 64u);
    EXPECT_EQ(std::memcmp(mem(kSysram), mem(kSysram + 0x1000), 256), 0);
    EXPECT_NE(std::memcmp(mem(kSysram), mem(kSysram + 0x1000), 800), 0);
    EXPECT_FALSE(dma.irq.level());

    // 200 words at one per 26 MHz cycle: done at 200 cycles, not before.
    scheduler.advanceTo(cyclesToPicos(199, kHclk));
    EXPECT_EQ(rd(R(12, M4Dma::kStart)), STR);
    scheduler.advanceTo(cyclesToPicos(200, kHclk));
    EXPECT_EQ(rd(R(12, M4Dma::kStart)), 0u);
    EXPECT_EQ(std::memcmp(mem(kSysram), mem(kSysram + 0x1000), 800), 0);
    EXPECT_EQ(mem(kSysram + 0x1000)[800], 0);  // not one byte more
    EXPECT_EQ(rd(R(12, M4Dma::kRlct)), 0u);
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), M4Dma::kIntDone);
    EXPECT_EQ(rd(M4Dma::kGlbSta0) >> 24 & 3, 2u);  // stopped, interrupt pending
    EXPECT_TRUE(dma.irq.level());

    wr(R(12, M4Dma::kAckInt), M4Dma::kIntDone);
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), 0u);
    EXPECT_EQ(rd(M4Dma::kGlbSta0) >> 24 & 3, 0u);
    EXPECT_FALSE(dma.irq.level());
}

TEST_F(M4DmaTest, CopyFollowsTheCoreClockAndSizeAndIncrementBits) {
    // Bytes with a fixed source: a memset. No ITEN: done without an interrupt.
    mem(kSysram)[0] = 0x5A;
    wr(R(12, M4Dma::kSrc), kSysram);
    wr(R(12, M4Dma::kDst), kSysram + 0x100);
    wr(R(12, M4Dma::kCount), 10);
    wr(R(12, M4Dma::kCon), SIZE_BYTE | DINC);
    wr(R(12, M4Dma::kStart), STR);
    runFor(cycles(10));
    EXPECT_EQ(rd(R(12, M4Dma::kStart)), 0u);
    for (unsigned i = 0; i < 10; ++i) EXPECT_EQ(mem(kSysram + 0x100)[i], 0x5A) << i;
    EXPECT_EQ(mem(kSysram + 0x100)[10], 0);
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), 0u);
    EXPECT_FALSE(dma.irq.level());
}

TEST_F(M4DmaTest, HalfInterruptAtHalfTheCount) {
    wr(R(12, M4Dma::kSrc), kSysram);
    wr(R(12, M4Dma::kDst), kSysram + 0x1000);
    wr(R(12, M4Dma::kCount), 256);
    wr(R(12, M4Dma::kCon), SIZE_BYTE | SINC | DINC | HITEN | ITEN);
    wr(R(12, M4Dma::kStart), STR);
    runFor(cycles(64));
    EXPECT_EQ(rd(R(12, M4Dma::kRlct)), 192u);
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), 0u);
    runFor(cycles(64));  // 128 of 256
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), M4Dma::kIntHalf);
    EXPECT_TRUE(dma.irq.level());
    wr(R(12, M4Dma::kAckInt), M4Dma::kIntHalf);
    EXPECT_FALSE(dma.irq.level());
    runFor(200 * kCycle);
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), M4Dma::kIntDone);
}

// --- Bad addresses ---------------------------------------------------------------------------

TEST_F(M4DmaTest, AccessToNothingStopsTheChannelWithoutCrashing) {
    wr(R(12, M4Dma::kSrc), 0x5000'0000);  // nothing there
    wr(R(12, M4Dma::kDst), kSysram);
    wr(R(12, M4Dma::kCount), 16);
    wr(R(12, M4Dma::kCon), SIZE_WORD | SINC | DINC | ITEN);
    wr(R(12, M4Dma::kStart), STR);
    runFor(100 * kCycle);
    EXPECT_TRUE(dma.channelFaulted(12));
    EXPECT_EQ(rd(R(12, M4Dma::kStart)), 0u);
    EXPECT_EQ(rd(R(12, M4Dma::kRlct)), 16u);  // nothing moved
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), 0u);  // no "done"
    EXPECT_EQ(rd(M4Dma::kGlbSta0) >> 24 & 3, 0u);

    // A write into the read-only flash window and one that runs off the end of SYSRAM.
    wr(R(12, M4Dma::kSrc), kSysram);
    wr(R(12, M4Dma::kDst), kXip);
    wr(R(12, M4Dma::kStart), STR);
    EXPECT_FALSE(dma.channelFaulted(12));  // restarting clears the fault
    runFor(100 * kCycle);
    EXPECT_TRUE(dma.channelFaulted(12));
    EXPECT_EQ(xip.data()[0], 0);

    wr(R(12, M4Dma::kDst), kSysram + 64 * 1024 - 8);
    wr(R(12, M4Dma::kStart), STR);
    runFor(100 * kCycle);
    EXPECT_TRUE(dma.channelFaulted(12));
    EXPECT_EQ(rd(R(12, M4Dma::kRlct)), 14u);  // two words fitted
    // A register block that does not implement the FIXADDR offset is a failed access too.
    wr(R(2, M4Dma::kPgmAddr), kSysram);
    wr(R(2, M4Dma::kFixAddr), kRegDevBase + 0x44);
    wr(R(2, M4Dma::kCount), 4);
    wr(R(2, M4Dma::kCon), SIZE_WORD | SINC);
    wr(R(2, M4Dma::kStart), STR);
    runFor(100 * kCycle);
    EXPECT_TRUE(dma.channelFaulted(2));
    EXPECT_TRUE(sink.words.empty());
}

// --- Half-size channels ----------------------------------------------------------------------

TEST_F(M4DmaTest, HalfSizeStreamsWordsIntoAFixedRegister) {
    // The SPI driver's shape: an 11-word block, size 2, SINC, DREQ 0, FIXADDR = DATAPORT.
    for (std::uint32_t i = 0; i < 11; ++i) {
        std::uint32_t w = 0x1000'0000u + i;
        std::memcpy(mem(kSysram + 0x200 + 4 * i), &w, 4);
    }
    wr(R(2, M4Dma::kPgmAddr), kSysram + 0x200);
    wr(R(2, M4Dma::kFixAddr), kRegDevBase + 0x40);
    wr(R(2, M4Dma::kCount), 11);
    wr(R(2, M4Dma::kCon), SIZE_WORD | SINC | ITEN);
    wr(R(2, M4Dma::kStart), STR);
    const Picos t0 = scheduler.now();
    runFor(cycles(10));
    EXPECT_TRUE(sink.words.empty());
    scheduler.advanceTo(t0 + cycles(11));
    ASSERT_EQ(sink.words.size(), 11u);
    for (std::uint32_t i = 0; i < 11; ++i) EXPECT_EQ(sink.words[i], 0x1000'0000u + i);
    EXPECT_EQ(rd(R(2, M4Dma::kIntSta)), M4Dma::kIntDone);
    EXPECT_EQ(rd(M4Dma::kGlbSta0), 2u << 4);  // channel 2 interrupt pending (bit 5)
}

TEST_F(M4DmaTest, HalfSizeHandshakeIsPacedByThePeripheral) {
    // A peripheral with a 4-byte RX FIFO that the test fills (I2C master reads, for instance).
    DmaPort& port = fake_port;
    std::vector<std::uint8_t> fifo;
    port.ready = [&] { return !fifo.empty(); };
    port.pop = [&] {
        std::uint8_t b = fifo.front();
        fifo.erase(fifo.begin());
        return std::uint32_t{b};
    };
    dma.connect(1, port);
    wr(R(1, M4Dma::kPgmAddr), kSysram + 0x300);
    wr(R(1, M4Dma::kCount), 6);
    wr(R(1, M4Dma::kCon), SIZE_BYTE | DINC | DREQ | DIR_RX | ITEN);
    wr(R(1, M4Dma::kStart), STR);
    runFor(50 * kCycle);
    EXPECT_EQ(rd(R(1, M4Dma::kRlct)), 6u);  // no data, no progress
    fifo = {'a', 'b', 'c', 'd'};
    port.request();
    runFor(kCycle);
    EXPECT_EQ(rd(R(1, M4Dma::kRlct)), 2u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem(kSysram + 0x300)), 4), "abcd");
    EXPECT_EQ(rd(R(1, M4Dma::kIntSta)), 0u);
    fifo = {'e', 'f', 'g'};
    port.request();
    runFor(kCycle);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem(kSysram + 0x300)), 7), std::string("abcdef\0", 7));
    EXPECT_EQ(fifo.size(), 1u);  // the channel took exactly COUNT units
    EXPECT_EQ(rd(R(1, M4Dma::kIntSta)), M4Dma::kIntDone);
    EXPECT_EQ(rd(R(1, M4Dma::kStart)), 0u);
}

TEST_F(M4DmaTest, HandshakeChannelWithoutAPeripheralWaits) {
    wr(R(0, M4Dma::kPgmAddr), kSysram);
    wr(R(0, M4Dma::kFixAddr), kRegDevBase + 0x40);
    wr(R(0, M4Dma::kCount), 4);
    wr(R(0, M4Dma::kCon), SIZE_WORD | SINC | DREQ);
    wr(R(0, M4Dma::kStart), STR);
    runFor(1000 * kCycle);
    EXPECT_TRUE(dma.channelRunning(0));
    EXPECT_EQ(rd(R(0, M4Dma::kRlct)), 4u);
    EXPECT_TRUE(sink.words.empty());
    wr(R(0, M4Dma::kStart), 0);
    EXPECT_FALSE(dma.channelRunning(0));
}

// --- Virtual FIFO TX into the UART -----------------------------------------------------------

TEST_F(M4DmaTest, VffTxDrainsIntoTheUartAtTheBaudRateAcrossTheWrap) {
    uartDma(0x2);
    const std::uint32_t ring = kSysram + 0x400;
    setupRing(13, ring, 16, SIZE_BYTE | DREQ);
    EXPECT_EQ(rd(R(13, M4Dma::kFfSta)) & (FULL | EMPTY), EMPTY);

    std::memcpy(mem(ring), "0123456789", 10);
    const Picos t0 = scheduler.now();
    wr(R(13, M4Dma::kSwPtr), 10);
    EXPECT_EQ(rd(R(13, M4Dma::kFfCnt)), 10u);
    runFor(kCycle);
    // Shifter + 16-byte FIFO take everything at once; the ring is empty again.
    EXPECT_EQ(rd(R(13, M4Dma::kHwPtr)), 10u);
    EXPECT_EQ(rd(R(13, M4Dma::kFfCnt)), 0u);
    EXPECT_EQ(uartRd(MtkUart::kTxOffset), 9u);

    // Next chunk wraps: offsets 10..15 then 0..9 (20 bytes, more than the UART can buffer).
    std::memcpy(mem(ring + 10), "ABCDEF", 6);
    std::memcpy(mem(ring), "GHIJKLMNOP", 10);
    wr(R(13, M4Dma::kSwPtr), M4Dma::kPtrWrap | 10);
    EXPECT_EQ(rd(R(13, M4Dma::kFfCnt)), 16u);
    EXPECT_EQ(rd(R(13, M4Dma::kFfSta)) & (FULL | EMPTY), FULL);
    runFor(kCycle);
    EXPECT_EQ(rd(R(13, M4Dma::kFfCnt)), 9u);  // 7 more fitted into the UART FIFO

    runFor(40 * kCharTime);
    EXPECT_EQ(line.text, "0123456789ABCDEFGHIJKLMNOP");
    EXPECT_EQ(rd(R(13, M4Dma::kHwPtr)), M4Dma::kPtrWrap | 10u);
    EXPECT_EQ(rd(R(13, M4Dma::kFfSta)) & (FULL | EMPTY), EMPTY);
    // Back to back at the baud rate: the DMA never lets the line go idle.
    ASSERT_EQ(line.times.size(), 26u);
    EXPECT_EQ(line.times[0], t0 + kCycle + kCharTime);  // one bus cycle to answer the request
    for (std::size_t i = 1; i < line.times.size(); ++i) EXPECT_EQ(line.times[i] - line.times[i - 1], kCharTime) << i;
}

TEST_F(M4DmaTest, VffTxWaitsForTheUartHandshake) {
    uartDma(0x0);  // VFIFO mode but the TX handshake is off
    const std::uint32_t ring = kSysram + 0x400;
    setupRing(13, ring, 16, SIZE_BYTE | DREQ | ITEN, /*threshold=*/0);
    std::memcpy(mem(ring), "hi", 2);
    wr(R(13, M4Dma::kSwPtr), 2);
    runFor(20 * kCharTime);
    EXPECT_EQ(line.text, "");
    EXPECT_EQ(rd(R(13, M4Dma::kFfCnt)), 2u);
    uartWr(MtkUart::kExtendAdd, 0x2);  // enabling it raises the request
    runFor(3 * kCharTime);
    EXPECT_EQ(line.text, "hi");
    // ITEN with threshold 0: interrupt once the ring drained completely.
    EXPECT_EQ(rd(R(13, M4Dma::kIntSta)), M4Dma::kIntDone);
    EXPECT_EQ(rd(M4Dma::kGlbSta0) >> 26 & 3, 3u);  // channel 13: running + interrupt
}

TEST_F(M4DmaTest, VffTxWiredToTheUartIsPacedEvenWithoutDreq) {
    uartDma(0x2);
    const std::uint32_t ring = kSysram + 0x400;
    setupRing(13, ring, 64, SIZE_BYTE);  // DREQ 0, as one variant of Codethink's driver does
    std::memcpy(mem(ring), "0123456789abcdefghijklmnopqrstuvwxyz", 36);
    wr(R(13, M4Dma::kSwPtr), 36);
    runFor(40 * kCharTime);
    EXPECT_EQ(line.text, "0123456789abcdefghijklmnopqrstuvwxyz");  // no TX FIFO overflow
}

// --- Virtual FIFO RX from the UART -----------------------------------------------------------

TEST_F(M4DmaTest, VffRxFillsTheRingWithThresholdAndTimeoutInterrupts) {
    uartDma(0x1);
    const std::uint32_t ring = kSysram + 0x800;
    // 8-byte ring, interrupt at 4 bytes, timeout after 26000 ticks (1 ms).
    wr(R(14, M4Dma::kTo), 26000);
    setupRing(14, ring, 8, SIZE_BYTE | DREQ | DIR_RX | ITEN | TOEN, /*threshold=*/4);
    auto feed = [&](const std::string& s) {
        for (char c : s) {
            uart.receiveByte(static_cast<std::uint8_t>(c));
            runFor(kCharTime);
        }
    };
    feed("abc");
    EXPECT_EQ(rd(R(14, M4Dma::kFfCnt)), 3u);
    EXPECT_EQ(rd(R(14, M4Dma::kHwPtr)), 3u);
    EXPECT_EQ(uartRd(MtkUart::kRxOffset), 0u);  // the DMA emptied the UART's FIFO
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem(ring)), 3), "abc");
    EXPECT_EQ(rd(R(14, M4Dma::kIntSta)), 0u);
    EXPECT_FALSE(dma.irq.level());

    // No more bytes: the timeout fires 1 ms after the last one.
    runFor(kPicosPerMilli - 2 * kCharTime);
    EXPECT_EQ(rd(R(14, M4Dma::kIntSta)), 0u);
    runFor(2 * kCharTime);
    EXPECT_EQ(rd(R(14, M4Dma::kIntSta)), M4Dma::kIntTimeout);
    EXPECT_EQ(rd(M4Dma::kGlbSta0) >> 28 & 3, 3u);  // channel 14: running + interrupt
    EXPECT_TRUE(dma.irq.level());
    wr(R(14, M4Dma::kAckInt), M4Dma::kIntTimeout);
    EXPECT_FALSE(dma.irq.level());

    feed("d");  // 4 bytes: threshold
    EXPECT_EQ(rd(R(14, M4Dma::kIntSta)), M4Dma::kIntDone);
    wr(R(14, M4Dma::kAckInt), M4Dma::kIntDone);

    // Firmware consumes 4 bytes.
    wr(R(14, M4Dma::kSwPtr), 4);
    EXPECT_EQ(rd(R(14, M4Dma::kFfCnt)), 0u);
    EXPECT_EQ(rd(R(14, M4Dma::kFfSta)) & (FULL | EMPTY), EMPTY);

    // 10 more bytes: the ring (8) fills across its end; 2 wait in the UART FIFO.
    feed("efghijklmn");
    EXPECT_EQ(rd(R(14, M4Dma::kFfCnt)), 8u);
    EXPECT_EQ(rd(R(14, M4Dma::kFfSta)) & (FULL | EMPTY), FULL);
    EXPECT_EQ(rd(R(14, M4Dma::kHwPtr)), M4Dma::kPtrWrap | 4u);
    EXPECT_EQ(uartRd(MtkUart::kRxOffset), 2u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem(ring)), 8), "ijklefgh");
    EXPECT_EQ(rd(R(14, M4Dma::kIntSta)), M4Dma::kIntDone);

    // Freeing space lets the waiting bytes in.
    wr(R(14, M4Dma::kSwPtr), M4Dma::kPtrWrap | 0);  // consumed e..h
    runFor(kCycle);
    EXPECT_EQ(rd(R(14, M4Dma::kFfCnt)), 6u);
    EXPECT_EQ(uartRd(MtkUart::kRxOffset), 0u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem(ring)), 6), "ijklmn");
    EXPECT_EQ(rd(R(14, M4Dma::kHwPtr)), M4Dma::kPtrWrap | 6u);
    EXPECT_EQ(uartRd(0x14) & 0x02, 0u);  // no overrun
}

TEST_F(M4DmaTest, VffAlertAndUartOverrunWhenTheRingStaysFull) {
    uartDma(0x1);
    const std::uint32_t ring = kSysram + 0x800;
    wr(R(14, M4Dma::kAltLen), 2);
    setupRing(14, ring, 4, SIZE_BYTE | DREQ | DIR_RX);
    EXPECT_EQ(rd(R(14, M4Dma::kFfSta)), EMPTY);
    for (int i = 0; i < 2; ++i) uart.receiveByte('x'), runFor(kCharTime);
    EXPECT_EQ(rd(R(14, M4Dma::kFfSta)), ALERT);  // 2 bytes of space left
    for (int i = 0; i < 2 + 16 + 1; ++i) uart.receiveByte('y'), runFor(kCharTime);
    EXPECT_EQ(rd(R(14, M4Dma::kFfSta)), FULL | ALERT);
    EXPECT_EQ(uartRd(MtkUart::kRxOffset), 16u);
    EXPECT_EQ(uartRd(0x14) & 0x02, 0x02u);  // LSR.OE: firmware too slow, the UART overran
}

// --- ADC virtual FIFO (channel 29) ----------------------------------------------------------

TEST_F(M4DmaTest, AdcSamplesFlowIntoTheChannel29Ring) {
    adc.setChannelSource(0, [](Picos) { return 1.25; });
    dma.connect(29, adc.dma_rx);
    const std::uint32_t ring = kSysram + 0xC00;
    // Words, 8-entry ring, interrupt at 4 entries.
    wr(R(29, M4Dma::kPgmAddr), ring);
    wr(R(29, M4Dma::kFfSize), 8);
    wr(R(29, M4Dma::kCount), 4);
    wr(R(29, M4Dma::kFixAddr), 0x3800'0200);
    wr(R(29, M4Dma::kCon), SIZE_WORD | DREQ | DIR_RX | ITEN);
    wr(R(29, M4Dma::kStart), STR);
    ASSERT_TRUE(adc.write(AdcController::kFifoDmaEn, 4, 1));
    // Periodic scans of channel 0 every 100 clocks (50 us).
    ASSERT_TRUE(adc.write(0x004, 4, 99));
    ASSERT_TRUE(adc.write(0x000, 4, (1u << 16) | (20u << 9) | (8u << 4) | (1u << 8) | 1u));
    runFor(60 * kPicosPerMicro);
    EXPECT_EQ(rd(R(29, M4Dma::kFfCnt)), 1u);
    EXPECT_EQ(adc.fifoCount(), 0u);  // the DMA took it
    std::uint32_t entry = 0;
    std::memcpy(&entry, mem(ring), 4);
    EXPECT_EQ(entry, (2048u << 4) | 0u);  // 1.25 V of 2.5 V on channel 0
    EXPECT_EQ(rd(R(29, M4Dma::kIntSta)), 0u);
    runFor(150 * kPicosPerMicro);
    EXPECT_EQ(rd(R(29, M4Dma::kFfCnt)), 4u);
    EXPECT_EQ(rd(R(29, M4Dma::kHwPtr)), 16u);  // byte offset
    EXPECT_EQ(rd(R(29, M4Dma::kIntSta)), M4Dma::kIntDone);
    EXPECT_EQ(rd(M4Dma::kGlbSta1) >> 26 & 3, 3u);
}

// --- ISU I2C through the machine's wiring (channels 2n / 2n + 1) ----------------------------

TEST(M4DmaMachine, I2cWriteThenReadMovesThroughTheHalfSizeChannels) {
    // A target whose first written byte selects a register; reads go on from there.
    struct Target : I2cTarget {
        std::uint8_t regs[256] = {};
        std::uint8_t pointer = 0;
        bool pointer_next = true;
        bool start(bool) override {
            pointer_next = true;
            return true;
        }
        bool write(std::uint8_t b) override {
            if (pointer_next) pointer = b;
            else regs[pointer++] = b;
            pointer_next = false;
            return true;
        }
        std::uint8_t read(bool) override { return regs[pointer++]; }
        void stop() override {}
    } target;
    for (int i = 0; i < 256; ++i) target.regs[i] = static_cast<std::uint8_t>(i ^ 0x5A);

    Machine m;
    IsuI2c& i2c = *m.shared().isu_i2c[2];
    ASSERT_TRUE(i2c.bus.attach(0x6A, &target));
    M4Dma& dma = *m.m4(CoreId::M4_0).dma;
    RamRegion& sysram = m.m4(CoreId::M4_0).sysram;
    auto dwr = [&](std::uint32_t off, std::uint32_t v) { ASSERT_TRUE(dma.write(off, 4, v)); };
    auto iwr = [&](std::uint32_t off, std::uint32_t v) { ASSERT_TRUE(i2c.write(off, 4, v)); };

    sysram.at(kSysram)[0] = 0x10;  // register pointer
    dwr(R(4, M4Dma::kPgmAddr), kSysram);
    dwr(R(4, M4Dma::kCount), 1);
    dwr(R(4, M4Dma::kCon), SIZE_BYTE | SINC | DREQ);
    dwr(R(4, M4Dma::kStart), STR);
    dwr(R(5, M4Dma::kPgmAddr), kSysram + 0x100);
    dwr(R(5, M4Dma::kCount), 10);
    dwr(R(5, M4Dma::kCon), SIZE_BYTE | DINC | DREQ | DIR_RX | ITEN);
    dwr(R(5, M4Dma::kStart), STR);

    // The drivers' sequence (reference 4.5) with the DMA handshake: write 1 byte, read 10.
    iwr(IsuI2c::kCntValPhl, (16u << 8) | 16u);
    iwr(IsuI2c::kCntValPhh, (17u << 8) | 16u);
    iwr(IsuI2c::kDmaCon0, IsuI2c::kDmaHandshakeEn);
    iwr(IsuI2c::kCon0, IsuI2c::kMasterEn | IsuI2c::kGmode);
    iwr(IsuI2c::kIdCon0, 0x6A);
    iwr(IsuI2c::kPackCon0, (1u << 4) | 0x2);
    iwr(IsuI2c::kCntByteValPk0, 1);
    iwr(IsuI2c::kCntByteValPk1, 10);
    iwr(IsuI2c::kIntCtrl, IsuI2c::kMmIntEn);
    iwr(IsuI2c::kCon0, IsuI2c::kMasterEn | IsuI2c::kGmode | IsuI2c::kStartEn);

    m.scheduler().advanceTo(m.now() + 2 * kPicosPerMilli);
    EXPECT_FALSE(i2c.busy());
    EXPECT_FALSE(dma.channelRunning(4));
    EXPECT_FALSE(dma.channelRunning(5));
    for (int i = 0; i < 10; ++i) EXPECT_EQ(sysram.at(kSysram + 0x100)[i], (0x10 + i) ^ 0x5A) << i;
    EXPECT_EQ(sysram.at(kSysram + 0x100)[10], 0);
    std::uint32_t intsta = 0;
    ASSERT_TRUE(dma.read(R(5, M4Dma::kIntSta), 4, intsta));
    EXPECT_EQ(intsta, M4Dma::kIntDone);
    EXPECT_TRUE(dma.irq.level());
    // The other core's DMA saw the same requests but never ran a channel: nothing moved there.
    EXPECT_FALSE(m.m4(CoreId::M4_1).dma->irq.level());
}

// --- Global registers ------------------------------------------------------------------------

TEST_F(M4DmaTest, GlobalEnablePauseResetAndSecondStatusWord) {
    wr(M4Dma::kChEnClr, 0x3FFF'FFFF);
    EXPECT_EQ(rd(M4Dma::kChEn), 0u);
    wr(M4Dma::kChEnSet, 1u << 12);
    EXPECT_EQ(rd(M4Dma::kChEn), 1u << 12);
    EXPECT_EQ(rd(M4Dma::kChEnSet), 1u << 12);
    EXPECT_EQ(rd(M4Dma::kChEnClr), 0u);

    // A VFF channel above 15 reports in GLBSTA1.
    wr(R(29, M4Dma::kFfSize), 32);
    wr(R(29, M4Dma::kCon), SIZE_WORD | DREQ | DIR_RX);
    wr(R(29, M4Dma::kStart), STR);
    EXPECT_EQ(rd(M4Dma::kGlbSta1), 1u << 26);  // (29 - 16) * 2
    EXPECT_EQ(rd(M4Dma::kGlbSta0), 0u);

    // Pause holds a copy; resuming finishes it.
    wr(R(12, M4Dma::kSrc), kSysram);
    wr(R(12, M4Dma::kDst), kSysram + 0x1000);
    wr(R(12, M4Dma::kCount), 128);
    wr(R(12, M4Dma::kCon), SIZE_BYTE | SINC | DINC | ITEN);
    wr(R(12, M4Dma::kStart), STR);
    runFor(cycles(64));
    wr(M4Dma::kGlbPause, 1u << 12);
    EXPECT_EQ(rd(M4Dma::kGlbStaPause), 1u << 12);
    runFor(1000 * kCycle);
    EXPECT_EQ(rd(R(12, M4Dma::kRlct)), 64u);
    wr(M4Dma::kGlbPause, 0);
    runFor(cycles(64));
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), M4Dma::kIntDone);

    // CH_RST is active low: clearing channel 12's bit resets it (MediaTek clears, then sets).
    wr(M4Dma::kChRst, 0x3FFF'FFFF & ~(1u << 12));
    wr(M4Dma::kChRst, 0x3FFF'FFFF);
    EXPECT_EQ(rd(R(12, M4Dma::kIntSta)), 0u);
    EXPECT_EQ(rd(R(12, M4Dma::kCount)), 0u);
    EXPECT_EQ(rd(R(29, M4Dma::kFfSize)), 32u);  // other channels keep their set-up
    EXPECT_TRUE(dma.channelRunning(29));
    // GLO_CON.SW_RESET (b0, active low) resets every channel.
    wr(M4Dma::kGloCon, 0);
    wr(M4Dma::kGloCon, 1);
    EXPECT_FALSE(dma.channelRunning(29));
    EXPECT_EQ(rd(R(29, M4Dma::kFfSize)), 0u);
    EXPECT_FALSE(dma.irq.level());
}

}  // namespace
}  // namespace mt3620
