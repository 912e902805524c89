// IrqConfig: IRQ_SENS reset value and change callbacks, DBNC_CON readback, the CFG_IRQ_TEST
// software trigger, and the storage-only registers (reference §4.10).
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "common/Log.h"
#include "periph/IrqConfig.h"

namespace mt3620 {
namespace {

using Events = std::vector<std::pair<unsigned, bool>>;

class IrqConfigTest : public ::testing::Test {
protected:
    IrqConfigTest() {
        cfg.on_sense_change = [this](unsigned irq, bool level) { sense.emplace_back(irq, level); };
        cfg.on_test_irq = [this](unsigned irq, bool level) { test.emplace_back(irq, level); };
    }

    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(cfg.read(offset, 4, v)) << std::hex << offset;
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(cfg.write(offset, 4, v)) << std::hex << offset; }

    Log log;
    IrqConfig cfg{"IRQCFG", log};
    Events sense;
    Events test;
};

TEST_F(IrqConfigTest, ResetValueIsAllLevel) {
    for (unsigned k = 0; k < 3; ++k) EXPECT_EQ(rd(0x200 + 4 * k), 0xFFFF'FFFFu) << k;
    for (unsigned irq = 0; irq < 100; ++irq) EXPECT_TRUE(cfg.isLevel(irq)) << irq;
    EXPECT_TRUE(sense.empty());
    EXPECT_EQ(cfg.registerName(0x204), "IRQ_SENS1");
}

TEST_F(IrqConfigTest, SenseCallbacksOnChangeOnly) {
    // MTK cirq_irq_ctl_set_edge for IRQ 1 and 40: read-modify-write of the word.
    wr(0x200, rd(0x200) & ~(1u << 1));
    EXPECT_EQ(sense, (Events{{1, false}}));
    EXPECT_FALSE(cfg.isLevel(1));
    EXPECT_TRUE(cfg.isLevel(0));
    sense.clear();

    wr(0x200, rd(0x200));  // no change, no callback
    EXPECT_TRUE(sense.empty());

    wr(0x204, ~((1u << 8) | (1u << 9)));  // IRQ 40, 41 edge
    EXPECT_EQ(sense, (Events{{40, false}, {41, false}}));
    EXPECT_FALSE(cfg.isLevel(40));
    sense.clear();

    wr(0x204, 0xFFFF'FFFFu);
    EXPECT_EQ(sense, (Events{{40, true}, {41, true}}));
    sense.clear();

    // A byte write changes only its lane.
    EXPECT_TRUE(cfg.write(0x209, 1, 0x00));  // IRQ 72..79 edge
    Events want;
    for (unsigned irq = 72; irq < 80; ++irq) want.emplace_back(irq, false);
    EXPECT_EQ(sense, want);
    EXPECT_EQ(rd(0x208), 0xFFFF'00FFu);
    sense.clear();

    // reset() reports the bits that go back to level.
    cfg.reset();
    Events back = {{1, true}};
    for (unsigned irq = 72; irq < 80; ++irq) back.emplace_back(irq, true);
    EXPECT_EQ(sense, back);
    EXPECT_TRUE(cfg.isLevel(1));
}

TEST_F(IrqConfigTest, DebounceReadback) {
    // CT-D style: b[3:0] count, b[6:4] prescaler, b8 POL, b9 EN.
    const std::uint32_t v = (1u << 9) | (1u << 8) | (3u << 4) | 0x5;
    wr(0x000 + 4 * 12, v);
    wr(0x000 + 4 * 23, 0x123);
    EXPECT_EQ(rd(0x030), v);
    EXPECT_EQ(cfg.debounceControl(12), v);
    EXPECT_EQ(cfg.debounceControl(23), 0x123u);
    EXPECT_EQ(cfg.debounceControl(0), 0u);
    EXPECT_EQ(cfg.debounceControl(24), 0u);  // no such EINT
    EXPECT_EQ(cfg.registerName(0x030), "DBNC_CON12");
    cfg.reset();
    EXPECT_EQ(cfg.debounceControl(12), 0u);
}

TEST_F(IrqConfigTest, TestIrqNeedsTheEnable) {
    // MTK cirq_irq_test_set_trigger for IRQ 11 (CM4_CFG_IRQ_TEST0 |= bit) without the enable.
    wr(0x700, rd(0x700) | (1u << 11));
    EXPECT_TRUE(test.empty());
    EXPECT_FALSE(cfg.testLevel(11));

    wr(0x720, 0x1);  // IRQ_TEST_CTL enable: the stored bit now drives IRQ 11
    EXPECT_EQ(test, (Events{{11, true}}));
    EXPECT_TRUE(cfg.testLevel(11));
    test.clear();

    wr(0x708, 1u << 13);  // IRQ 77 (M4 DMA)
    EXPECT_EQ(test, (Events{{77, true}}));
    test.clear();

    wr(0x700, 0);  // release IRQ 11
    EXPECT_EQ(test, (Events{{11, false}}));
    test.clear();

    wr(0x720, 0);  // disable: everything still set is released
    EXPECT_EQ(test, (Events{{77, false}}));
    EXPECT_EQ(rd(0x708), 1u << 13);  // the register keeps its value
    test.clear();

    wr(0x720, 1);
    EXPECT_EQ(test, (Events{{77, true}}));
    test.clear();
    cfg.reset();
    EXPECT_EQ(test, (Events{{77, false}}));
    EXPECT_EQ(rd(0x720), 0u);
}

TEST_F(IrqConfigTest, StorageOnlyRegisters) {
    const std::uint32_t offsets[] = {0x060, 0x07C, 0x304, 0x314, 0x324, 0x334, 0x340, 0x344, 0x364,
                                     0x374, 0x384, 0x394, 0x3A0, 0x600, 0x610, 0x620, 0x630, 0x900};
    for (std::uint32_t off : offsets) {
        wr(off, 0xA5A5'0000u | off);
        EXPECT_EQ(rd(off), 0xA5A5'0000u | off) << std::hex << off;
        EXPECT_EQ(cfg.peek(off), 0xA5A5'0000u | off);
        EXPECT_FALSE(cfg.registerName(off).empty()) << std::hex << off;
    }
    EXPECT_EQ(cfg.registerName(0x900), "CFG_SOFT_RST");
    EXPECT_EQ(cfg.registerName(0x3A0), "WIC_WAKEUP_STA");
    EXPECT_TRUE(sense.empty());
    EXPECT_TRUE(test.empty());
    cfg.reset();
    for (std::uint32_t off : offsets) EXPECT_EQ(rd(off), 0u) << std::hex << off;
}

TEST_F(IrqConfigTest, UnknownOffsetsGoBackToTheBus) {
    std::uint32_t v = 0;
    EXPECT_FALSE(cfg.read(0x80, 4, v));   // past DBNC_CON_TEMP
    EXPECT_FALSE(cfg.read(0x20C, 4, v));  // past IRQ_SENS2
    EXPECT_FALSE(cfg.write(0x300, 4, 1));
    EXPECT_FALSE(cfg.read(0xFFC, 4, v));
    EXPECT_TRUE(cfg.registerName(0x300).empty());
}

}  // namespace
}  // namespace mt3620
