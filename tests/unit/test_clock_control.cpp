// ClockControl: HCLK_CK_CTRL clock select and the clock-change callback (reference §4.12).
#include <gtest/gtest.h>

#include <vector>

#include "common/Log.h"
#include "periph/ClockControl.h"

namespace mt3620 {
namespace {

class ClockControlTest : public ::testing::Test {
protected:
    ClockControlTest() {
        clocks.on_clock_change = [this](std::uint64_t hz) { changes.push_back(hz); };
    }
    std::uint32_t rd(std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        EXPECT_TRUE(clocks.read(offset, 4, v));
        return v;
    }
    void wr(std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(clocks.write(offset, 4, v)); }

    Log log;
    ClockControl clocks{"RGU", log};
    std::vector<std::uint64_t> changes;
};

TEST_F(ClockControlTest, ResetsToTheCrystal) {
    EXPECT_EQ(clocks.coreHz(), 26'000'000u);
    EXPECT_EQ(rd(ClockControl::kHclkCkCtrl), 0u);
    EXPECT_EQ(ClockControl::kBase, 0x21010000u);
}

TEST_F(ClockControlTest, SelectPll) {
    // MTK's read-modify-write: &= 0xFFFF00FF; |= 0x200.
    wr(ClockControl::kHclkCkCtrl, (rd(ClockControl::kHclkCkCtrl) & 0xFFFF00FFu) | 0x200u);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0], 197'600'000u);
    EXPECT_EQ(clocks.coreHz(), 197'600'000u);
    EXPECT_EQ(rd(ClockControl::kHclkCkCtrl), 0x200u);

    wr(ClockControl::kHclkCkCtrl, 0x200);  // same select: no callback
    EXPECT_EQ(changes.size(), 1u);

    wr(ClockControl::kHclkCkCtrl, 0x100);
    EXPECT_EQ(clocks.coreHz(), 32'768u);
    wr(ClockControl::kHclkCkCtrl, 0x000);
    EXPECT_EQ(clocks.coreHz(), 26'000'000u);
    EXPECT_EQ(changes, (std::vector<std::uint64_t>{197'600'000u, 32'768u, 26'000'000u}));
}

TEST_F(ClockControlTest, UndocumentedSelectStaysOnTheCrystal) {
    wr(ClockControl::kHclkCkCtrl, 0x300);
    EXPECT_EQ(clocks.coreHz(), 26'000'000u);
    EXPECT_TRUE(changes.empty());
    EXPECT_EQ(rd(ClockControl::kHclkCkCtrl), 0x300u);
}

TEST_F(ClockControlTest, ResetReturnsToTheCrystal) {
    wr(ClockControl::kHclkCkCtrl, 0x200);
    clocks.reset();
    EXPECT_EQ(clocks.coreHz(), 26'000'000u);
    EXPECT_EQ(changes.back(), 26'000'000u);
    EXPECT_EQ(rd(ClockControl::kHclkCkCtrl), 0u);
}

TEST_F(ClockControlTest, OtherRegistersStore) {
    for (std::uint32_t off : {ClockControl::kCm4SlpCtrl, ClockControl::kTopAonCm4Ckgen0,
                              ClockControl::kHclk2mCkgen, ClockControl::kCm4PwrCtlCr}) {
        wr(off, 0xA5A50000u | off);
        EXPECT_EQ(rd(off), 0xA5A50000u | off);
    }
    EXPECT_TRUE(changes.empty());
}

}  // namespace
}  // namespace mt3620
