// IsuI2c: the ISU I2C master programmed the way MediaTek's and Codethink's drivers do
// (reference §4.5): write, read, write-then-read, address NACK on an absent address, data NACK,
// FIFO status and pointers, the completion interrupt after the transfer's virtual time, and the
// DMA request lines.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/IsuI2c.h"

namespace mt3620 {
namespace {

using R = IsuI2c;

/// Records the level of each line it is connected to.
struct Levels : IrqController {
    void setIrqLevel(unsigned irq, bool level) override { level_[irq] = level; }
    bool operator[](unsigned irq) const {
        auto it = level_.find(irq);
        return it != level_.end() && it->second;
    }
    std::map<unsigned, bool> level_;
};

/// Counts a DmaPort's requests, as a DMA channel would notice them.
struct RequestCounter : DmaPort::Listener {
    void dmaRequested() override { ++count; }
    unsigned count = 0;
};

/// A target with a register pointer: the first written byte selects the register, then reads
/// and writes go on from there. Records every bus event.
struct RegisterTarget : I2cTarget {
    bool start(bool read) override {
        events.push_back(read ? "S+R" : "S+W");
        first_write = true;
        return ack_address;
    }
    bool write(std::uint8_t byte) override {
        events.push_back("W" + std::to_string(byte));
        if (first_write) pointer = byte;
        else regs[pointer++] = byte;
        first_write = false;
        return written++ < nack_after;
    }
    std::uint8_t read(bool last) override {
        events.push_back(last ? "R!" : "R");
        return regs[pointer++];
    }
    void stop() override { events.push_back("P"); }

    std::uint8_t regs[256] = {};
    std::uint8_t pointer = 0;
    bool first_write = true;
    bool ack_address = true;
    unsigned written = 0;
    unsigned nack_after = 1000;
    std::vector<std::string> events;
};

class IsuI2cTest : public ::testing::Test {
protected:
    IsuI2cTest() {
        log.setTimeSource(&scheduler);
        i2c.irq.connect(&lines, 52);
        i2c.dma_tx.addListener(&tx_requests);
        i2c.dma_rx.addListener(&rx_requests);
        EXPECT_TRUE(i2c.bus.attach(0x6A, &target));
        for (int i = 0; i < 256; ++i) target.regs[i] = static_cast<std::uint8_t>(0xA0 + i);
    }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(i2c.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(i2c.write(offset, 4, v)) << std::hex << offset; }
    void advance(Picos t) { scheduler.advanceTo(scheduler.now() + t); }

    /// 400 kHz as Codethink's driver programs it: period 65 ticks split over four phases.
    void setSpeed400k() {
        wr(R::kCntValPhl, (16u << 8) | 16u);
        wr(R::kCntValPhh, (17u << 8) | 16u);
    }
    /// The driver sequence up to (not including) START_EN (reference §4.5 steps 1-5).
    void program(std::uint8_t address, std::vector<std::pair<bool, std::uint32_t>> packets) {
        EXPECT_TRUE(rd(R::kStatus) & R::kStartReady);
        wr(R::kCon0, R::kMasterEn | R::kGmode);
        wr(R::kIdCon0, address);
        std::uint32_t pack = static_cast<std::uint32_t>(packets.size() - 1) << 4;
        for (std::size_t p = 0; p < packets.size(); ++p) {
            if (packets[p].first) pack |= 1u << p;
            wr(R::kCntByteValPk0 + 4 * static_cast<std::uint32_t>(p), packets[p].second);
        }
        wr(R::kPackCon0, pack);
        wr(R::kIntCtrl, R::kMmIntEn);
    }
    void start() { wr(R::kCon0, rd(R::kCon0) | R::kStartEn); }

    static constexpr Picos kByte400k = 22'500'000;  // 9 clocks of 65 / 26 MHz = 22.5 us

    Scheduler scheduler;
    Log log;
    IsuI2c i2c{"ISU2", scheduler, log};
    Levels lines;
    RequestCounter tx_requests, rx_requests;
    RegisterTarget target;
};

TEST_F(IsuI2cTest, IdleStateIsWhatTheDriversCheck) {
    EXPECT_EQ(rd(R::kStatus), R::kStartReady);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);  // MTK compares with 0x11
    EXPECT_EQ(rd(R::kFifoPtr), 0u);
    EXPECT_EQ(rd(R::kAckVal), 0u);
    EXPECT_EQ(rd(R::kIntCtrl), 0u);
    EXPECT_EQ(rd(R::kSFifoStatus), 0x11u);
    EXPECT_EQ(i2c.name(), "ISU2-I2C");
    EXPECT_EQ(i2c.bus.name(), "ISU2");
    EXPECT_FALSE(lines[52]);
}

TEST_F(IsuI2cTest, AbsentAddressIsNackedAfterTheAddressByte) {
    setSpeed400k();
    program(0x50, {{false, 1}});
    wr(R::kFifoData, 0x0F);
    start();
    EXPECT_EQ(rd(R::kStatus), R::kBusBusy) << "busy, not ready, while the address byte is on the wire";
    EXPECT_EQ(rd(R::kCon0) & R::kStartEn, R::kStartEn);
    advance(kByte400k - 1);
    EXPECT_FALSE(lines[52]);
    advance(1);
    EXPECT_TRUE(lines[52]);
    EXPECT_EQ(rd(R::kIntCtrl) & R::kMmIntSta, R::kMmIntSta);
    // Codethink: mm_ack_id & 1 -> address NACK; MediaTek: ID ACK bits b[10:8] per packet.
    EXPECT_EQ(rd(R::kAckVal), 1u << 8);
    EXPECT_EQ(rd(R::kStatus), R::kStartReady);
    EXPECT_EQ(rd(R::kCon0) & R::kStartEn, 0u);
    // The write byte never left: the ISR sees it and clears the TX FIFO.
    EXPECT_EQ(rd(R::kFifoStatus) & R::kTxEmpty, 0u);
    wr(R::kFifoCon0, R::kTxFifoClear | R::kRxFifoClear);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);
    // W1C clears the status and the interrupt.
    wr(R::kIntCtrl, R::kMmIntEn | R::kMmIntSta);
    EXPECT_EQ(rd(R::kIntCtrl), R::kMmIntEn);
    EXPECT_FALSE(lines[52]);
    EXPECT_TRUE(target.events.empty()) << "the target at 0x6A saw nothing";
}

TEST_F(IsuI2cTest, PresentTargetThatRefusesItsAddressIsNackedAndSeesTheStop) {
    target.ack_address = false;
    program(0x6A, {{true, 2}});
    start();
    advance(kPicosPerMilli);
    EXPECT_EQ(rd(R::kAckVal), 1u << 8);
    EXPECT_EQ((std::vector<std::string>{"S+R", "P"}), target.events);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);
}

TEST_F(IsuI2cTest, WriteTakesNineClocksPerByteIncludingTheAddress) {
    setSpeed400k();
    program(0x6A, {{false, 3}});
    for (std::uint8_t b : {0x10, 0x60, 0x04}) wr(R::kFifoData, b);
    EXPECT_EQ(rd(R::kFifoPtr), 3u << 12);
    start();
    advance(4 * kByte400k - 1);
    EXPECT_FALSE(lines[52]);
    EXPECT_EQ(rd(R::kStatus), R::kBusBusy);
    advance(1);
    EXPECT_TRUE(lines[52]);
    EXPECT_EQ(rd(R::kAckVal), 0u);
    EXPECT_EQ((std::vector<std::string>{"S+W", "W16", "W96", "W4", "P"}), target.events);
    EXPECT_EQ(target.regs[0x10], 0x60);
    EXPECT_EQ(target.regs[0x11], 0x04);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);
    EXPECT_EQ(rd(R::kFifoPtr), (3u << 12) | (3u << 8)) << "TX read and write pointers both at 3";
}

TEST_F(IsuI2cTest, ClockSyncAndDeglitchLengthenTheSclPeriod) {
    // MediaTek's 400 kHz: CLK_SYNC_EN (+2 ticks) and DE_CNT 1 (+5 ticks) taken off phase 1.
    wr(R::kPadCon0, R::kClkSyncEn | 1u);
    wr(R::kCntValPhl, (9u << 8) | 16u);
    wr(R::kCntValPhh, (17u << 8) | 16u);
    EXPECT_EQ(i2c.sclTicks(), 65u);
    program(0x6A, {{true, 1}});
    start();
    advance(2 * kByte400k - 1);
    EXPECT_FALSE(lines[52]);
    advance(1);
    EXPECT_TRUE(lines[52]);
    // Codethink's 400 kHz phases (65 ticks) with CLK_SYNC_EN set and no compensation: 67 ticks.
    wr(R::kPadCon0, R::kClkSyncEn);
    setSpeed400k();
    EXPECT_EQ(i2c.sclTicks(), 67u);
    EXPECT_EQ(i2c.sclPeriod(), cyclesToPicos(67, 26'000'000));
}

TEST_F(IsuI2cTest, WriteBytesLeaveTheFifoAsTheyGoOnTheWire) {
    setSpeed400k();
    program(0x6A, {{false, 2}});
    wr(R::kFifoData, 0x20);
    wr(R::kFifoData, 0x21);
    start();
    advance(kByte400k);  // address byte done, first data byte taken
    EXPECT_EQ((rd(R::kFifoPtr) >> 8) & 0xF, 1u);
    advance(kByte400k);
    EXPECT_EQ((rd(R::kFifoPtr) >> 8) & 0xF, 2u);
    EXPECT_EQ(rd(R::kFifoStatus) & R::kTxEmpty, R::kTxEmpty);
}

TEST_F(IsuI2cTest, ReadFillsTheRxFifoAndThePointersGiveTheCount) {
    program(0x6A, {{true, 8}});
    start();
    advance(kPicosPerMilli);  // 9 bytes at the default 100 kHz: 810 us
    EXPECT_TRUE(lines[52]);
    EXPECT_EQ(rd(R::kAckVal), 0u);
    // 8 bytes: RX wptr 8, rptr 0 (MediaTek: count = wptr - rptr must equal the length).
    EXPECT_EQ(rd(R::kFifoPtr), 8u << 4);
    EXPECT_EQ(rd(R::kFifoStatus), R::kRxFull | R::kTxEmpty);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(rd(R::kFifoData), 0xA0u + i) << i;
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);
    EXPECT_EQ(rd(R::kFifoPtr), (8u << 4) | 8u);
    // One pop too many: RX underrun, sticky until the FIFO is cleared.
    EXPECT_EQ(rd(R::kFifoData), 0u);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u | R::kRxUnderrun);
    wr(R::kFifoCon0, R::kRxFifoClear);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);
    EXPECT_EQ(rd(R::kFifoPtr), 0u);
    std::vector<std::string> expected{"S+R", "R", "R", "R", "R", "R", "R", "R", "R!", "P"};
    EXPECT_EQ(expected, target.events);
}

TEST_F(IsuI2cTest, WriteThenReadUsesARepeatedStart) {
    setSpeed400k();
    target.regs[0x0F] = 0x69;
    program(0x6A, {{false, 1}, {true, 1}});
    wr(R::kFifoData, 0x0F);
    start();
    advance(4 * kByte400k - 1);  // address + register, address + data
    EXPECT_FALSE(lines[52]);
    advance(1);
    EXPECT_TRUE(lines[52]);
    EXPECT_EQ((std::vector<std::string>{"S+W", "W15", "S+R", "R!", "P"}), target.events);
    EXPECT_EQ(rd(R::kFifoData), 0x69u);
    EXPECT_EQ(rd(R::kAckVal), 0u);
}

TEST_F(IsuI2cTest, ThreePacketsRunInOrder) {
    program(0x6A, {{false, 1}, {true, 2}, {false, 2}});
    for (std::uint8_t b : {0x05, 0x30, 0x31}) wr(R::kFifoData, b);
    start();
    advance(kPicosPerMilli);
    std::vector<std::string> expected{"S+W", "W5", "S+R", "R", "R!", "S+W", "W48", "W49", "P"};
    EXPECT_EQ(expected, target.events);
    EXPECT_EQ(rd(R::kFifoData), 0xA5u);
    EXPECT_EQ(rd(R::kFifoData), 0xA6u);
}

TEST_F(IsuI2cTest, DataNackStopsTheTransferAndSetsTheDataAckBit) {
    target.nack_after = 1;  // ACKs the register byte, refuses the next
    program(0x6A, {{false, 3}});
    for (std::uint8_t b : {0x10, 0x01, 0x02}) wr(R::kFifoData, b);
    start();
    advance(kPicosPerMilli);
    EXPECT_EQ(rd(R::kAckVal), 1u << 1);
    EXPECT_EQ((std::vector<std::string>{"S+W", "W16", "W1", "P"}), target.events);
    EXPECT_EQ((rd(R::kFifoPtr) >> 8) & 0xF, 2u) << "the third byte stays in the FIFO";
}

TEST_F(IsuI2cTest, TxFifoFullAndOverflow) {
    for (int i = 0; i < 8; ++i) wr(R::kFifoData, i);
    EXPECT_EQ(rd(R::kFifoStatus), R::kRxEmpty | R::kTxFull);
    EXPECT_EQ(rd(R::kFifoPtr), 8u << 12);
    wr(R::kFifoData, 0x99);
    EXPECT_EQ(rd(R::kFifoStatus), R::kRxEmpty | R::kTxFull | R::kTxOverflow);
    wr(R::kFifoCon0, R::kTxFifoClear);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);
}

TEST_F(IsuI2cTest, InterruptNeedsEnableAndNoMask) {
    program(0x50, {{false, 0}});  // a zero-length write: an address probe
    wr(R::kIntCtrl, 0);
    start();
    advance(kPicosPerMilli);
    EXPECT_EQ(rd(R::kIntCtrl), R::kMmIntSta) << "status is set even with the interrupt disabled";
    EXPECT_FALSE(lines[52]);
    wr(R::kIntCtrl, R::kMmIntEn | R::kMmIntMsk);
    EXPECT_FALSE(lines[52]);
    wr(R::kIntCtrl, R::kMmIntEn);  // STA bit not written: stays set
    EXPECT_TRUE(lines[52]);
    // MediaTek's ISR: read INT_CTRL and write the same value back.
    wr(R::kIntCtrl, rd(R::kIntCtrl));
    EXPECT_FALSE(lines[52]);
    EXPECT_EQ(rd(R::kIntCtrl), R::kMmIntEn);
}

TEST_F(IsuI2cTest, StartWithoutMasterEnableIsIgnored) {
    wr(R::kCon0, R::kStartEn);
    EXPECT_EQ(rd(R::kStatus), R::kStartReady);
    EXPECT_EQ(rd(R::kCon0), 0u);
}

TEST_F(IsuI2cTest, ReadLongerThanTheFifoWaitsForSoftwareToDrainIt) {
    program(0x6A, {{true, 12}});
    start();
    advance(10 * kPicosPerMilli);
    EXPECT_EQ(rd(R::kStatus), R::kBusBusy) << "holding SCL with a full RX FIFO";
    EXPECT_FALSE(lines[52]);
    std::vector<std::uint32_t> got;
    while (got.size() < 12) {
        while (!(rd(R::kFifoStatus) & R::kRxEmpty)) got.push_back(rd(R::kFifoData));
        advance(100 * kPicosPerMicro);
    }
    EXPECT_TRUE(lines[52]);
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], 0xA0u + i);
}

TEST_F(IsuI2cTest, DmaPortsFollowTheFifosAndRequestService) {
    wr(R::kDmaCon0, R::kDmaHandshakeEn);
    EXPECT_TRUE(i2c.dmaHandshakeEnabled());
    program(0x6A, {{false, 11}, {true, 10}});
    EXPECT_FALSE(i2c.dma_tx.ready()) << "nothing is wanted before START_EN";
    start();
    EXPECT_TRUE(i2c.dma_tx.ready()) << "write bytes are wanted and the TX FIFO has room";
    EXPECT_GE(tx_requests.count, 1u);
    EXPECT_FALSE(i2c.dma_rx.ready());
    // A DMA that moves every unit the controller can take or give, whenever it is asked.
    std::uint8_t next = 0x40;
    std::vector<std::uint8_t> received;
    unsigned served_tx = 0, served_rx = 0;
    for (int step = 0; step < 1000 && i2c.busy(); ++step) {
        if (tx_requests.count != served_tx) {
            served_tx = tx_requests.count;
            while (i2c.dma_tx.ready()) i2c.dma_tx.push(next++);
        }
        if (rx_requests.count != served_rx) {
            served_rx = rx_requests.count;
            while (i2c.dma_rx.ready()) received.push_back(static_cast<std::uint8_t>(i2c.dma_rx.pop()));
        }
        advance(10 * kPicosPerMicro);
    }
    while (i2c.dma_rx.ready()) received.push_back(static_cast<std::uint8_t>(i2c.dma_rx.pop()));
    EXPECT_FALSE(i2c.busy());
    EXPECT_EQ(next, 0x40 + 11) << "exactly the write bytes were asked for";
    EXPECT_FALSE(i2c.dma_tx.ready());
    EXPECT_TRUE(lines[52]);
    EXPECT_EQ(target.regs[0x40], 0x41) << "first byte is the register pointer, then data";
    EXPECT_EQ(target.regs[0x49], 0x4A);
    // The read continued from the pointer after the written bytes: registers 0x4A.. (0xA0 + i).
    ASSERT_EQ(received.size(), 10u);
    for (std::size_t i = 0; i < received.size(); ++i) EXPECT_EQ(received[i], 0xA0 + 0x4A + i) << i;
}

TEST_F(IsuI2cTest, WithoutHandshakeTheDmaPortsStayQuiet) {
    program(0x6A, {{false, 4}, {true, 2}});
    start();
    EXPECT_FALSE(i2c.dma_tx.ready());
    for (std::uint8_t b : {1, 2, 3, 4}) i2c.pushTx(b);
    advance(kPicosPerMilli);
    EXPECT_FALSE(i2c.dma_rx.ready()) << "two bytes in the RX FIFO, but no handshake";
    EXPECT_EQ(tx_requests.count, 0u);
    EXPECT_EQ(rx_requests.count, 0u);
    EXPECT_EQ(rd(R::kFifoPtr) & 0xFF, 2u << 4);
}

TEST_F(IsuI2cTest, ResetReturnsToIdle) {
    program(0x6A, {{true, 4}});
    start();
    i2c.reset();
    EXPECT_EQ(rd(R::kStatus), R::kStartReady);
    EXPECT_EQ(rd(R::kFifoStatus), 0x11u);
    advance(kPicosPerMilli);
    EXPECT_FALSE(lines[52]);
}

}  // namespace
}  // namespace mt3620
