// IsuSpi: the ISU SPI master at register level (reference 4.6): half and full duplex, the
// command phase, chip selects, LSB-first, transfer time from rs_clk_sel, STCSR.BUSY, the
// completion IRQ and SCSR read-clear, the DATAPORT configuration block, transfers longer than
// the buffers.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/IsuSpi.h"

namespace mt3620 {
namespace {

constexpr std::uint32_t STCSR = 0x00, SOAR = 0x04, SDOR0 = 0x08, SMMR = 0x28, SMBCR = 0x2C, SCSR = 0x34,
                        CSPOL = 0x38, DATAPORT = 0x40, SDIR0 = 0x48;
constexpr std::uint32_t kStart = 1u << 8, kBusy = 1u << 16;
constexpr std::uint32_t kMoreBuf = 1u << 2, kLsbFirst = 1u << 3, kIntEn = 1u << 9, kFullDuplex = 1u << 10;
constexpr std::uint32_t kDmaMode = 1u << 8;

constexpr std::uint32_t smmr(unsigned clk_sel, unsigned cs, std::uint32_t flags) {
    return flags | kMoreBuf | (clk_sel << 16) | (cs << 29);
}
constexpr std::uint32_t smbcr(unsigned cmd_bits, unsigned mosi_bits, unsigned miso_bits) {
    return (cmd_bits << 24) | (miso_bits << 12) | mosi_bits;
}

/// A device that records what it sees and answers from a script (then 0xA0, 0xA1, ...).
struct RecordingTarget : SpiTarget {
    struct Frame {
        std::vector<std::uint8_t> mosi;
        Picos selected_at = 0;
    };
    explicit RecordingTarget(Scheduler& s) : scheduler(s) {}
    void select() override {
        frames.push_back({});
        frames.back().selected_at = scheduler.now();
        next = 0;
        open = true;
    }
    std::uint8_t exchange(std::uint8_t mosi) override {
        EXPECT_TRUE(open);
        frames.back().mosi.push_back(mosi);
        std::uint8_t out = next < answers.size() ? answers[next] : static_cast<std::uint8_t>(0xA0 + next);
        ++next;
        return out;
    }
    void deselect() override { open = false; }

    Scheduler& scheduler;
    std::vector<Frame> frames;
    std::vector<std::uint8_t> answers;
    std::size_t next = 0;
    bool open = false;
};

class IsuSpiTest : public ::testing::Test {
protected:
    IsuSpiTest() {
        auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(logged));
        logger->set_pattern("%v");
        log = std::make_unique<Log>(logger);
        log->setTimeSource(&scheduler);
        spi = std::make_unique<IsuSpi>("ISU1", scheduler, *log);
        spi->irq.connect(&nvic, 49);
        spi->bus().attach(0, &cs0);
        spi->bus().attach(1, &cs1);
    }
    std::uint32_t rd(std::uint32_t off) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(spi->read(off, 4, v)) << std::hex << off;
        return v;
    }
    void wr(std::uint32_t off, std::uint32_t v) { EXPECT_TRUE(spi->write(off, 4, v)) << std::hex << off; }
    void runUntilIdle() { scheduler.advanceTo(scheduler.nextDeadline()); }

    struct FakeNvic : IrqController {
        void setIrqLevel(unsigned irq, bool level) override {
            EXPECT_EQ(irq, 49u);
            this->level = level;
        }
        bool level = false;
    } nvic;
    std::ostringstream logged;
    Scheduler scheduler;
    std::unique_ptr<Log> log;
    std::unique_ptr<IsuSpi> spi;
    RecordingTarget cs0{scheduler}, cs1{scheduler};
};

TEST_F(IsuSpiTest, HalfDuplexWriteSendsCommandThenSdorBytes) {
    // Codethink packs a 1-byte opcode as 0xFFFFFF00 | op; the command phase is cmd_bit_cnt bits.
    wr(SOAR, 0xFFFFFF02);
    wr(SDOR0, 0x44332211);
    wr(SDOR0 + 4, 0x00000055);
    wr(SMMR, smmr(0, 0, kIntEn));
    wr(SMBCR, smbcr(8, 5 * 8, 0));
    wr(STCSR, kStart);
    ASSERT_EQ(cs0.frames.size(), 0u) << "devices see the bytes when the transfer ends";
    runUntilIdle();
    ASSERT_EQ(cs0.frames.size(), 1u);
    EXPECT_EQ(cs0.frames[0].mosi, (std::vector<std::uint8_t>{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}));
    EXPECT_FALSE(cs0.open);
    EXPECT_TRUE(cs1.frames.empty());
    EXPECT_EQ(rd(SCSR), 0x3u);  // spi_ok | write_ok
}

TEST_F(IsuSpiTest, CommandPhaseSendsMostSignificantByteFirst) {
    // A 4-byte command (READ 0x03 + 24-bit address 0x012345), Codethink's packing.
    wr(SOAR, 0x03012345);
    wr(SMMR, smmr(0, 1, 0));
    wr(SMBCR, smbcr(32, 0, 2 * 8));
    wr(STCSR, kStart);
    runUntilIdle();
    ASSERT_EQ(cs1.frames.size(), 1u);
    EXPECT_EQ(cs1.frames[0].mosi, (std::vector<std::uint8_t>{0x03, 0x01, 0x23, 0x45, 0xFF, 0xFF}));
    // RX: the bytes answered during the read phase (the 5th and 6th of the frame), from SDIR0.
    EXPECT_EQ(rd(SDIR0) & 0xFFFF, 0xA5A4u);
    EXPECT_EQ(rd(SCSR), 0x7u);  // spi_ok | write_ok | read_ok
    EXPECT_TRUE(cs0.frames.empty());
}

TEST_F(IsuSpiTest, HalfDuplexReadFillsSdirLittleEndian) {
    cs0.answers = {0x00, 0xEF, 0x40, 0x16, 0x01, 0x02};
    wr(SOAR, 0xFFFFFF9F);
    wr(SMMR, smmr(38, 0, kIntEn));
    wr(SMBCR, smbcr(8, 0, 5 * 8));
    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_EQ(rd(SDIR0), 0x011640EFu);
    EXPECT_EQ(rd(SDIR0 + 4) & 0xFF, 0x02u);
}

TEST_F(IsuSpiTest, FullDuplexRxStartsAtSdir4AndIsMirroredAtSdir0) {
    cs0.answers = {0x10, 0x20, 0x30, 0x40, 0x50};
    wr(SDOR0, 0x04030201);
    wr(SMMR, smmr(0, 0, kFullDuplex));
    wr(SMBCR, smbcr(0, 4 * 8, 5 * 8));  // 5 bytes clocked; MOSI sends 0xFF after its 4
    wr(STCSR, kStart);
    runUntilIdle();
    ASSERT_EQ(cs0.frames.size(), 1u);
    EXPECT_EQ(cs0.frames[0].mosi, (std::vector<std::uint8_t>{0x01, 0x02, 0x03, 0x04, 0xFF}));
    EXPECT_EQ(rd(SDIR0 + 16), 0x40302010u);      // SDIR4: MediaTek's fifo_handle_rx
    EXPECT_EQ(rd(SDIR0 + 20) & 0xFF, 0x50u);
    EXPECT_EQ(rd(SDIR0), 0x40302010u);           // SDIR0: Codethink's full-duplex read
}

TEST_F(IsuSpiTest, LsbFirstReversesBitsBothWays) {
    cs0.answers = {0x00, 0x01};
    wr(SOAR, 0x80);
    wr(SMMR, smmr(0, 0, kLsbFirst));
    wr(SMBCR, smbcr(8, 0, 8));
    wr(STCSR, kStart);
    runUntilIdle();
    ASSERT_EQ(cs0.frames.size(), 1u);
    EXPECT_EQ(cs0.frames[0].mosi[0], 0x01u);  // 0x80 sent LSB first looks like 0x01 to an MSB-first device
    EXPECT_EQ(rd(SDIR0) & 0xFF, 0x80u);
}

TEST_F(IsuSpiTest, TransferTimeFollowsRsClkSelAndBusyMeanwhile) {
    // 1 + 4 bytes = 40 bits at 79.04 MHz / (38 + 2) = 1.976 MHz: 20.24 us.
    wr(SOAR, 0x9F);
    wr(SMMR, smmr(38, 0, kIntEn));
    wr(SMBCR, smbcr(8, 0, 32));
    const Picos start = scheduler.now();
    wr(STCSR, kStart);
    EXPECT_EQ(rd(STCSR) & (kStart | kBusy), kStart | kBusy);
    EXPECT_TRUE(spi->busy());
    const Picos expected = cyclesToPicosCeil(40 * 40, IsuSpi::kHclkHz);
    EXPECT_EQ(scheduler.nextDeadline() - start, expected);
    EXPECT_NEAR(static_cast<double>(expected) / kPicosPerMicro, 20.24, 0.01);
    scheduler.advanceTo(start + expected - 1);
    EXPECT_TRUE(spi->busy());
    EXPECT_FALSE(nvic.level);
    EXPECT_EQ(rd(SCSR), 0u);
    scheduler.advanceTo(start + expected);
    EXPECT_FALSE(spi->busy());
    EXPECT_EQ(rd(STCSR) & (kStart | kBusy), 0u);
    EXPECT_EQ(cs0.frames.at(0).selected_at, start + expected);
}

TEST_F(IsuSpiTest, IrqOnlyWithIntEnAndClearedByReadingScsr) {
    wr(SOAR, 0x05);
    wr(SMMR, smmr(0, 0, 0));
    wr(SMBCR, smbcr(8, 0, 8));
    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_FALSE(nvic.level) << "INT_EN is 0";
    wr(SMMR, smmr(0, 0, kIntEn));
    EXPECT_TRUE(nvic.level) << "the pending status shows once INT_EN is set";
    EXPECT_EQ(rd(SCSR), 0x7u);
    EXPECT_FALSE(nvic.level);
    EXPECT_EQ(rd(SCSR), 0u) << "reading SCSR cleared it";

    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_TRUE(nvic.level);
    (void)rd(SCSR);
    EXPECT_FALSE(nvic.level);
}

TEST_F(IsuSpiTest, StartWhileBusyIsIgnored) {
    wr(SOAR, 0x05);
    wr(SMMR, smmr(100, 0, 0));
    wr(SMBCR, smbcr(8, 0, 8));
    wr(STCSR, kStart);
    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_EQ(scheduler.nextDeadline(), kNever);
    EXPECT_EQ(cs0.frames.size(), 1u);
    EXPECT_NE(logged.str().find("STCSR.START while a transfer is running"), std::string::npos) << logged.str();
}

TEST_F(IsuSpiTest, ChipSelectWithoutADeviceReadsFF) {
    spi->bus().detach(1);
    wr(SMMR, smmr(0, 1, 0));
    wr(SMBCR, smbcr(0, 0, 32));
    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_EQ(rd(SDIR0), 0xFFFFFFFFu);
    EXPECT_EQ(rd(SCSR), 0x5u);
    EXPECT_NE(logged.str().find("nothing on chip select 1: MISO reads 0xFF"), std::string::npos) << logged.str();
    // rs_slave_sel 7 (Codethink's "no hardware chip select"): nobody is selected.
    wr(SMMR, smmr(0, 7, 0));
    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_TRUE(cs0.frames.empty());
    EXPECT_EQ(rd(SDIR0), 0xFFFFFFFFu);
}

TEST_F(IsuSpiTest, DataportTakesTheThirteenWordConfigurationBlock) {
    // Codethink's DMA block: SOAR, SDOR0-7, SMMR, SMBCR, STCSR, dummy.
    wr(CSPOL, kDmaMode);
    const std::uint32_t block[IsuSpi::kDataportWords] = {
        0xFFFFFF06,                                                              // SOAR: WREN-like opcode
        0x0D0C0B0A, 0, 0, 0, 0, 0, 0, 0,                                         // SDOR0-7
        smmr(2, 1, kIntEn), smbcr(8, 4 * 8, 0), kStart, 0xDEADBEEF,              // SMMR, SMBCR, STCSR, dummy
    };
    for (unsigned i = 0; i < IsuSpi::kDataportWords; ++i) {
        EXPECT_EQ(spi->dataportPosition(), i);
        wr(DATAPORT, block[i]);
        if (i == 11) EXPECT_TRUE(spi->busy()) << "the STCSR word starts the transfer";
        if (i < 11) EXPECT_FALSE(spi->busy()) << i;
    }
    EXPECT_EQ(spi->dataportPosition(), 0u);
    EXPECT_EQ(rd(SOAR), 0xFFFFFF06u) << "DATAPORT words land in the registers";
    EXPECT_EQ(rd(SDOR0), 0x0D0C0B0Au);
    EXPECT_EQ(rd(SMMR), smmr(2, 1, kIntEn));
    EXPECT_EQ(rd(DATAPORT), 0u);
    runUntilIdle();
    ASSERT_EQ(cs1.frames.size(), 1u);
    EXPECT_EQ(cs1.frames[0].mosi, (std::vector<std::uint8_t>{0x06, 0x0A, 0x0B, 0x0C, 0x0D}));
    EXPECT_TRUE(nvic.level);
    EXPECT_EQ(rd(SCSR), 0x3u);

    // A second block in a row works the same, and a CSPOL write restarts the sequence.
    wr(DATAPORT, 0x12345678);
    EXPECT_EQ(spi->dataportPosition(), 1u);
    wr(CSPOL, kDmaMode);
    EXPECT_EQ(spi->dataportPosition(), 0u);
    for (std::uint32_t w : block) wr(DATAPORT, w);
    runUntilIdle();
    EXPECT_EQ(cs1.frames.size(), 2u);
}

TEST_F(IsuSpiTest, CodethinkCpuCopyOfElevenWordsThenStcsr) {
    // Codethink's non-DMA path copies the first 11 words to SOAR..SMBCR, then writes STCSR.
    wr(SOAR, 0xFFFFFF9F);
    wr(SMMR, smmr(0, 0, kIntEn));
    wr(SMBCR, smbcr(8, 0, 24));
    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_EQ(cs0.frames.at(0).mosi, (std::vector<std::uint8_t>{0x9F, 0xFF, 0xFF, 0xFF}));
}

TEST_F(IsuSpiTest, TransferLongerThanTheBufferIsCutWithOneWarning) {
    // 40 bytes half duplex (buffer 32): 32 go out, the clock runs for 32, one warning.
    for (unsigned i = 0; i < 8; ++i) wr(SDOR0 + 4 * i, 0x01010101u * (i + 1));
    wr(SMMR, smmr(0, 0, kIntEn));
    wr(SMBCR, smbcr(0, 40 * 8, 0));
    const Picos start = scheduler.now();
    wr(STCSR, kStart);
    EXPECT_EQ(scheduler.nextDeadline() - start, spi->transferTime(32 * 8));
    runUntilIdle();
    ASSERT_EQ(cs0.frames.size(), 1u);
    EXPECT_EQ(cs0.frames[0].mosi.size(), 32u);
    EXPECT_EQ(cs0.frames[0].mosi[31], 8u);
    EXPECT_EQ(rd(SCSR), 0x3u);
    const std::string warning = "MOSI data of 320 bits is longer than the 32-byte buffer: only 32 bytes are transferred";
    EXPECT_NE(logged.str().find(warning), std::string::npos) << logged.str();

    // Full duplex holds 16: 20 bytes are cut to 16. The MOSI warning was given once already.
    wr(SMMR, smmr(0, 0, kFullDuplex));
    wr(SMBCR, smbcr(0, 20 * 8, 20 * 8));
    wr(STCSR, kStart);
    runUntilIdle();
    EXPECT_EQ(cs0.frames.at(1).mosi.size(), 16u);
    std::string text = logged.str();
    EXPECT_EQ(text.find(warning), text.rfind(warning)) << "warned once";
    EXPECT_NE(text.find("MISO data of 160 bits is longer than the 16-byte buffer"), std::string::npos) << text;
}

TEST_F(IsuSpiTest, ResetStopsATransferAndClearsState) {
    wr(SMMR, smmr(100, 0, kIntEn));
    wr(SMBCR, smbcr(0, 8, 0));
    wr(CSPOL, kDmaMode);
    wr(DATAPORT, 1);
    wr(STCSR, kStart);
    spi->reset();
    EXPECT_FALSE(spi->busy());
    EXPECT_EQ(spi->dataportPosition(), 0u);
    EXPECT_EQ(rd(SMMR), 0u);
    EXPECT_EQ(scheduler.nextDeadline(), kNever);
    EXPECT_TRUE(cs0.frames.empty());
    EXPECT_FALSE(nvic.level);
}

}  // namespace
}  // namespace mt3620
