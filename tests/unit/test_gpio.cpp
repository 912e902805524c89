// GpioBlock: DIN from the pads, DOUT/OE/PU/PD pushed to the PinBank, SET/RESET strobes, the
// four layouts and the pin → block table (reference §4.1).
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/GpioBlock.h"
#include "periph/PinBank.h"

namespace mt3620 {
namespace {

constexpr std::uint32_t DOUT = 0x10, DOUT_SET = 0x14, DOUT_RESET = 0x18, OE = 0x20, OE_SET = 0x24,
                        OE_RESET = 0x28, PU = 0x30, PU_SET = 0x34, PU_RESET = 0x38, PD = 0x40,
                        PD_SET = 0x44, PD_RESET = 0x48, IES = 0x60, IES_SET = 0x64, IES_RESET = 0x68,
                        PADDRV = 0x70, EA = 0xA0, EA_SET = 0xA4;

struct Recorder : PinListener {
    std::vector<std::tuple<unsigned, bool, Picos>> changes;
    void pinChanged(unsigned pin, bool level, Picos time) override { changes.emplace_back(pin, level, time); }
};

class GpioTest : public ::testing::Test {
protected:
    GpioTest() {
        log.setTimeSource(&scheduler);
        pins.addListener(&recorder);
    }

    static std::uint32_t rd(GpioBlock& b, std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(b.read(offset, 4, v)) << b.name() << " " << std::hex << offset;
        return v;
    }
    static void wr(GpioBlock& b, std::uint32_t offset, std::uint32_t v) {
        EXPECT_TRUE(b.write(offset, 4, v)) << b.name() << " " << std::hex << offset;
    }
    std::uint32_t rd(std::uint32_t offset) { return rd(grp3, offset); }
    void wr(std::uint32_t offset, std::uint32_t v) { wr(grp3, offset, v); }

    Scheduler scheduler;
    Log log;
    PinBank pins{&scheduler};
    Recorder recorder;
    // GPIO12-15, as MS-S's GPIO RTApp uses it (button A on GPIO12).
    GpioBlock grp3{"GPIO-GRP3", GpioBlock::Layout::PwmGroup, 12, 4, pins, log};
};

TEST_F(GpioTest, ResetState) {
    for (std::uint32_t off : {DOUT, OE, PU, PD, IES, PADDRV, EA}) EXPECT_EQ(rd(off), 0u) << std::hex << off;
    EXPECT_EQ(rd(0x00), 0u);  // GLOBAL_CTRL
    EXPECT_EQ(rd(0x04), 0u);  // DIN: floating pads read low
    EXPECT_TRUE(recorder.changes.empty());
    EXPECT_EQ(grp3.registerName(0x04), "GPIO_DIN");
    EXPECT_EQ(grp3.registerName(0x14), "GPIO_DOUT_SET");
    EXPECT_EQ(grp3.registerName(0x00), "GPIO_PWM_GRP_GLOBAL_CTRL");
    std::uint32_t v = 0;
    EXPECT_FALSE(grp3.read(0x100, 4, v));  // GPIO counter: outside the block
    EXPECT_FALSE(grp3.read(0x08, 4, v));
}

TEST_F(GpioTest, DinReadsExternalPads) {
    pins.setExternal(12, true);
    EXPECT_EQ(rd(0x04), 0x1u);
    pins.setExternal(15, true);
    EXPECT_EQ(rd(0x04), 0x9u);
    pins.setExternal(12, false);
    EXPECT_EQ(rd(0x04), 0x8u);
    pins.setExternal(11, true);  // another block's pin
    pins.setExternal(16, true);
    EXPECT_EQ(rd(0x04), 0x8u);
    // DIN is read-only.
    wr(0x04, 0xF);
    EXPECT_EQ(rd(0x04), 0x8u);
}

TEST_F(GpioTest, DinIsNotMaskedByIes) {
    pins.setExternal(13, true);
    wr(IES_RESET, 0xF);
    EXPECT_EQ(rd(0x04), 0x2u);
    wr(IES_SET, 0x2);
    EXPECT_EQ(rd(IES), 0x2u);
    EXPECT_EQ(rd(0x04), 0x2u);
}

TEST_F(GpioTest, OutputDrivesPadAndListenersHear) {
    scheduler.advanceTo(5 * kPicosPerMicro);
    wr(OE_SET, 0x2);      // GPIO13 output, DOUT 0: pad stays low
    EXPECT_TRUE(recorder.changes.empty());
    EXPECT_TRUE(pins.chipDriven(13));
    wr(DOUT_SET, 0x2);
    EXPECT_TRUE(pins.level(13));
    ASSERT_EQ(recorder.changes.size(), 1u);
    EXPECT_EQ(recorder.changes[0], std::make_tuple(13u, true, 5 * kPicosPerMicro));
    EXPECT_EQ(rd(0x04), 0x2u);  // DIN of an output pin: the driven value
    wr(DOUT_RESET, 0x2);
    EXPECT_FALSE(pins.level(13));
    ASSERT_EQ(recorder.changes.size(), 2u);
    EXPECT_EQ(recorder.changes[1], std::make_tuple(13u, false, 5 * kPicosPerMicro));
    // The chip's output wins over a board device.
    pins.setExternal(13, true);
    EXPECT_EQ(rd(0x04), 0x0u);
    wr(OE_RESET, 0x2);  // input again: the board device is seen
    EXPECT_EQ(rd(0x04), 0x2u);
    EXPECT_FALSE(pins.chipDriven(13));
}

TEST_F(GpioTest, DoutReadModifyWriteAndStrobes) {
    wr(DOUT, 0x5);
    EXPECT_EQ(rd(DOUT), 0x5u);
    wr(DOUT, rd(DOUT) | 0x2);  // MTK's read-modify-write
    EXPECT_EQ(rd(DOUT), 0x7u);
    wr(DOUT, rd(DOUT) & ~0x1u);
    EXPECT_EQ(rd(DOUT), 0x6u);
    wr(DOUT_SET, 0x1);
    EXPECT_EQ(rd(DOUT), 0x7u);
    wr(DOUT_RESET, 0x6);
    EXPECT_EQ(rd(DOUT), 0x1u);
    // Strobes read 0 and bits past the block's pins are not stored.
    EXPECT_EQ(rd(DOUT_SET), 0u);
    EXPECT_EQ(rd(DOUT_RESET), 0u);
    wr(DOUT, 0xFFFF'FFFF);
    EXPECT_EQ(rd(DOUT), 0xFu);
    wr(DOUT_RESET, 0xFFFF'FFFF);
    wr(DOUT_SET, 0xF0);
    EXPECT_EQ(rd(DOUT), 0x0u);
    // Byte write: only its lane.
    EXPECT_TRUE(grp3.write(DOUT, 1, 0x3));
    EXPECT_EQ(rd(DOUT), 0x3u);
}

TEST_F(GpioTest, DoutWithoutOeDoesNotDrive) {
    wr(DOUT, 0xF);
    for (unsigned p = 12; p < 16; ++p) EXPECT_FALSE(pins.level(p)) << p;
    wr(OE, 0x9);
    EXPECT_TRUE(pins.level(12));
    EXPECT_FALSE(pins.level(13));
    EXPECT_FALSE(pins.level(14));
    EXPECT_TRUE(pins.level(15));
    EXPECT_EQ(rd(0x04), 0x9u);
}

TEST_F(GpioTest, OeSetReset) {
    wr(OE_SET, 0x3);
    EXPECT_EQ(rd(OE), 0x3u);
    wr(OE_SET, 0x8);
    EXPECT_EQ(rd(OE), 0xBu);
    wr(OE_RESET, 0x1);
    EXPECT_EQ(rd(OE), 0xAu);
    EXPECT_EQ(rd(OE_SET), 0u);
    EXPECT_EQ(rd(OE_RESET), 0u);
    EXPECT_FALSE(pins.chipDriven(12));
    EXPECT_TRUE(pins.chipDriven(13));
    EXPECT_FALSE(pins.chipDriven(14));
    EXPECT_TRUE(pins.chipDriven(15));
}

TEST_F(GpioTest, PullsOnUndrivenInputs) {
    wr(PU_SET, 0x1);   // GPIO12 pull-up
    wr(PD_SET, 0x2);   // GPIO13 pull-down; GPIO14 none
    EXPECT_EQ(rd(0x04), 0x1u);
    EXPECT_TRUE(pins.level(12));
    EXPECT_FALSE(pins.level(13));
    EXPECT_FALSE(pins.level(14));
    // A board device overrides the pull.
    pins.setExternal(12, false);
    pins.setExternal(13, true);
    EXPECT_EQ(rd(0x04), 0x2u);
    pins.setExternal(12, std::nullopt);
    pins.setExternal(13, std::nullopt);
    EXPECT_EQ(rd(0x04), 0x1u);
    // Moving GPIO12's pull down: the pad falls and listeners hear it.
    recorder.changes.clear();
    wr(PU_RESET, 0x1);
    wr(PD_SET, 0x1);
    EXPECT_EQ(rd(0x04), 0x0u);
    ASSERT_EQ(recorder.changes.size(), 1u);
    EXPECT_EQ(std::get<0>(recorder.changes[0]), 12u);
    EXPECT_FALSE(std::get<1>(recorder.changes[0]));
    // Choice: both set → pull-up.
    wr(PU_SET, 0x4);
    wr(PD_SET, 0x4);
    EXPECT_TRUE(pins.level(14));
}

TEST_F(GpioTest, PadPuSwBitIsStored) {
    wr(PU, 1u << 31);  // MTK hdl_gpio.c hands pull control to software
    wr(PD, 1u << 31);
    EXPECT_EQ(rd(PU), 1u << 31);
    EXPECT_EQ(rd(PD), 1u << 31);
    wr(PU_SET, 0x1);
    EXPECT_EQ(rd(PU), (1u << 31) | 0x1u);
    EXPECT_TRUE(pins.level(12));
    wr(PU, 0x1);  // plain write drops b31
    EXPECT_EQ(rd(PU), 0x1u);
    wr(PD_SET, 0x2);
    EXPECT_EQ(rd(PD), (1u << 31) | 0x2u);
    wr(PD_RESET, 1u << 31);  // the strobes act on every stored bit, b31 included
    EXPECT_EQ(rd(PD), 0x2u);
}

TEST_F(GpioTest, StorageRegisters) {
    wr(PADDRV, 0xFFFF'FFFF);
    EXPECT_EQ(rd(PADDRV), 0xFFu);  // 2 bits × 4 pins
    wr(EA_SET, 0x6);
    EXPECT_EQ(rd(EA), 0x6u);
    wr(0x00, 0x0E);
    EXPECT_EQ(rd(0x00), 0x0Eu);
}

TEST_F(GpioTest, ResetReleasesPads) {
    wr(DOUT_SET, 0x1);
    wr(OE_SET, 0x1);
    wr(PU_SET, 0x2);
    EXPECT_TRUE(pins.level(12));
    EXPECT_TRUE(pins.level(13));
    grp3.reset();
    EXPECT_EQ(rd(OE), 0u);
    EXPECT_FALSE(pins.chipDriven(12));
    EXPECT_FALSE(pins.level(12));
    EXPECT_FALSE(pins.level(13));
}

TEST_F(GpioTest, IsuLayoutDinAt0x0CAndFirstPin) {
    GpioBlock isu1{"ISU1", GpioBlock::Layout::Isu, 31, 5, pins, log};
    std::vector<std::uint32_t> writes;
    isu1.on_global_ctrl = [&](std::uint32_t v) { writes.push_back(v); };
    pins.setExternal(31, true);
    pins.setExternal(35, true);
    pins.setExternal(36, true);  // ISU2's first pin
    EXPECT_EQ(rd(isu1, 0x0C), 0x11u);
    std::uint32_t v = 0;
    EXPECT_FALSE(isu1.read(0x04, 4, v));
    EXPECT_EQ(isu1.registerName(0x00), "ISU_GLOBAL_CTRL");
    // ISU global control: plain R/W (b0 SW reset, b8 I2C, b[12:9] SPI, b[14:13] UART clocks).
    wr(isu1, 0x00, 0x0);
    wr(isu1, 0x00, 0x6101);
    EXPECT_EQ(rd(isu1, 0x00), 0x6101u);
    EXPECT_EQ(writes, (std::vector<std::uint32_t>{0x0, 0x6101}));
    // Output on bit 0 = GPIO31.
    wr(isu1, OE_SET, 0x1);
    wr(isu1, DOUT_RESET, 0x1);
    EXPECT_FALSE(pins.level(31));
    wr(isu1, DOUT, 0x1F);
    EXPECT_EQ(rd(isu1, DOUT), 0x1Fu);
}

TEST_F(GpioTest, AdcLayoutDinAt0x04) {
    GpioBlock adc{"ADC-GPIO", GpioBlock::Layout::Adc, 41, 8, pins, log};
    pins.setExternal(41, true);
    pins.setExternal(48, true);
    EXPECT_EQ(rd(adc, 0x04), 0x81u);
    EXPECT_EQ(adc.registerName(0x00), "ADC_GLOBAL_CTRL");
    wr(adc, 0x00, 0x1);
    EXPECT_EQ(rd(adc, 0x00), 0x1u);
    wr(adc, DOUT, 0xFFFF'FFFF);
    EXPECT_EQ(rd(adc, DOUT), 0xFFu);
    wr(adc, PADDRV, 0xFFFF'FFFF);
    EXPECT_EQ(rd(adc, PADDRV), 0xFFFFu);
}

TEST_F(GpioTest, I2sLayoutDinAt0x00) {
    GpioBlock i2s1{"I2S1", GpioBlock::Layout::I2s, 61, 5, pins, log};
    pins.setExternal(62, true);
    pins.setExternal(65, true);
    EXPECT_EQ(rd(i2s1, 0x00), 0x12u);
    EXPECT_EQ(i2s1.registerName(0x00), "GPIO_DIN");
    wr(i2s1, 0x00, 0xFFFF'FFFF);  // read-only
    EXPECT_EQ(rd(i2s1, 0x00), 0x12u);
    std::uint32_t v = 0;
    EXPECT_FALSE(i2s1.read(0x04, 4, v));
    wr(i2s1, PU_SET, 0x1);
    EXPECT_EQ(rd(i2s1, 0x00), 0x13u);
}

TEST_F(GpioTest, BlockTable) {
    const auto& blocks = GpioBlock::mt3620Blocks();
    EXPECT_EQ(blocks.size(), 15u);

    const GpioBlockInfo* b8 = GpioBlock::blockForPin(8);
    ASSERT_NE(b8, nullptr);
    EXPECT_EQ(b8->base, 0x3803'0000u);
    EXPECT_EQ(b8->first_pin, 8u);  // bit 0
    EXPECT_EQ(b8->layout, GpioBlock::Layout::PwmGroup);
    EXPECT_STREQ(b8->name, "GPIO-GRP2");

    const GpioBlockInfo* b41 = GpioBlock::blockForPin(41);
    ASSERT_NE(b41, nullptr);
    EXPECT_EQ(b41->base, 0x3800'0000u);
    EXPECT_EQ(b41->layout, GpioBlock::Layout::Adc);
    EXPECT_EQ(b41->first_pin, 41u);
    EXPECT_EQ(b41->pin_count, 8u);

    const GpioBlockInfo* b31 = GpioBlock::blockForPin(31);
    ASSERT_NE(b31, nullptr);
    EXPECT_STREQ(b31->name, "ISU1");
    EXPECT_EQ(b31->base, 0x3808'0000u);
    EXPECT_EQ(b31->first_pin, 31u);

    const GpioBlockInfo* b12 = GpioBlock::blockForPin(12);
    ASSERT_NE(b12, nullptr);
    EXPECT_EQ(b12->base, 0x3804'0000u);  // MS-S reads button A at 0x3804_0004

    const GpioBlockInfo* b60 = GpioBlock::blockForPin(60);
    ASSERT_NE(b60, nullptr);
    EXPECT_EQ(b60->base, 0x380D'0100u);
    EXPECT_EQ(b60->layout, GpioBlock::Layout::I2s);

    const GpioBlockInfo* b80 = GpioBlock::blockForPin(80);
    ASSERT_NE(b80, nullptr);
    EXPECT_STREQ(b80->name, "ISU5");
    EXPECT_EQ(b80->base, 0x380C'0000u);

    // The CA7-only pins have no M4 block.
    for (unsigned pin : {24u, 25u, 49u, 55u, 81u, 93u}) EXPECT_EQ(GpioBlock::blockForPin(pin), nullptr) << pin;

    // Every exposed pin 0-23, 26-48, 56-80 belongs to exactly one block; blocks don't overlap.
    std::vector<int> owners(PinBank::kPinCount, 0);
    for (const auto& b : blocks) {
        EXPECT_LE(b.first_pin + b.pin_count, PinBank::kPinCount);
        for (unsigned i = 0; i < b.pin_count; ++i) ++owners[b.first_pin + i];
        EXPECT_EQ(b.base % 0x100, 0u);
    }
    for (unsigned p = 0; p < PinBank::kPinCount; ++p) {
        bool mapped = p <= 23 || (p >= 26 && p <= 48) || (p >= 56 && p <= 80);
        EXPECT_EQ(owners[p], mapped ? 1 : 0) << p;
    }

    EXPECT_EQ(GpioBlock::dinOffset(GpioBlock::Layout::PwmGroup), 0x04u);
    EXPECT_EQ(GpioBlock::dinOffset(GpioBlock::Layout::Isu), 0x0Cu);
    EXPECT_EQ(GpioBlock::dinOffset(GpioBlock::Layout::Adc), 0x04u);
    EXPECT_EQ(GpioBlock::dinOffset(GpioBlock::Layout::I2s), 0x00u);
}

TEST_F(GpioTest, EveryTableBlockBuilds) {
    for (const auto& b : GpioBlock::mt3620Blocks()) {
        GpioBlock block{b.name, b.layout, b.first_pin, b.pin_count, pins, log};
        pins.setExternal(b.first_pin, true);
        EXPECT_EQ(rd(block, GpioBlock::dinOffset(b.layout)), 0x1u) << b.name;
        pins.setExternal(b.first_pin, std::nullopt);
    }
}

}  // namespace
}  // namespace mt3620
