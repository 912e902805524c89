// Nvic: the pure priority logic of the Cortex-M4 NVIC (ARMv7-M B1.5.4 "Exception priorities and
// preemption", B3.4 NVIC), without any engine: which pending exception wins, when it may
// preempt, what PRIMASK/FAULTMASK/BASEPRI do to the execution priority, PRIGROUP splitting,
// level- and edge-sensitive interrupt lines, and the change notifications the core relies on.
#include <gtest/gtest.h>

#include "cpu/Nvic.h"

namespace mt3620 {
namespace {

constexpr unsigned irq(unsigned n) { return exc::kFirstIrq + n; }

class NvicTest : public ::testing::Test {
protected:
    NvicTest() {
        nvic.on_change = [this] { ++changes; };
    }
    /// Enables external interrupt `n` with the given 8-bit priority field.
    void enableIrq(unsigned n, std::uint8_t prio) {
        nvic.setPriorityField(irq(n), prio);
        nvic.setEnabled(irq(n), true);
    }
    int execPri(bool primask = false, bool faultmask = false, std::uint8_t basepri = 0) const {
        return nvic.executionPriority(primask, faultmask, basepri);
    }

    Nvic nvic;
    int changes = 0;
};

TEST_F(NvicTest, ResetState) {
    EXPECT_EQ(Nvic::kPriorityMask, 0xE0);
    EXPECT_FALSE(nvic.highestPending().has_value());
    EXPECT_EQ(nvic.activeCount(), 0u);
    EXPECT_EQ(execPri(), Nvic::kThreadPriority);
    // Always-enabled system exceptions; configurable faults off until SHCSR enables them.
    for (unsigned e : {exc::kNmi, exc::kHardFault, exc::kSvCall, exc::kPendSv, exc::kSysTick})
        EXPECT_TRUE(nvic.enabled(e)) << e;
    for (unsigned e : {exc::kMemManage, exc::kBusFault, exc::kUsageFault}) EXPECT_FALSE(nvic.enabled(e)) << e;
    for (unsigned n = 0; n < Nvic::kIrqCount; ++n) EXPECT_FALSE(nvic.enabled(irq(n))) << n;
    EXPECT_EQ(nvic.priorityGrouping(), 0u);
}

TEST_F(NvicTest, FixedPriorities) {
    EXPECT_EQ(nvic.priority(exc::kReset), -3);
    EXPECT_EQ(nvic.priority(exc::kNmi), -2);
    EXPECT_EQ(nvic.priority(exc::kHardFault), -1);
    // Fixed priorities cannot be programmed.
    nvic.setPriorityField(exc::kNmi, 0xE0);
    nvic.setPriorityField(exc::kHardFault, 0xE0);
    EXPECT_EQ(nvic.priority(exc::kNmi), -2);
    EXPECT_EQ(nvic.priority(exc::kHardFault), -1);
    EXPECT_EQ(nvic.groupPriority(exc::kHardFault), -1);
    // Configurable ones default to 0, the highest configurable priority.
    EXPECT_EQ(nvic.priority(exc::kSvCall), 0);
    EXPECT_EQ(nvic.priority(irq(5)), 0);
}

TEST_F(NvicTest, PriorityFieldKeepsOnlyThreeBits) {
    nvic.setPriorityField(irq(0), 0x30);
    EXPECT_EQ(nvic.priorityField(irq(0)), 0x20);
    EXPECT_EQ(nvic.priority(irq(0)), 0x20);
    nvic.setPriorityField(irq(1), 0xFF);
    EXPECT_EQ(nvic.priorityField(irq(1)), 0xE0);
    nvic.setPriorityField(irq(2), 0x1F);
    EXPECT_EQ(nvic.priorityField(irq(2)), 0x00);
    nvic.setPriorityField(exc::kPendSv, 0xF0);
    EXPECT_EQ(nvic.priority(exc::kPendSv), 0xE0);
    // 0x30 and 0x20 are therefore the same priority: tie broken by exception number.
    enableIrq(7, 0x30);
    enableIrq(6, 0x20);
    nvic.setPending(irq(7));
    nvic.setPending(irq(6));
    EXPECT_EQ(nvic.highestPending(), irq(6));
}

TEST_F(NvicTest, LowerPriorityValueWins) {
    enableIrq(3, 0x80);
    enableIrq(10, 0x40);
    enableIrq(20, 0xA0);
    nvic.setPending(irq(3));
    nvic.setPending(irq(10));
    nvic.setPending(irq(20));
    EXPECT_EQ(nvic.highestPending(), irq(10));
    nvic.clearPending(irq(10));
    EXPECT_EQ(nvic.highestPending(), irq(3));
    nvic.clearPending(irq(3));
    EXPECT_EQ(nvic.highestPending(), irq(20));
}

TEST_F(NvicTest, TiesGoToTheLowerExceptionNumber) {
    enableIrq(9, 0x40);
    enableIrq(4, 0x40);
    enableIrq(12, 0x40);
    nvic.setPending(irq(12));
    nvic.setPending(irq(9));
    nvic.setPending(irq(4));
    EXPECT_EQ(nvic.highestPending(), irq(4));
    // SysTick (15) and IRQ0 (16) at the same priority: SysTick first.
    Nvic n2;
    n2.setPriorityField(exc::kSysTick, 0x60);
    n2.setPriorityField(irq(0), 0x60);
    n2.setEnabled(irq(0), true);
    n2.setPending(irq(0));
    n2.setPending(exc::kSysTick);
    EXPECT_EQ(n2.highestPending(), exc::kSysTick);
}

TEST_F(NvicTest, FixedPriorityExceptionsBeatConfigurableOnes) {
    enableIrq(0, 0x00);
    nvic.setPending(irq(0));
    nvic.setPending(exc::kHardFault);
    EXPECT_EQ(nvic.highestPending(), exc::kHardFault);
    nvic.setPending(exc::kNmi);
    EXPECT_EQ(nvic.highestPending(), exc::kNmi);
    // NMI preempts even a HardFault handler; HardFault cannot preempt itself.
    nvic.activate(exc::kHardFault);
    EXPECT_EQ(execPri(), -1);
    EXPECT_EQ(nvic.exceptionToTake(execPri()), exc::kNmi);
    nvic.clearPending(exc::kNmi);
    EXPECT_FALSE(nvic.exceptionToTake(execPri()).has_value());
}

TEST_F(NvicTest, DisabledInterruptsAreNotTaken) {
    nvic.setPriorityField(irq(8), 0x20);
    nvic.setPending(irq(8));
    EXPECT_TRUE(nvic.pending(irq(8)));
    EXPECT_FALSE(nvic.highestPending().has_value());
    EXPECT_FALSE(nvic.exceptionToTake(execPri()).has_value());
    EXPECT_FALSE(nvic.anyPendingEnabled());
    nvic.setEnabled(irq(8), true);
    EXPECT_EQ(nvic.exceptionToTake(execPri()), irq(8));
    nvic.setEnabled(irq(8), false);
    EXPECT_FALSE(nvic.exceptionToTake(execPri()).has_value());
    EXPECT_TRUE(nvic.pending(irq(8)));  // disabling does not clear pending
    // Configurable faults follow their enable too.
    nvic.setPending(exc::kUsageFault);
    EXPECT_FALSE(nvic.highestPending().has_value());
    nvic.setEnabled(exc::kUsageFault, true);
    EXPECT_EQ(nvic.highestPending(), exc::kUsageFault);
}

TEST_F(NvicTest, OutOfRangeExceptionsAreIgnored) {
    nvic.setPending(Nvic::kExceptionCount);
    nvic.setEnabled(Nvic::kExceptionCount, true);
    nvic.setPriorityField(Nvic::kExceptionCount, 0x20);
    nvic.setIrqLevel(Nvic::kIrqCount, true);
    EXPECT_FALSE(nvic.highestPending().has_value());
    EXPECT_FALSE(nvic.enabled(Nvic::kExceptionCount));
}

TEST_F(NvicTest, ExecutionPriorityFollowsActiveExceptions) {
    enableIrq(0, 0x80);
    enableIrq(1, 0x40);
    enableIrq(2, 0x80);
    enableIrq(3, 0xC0);
    nvic.setPending(irq(0));
    ASSERT_EQ(nvic.exceptionToTake(execPri()), irq(0));
    nvic.activate(irq(0));
    EXPECT_FALSE(nvic.pending(irq(0)));
    EXPECT_TRUE(nvic.active(irq(0)));
    EXPECT_EQ(execPri(), 0x80);
    // Same priority does not preempt, lower priority does not either, higher does.
    nvic.setPending(irq(2));
    nvic.setPending(irq(3));
    EXPECT_FALSE(nvic.exceptionToTake(execPri()).has_value());
    nvic.setPending(irq(1));
    EXPECT_EQ(nvic.exceptionToTake(execPri()), irq(1));
    nvic.activate(irq(1));
    EXPECT_EQ(execPri(), 0x40);
    EXPECT_EQ(nvic.activeCount(), 2u);
    EXPECT_EQ(nvic.highestActive(), irq(1));
    // Returning from IRQ1: priority drops back to IRQ0's; IRQ2 still cannot preempt IRQ0.
    EXPECT_EQ(nvic.executionPriorityWithout(irq(1), false, false, 0), 0x80);
    nvic.deactivate(irq(1));
    EXPECT_EQ(execPri(), 0x80);
    EXPECT_FALSE(nvic.exceptionToTake(execPri()).has_value());
    // Returning from IRQ0 to Thread mode: IRQ2 (0x80) is next, ahead of IRQ3 (0xC0).
    EXPECT_EQ(nvic.executionPriorityWithout(irq(0), false, false, 0), Nvic::kThreadPriority);
    EXPECT_EQ(nvic.exceptionToTake(nvic.executionPriorityWithout(irq(0), false, false, 0)), irq(2));
    nvic.deactivate(irq(0));
    EXPECT_EQ(nvic.activeCount(), 0u);
    EXPECT_EQ(execPri(), Nvic::kThreadPriority);
}

TEST_F(NvicTest, PrimaskRaisesExecutionPriorityToZero) {
    EXPECT_EQ(execPri(true), 0);
    enableIrq(0, 0x00);
    nvic.setPending(irq(0));
    EXPECT_FALSE(nvic.exceptionToTake(execPri(true)).has_value());  // even priority 0 is masked
    EXPECT_EQ(nvic.exceptionToTake(execPri(false)), irq(0));
    // HardFault and NMI are not masked by PRIMASK.
    nvic.setPending(exc::kHardFault);
    EXPECT_EQ(nvic.exceptionToTake(execPri(true)), exc::kHardFault);
}

TEST_F(NvicTest, FaultmaskRaisesExecutionPriorityToMinusOne) {
    EXPECT_EQ(execPri(false, true), -1);
    EXPECT_EQ(execPri(true, true), -1);
    nvic.setPending(exc::kHardFault);
    EXPECT_FALSE(nvic.exceptionToTake(execPri(false, true)).has_value());
    nvic.setPending(exc::kNmi);
    EXPECT_EQ(nvic.exceptionToTake(execPri(false, true)), exc::kNmi);
}

TEST_F(NvicTest, BasepriMasksItsPriorityAndLower) {
    enableIrq(0, 0x00);
    enableIrq(1, 0x20);
    enableIrq(2, 0x40);
    EXPECT_EQ(execPri(false, false, 0x20), 0x20);
    // BASEPRI 0x20 masks 0x20 and numerically higher values, not 0x00.
    nvic.setPending(irq(1));
    nvic.setPending(irq(2));
    EXPECT_FALSE(nvic.exceptionToTake(execPri(false, false, 0x20)).has_value());
    nvic.setPending(irq(0));
    EXPECT_EQ(nvic.exceptionToTake(execPri(false, false, 0x20)), irq(0));
    nvic.clearPending(irq(0));
    // BASEPRI 0x40: 0x20 gets through, 0x40 does not.
    EXPECT_EQ(nvic.exceptionToTake(execPri(false, false, 0x40)), irq(1));
    nvic.clearPending(irq(1));
    EXPECT_FALSE(nvic.exceptionToTake(execPri(false, false, 0x40)).has_value());
    // BASEPRI 0 disables masking; unimplemented low bits are ignored (0x1F acts as 0).
    EXPECT_EQ(execPri(false, false, 0), Nvic::kThreadPriority);
    EXPECT_EQ(execPri(false, false, 0x1F), Nvic::kThreadPriority);
    EXPECT_EQ(execPri(false, false, 0x5F), 0x40);
    // BASEPRI only ever raises the priority: an active 0x20 handler with BASEPRI 0x60 stays 0x20.
    nvic.activate(irq(1));
    EXPECT_EQ(execPri(false, false, 0x60), 0x20);
}

TEST_F(NvicTest, PrigroupSplitsGroupAndSubpriority) {
    // PRIGROUP 5: group priority bits [7:6], subpriority bits [5:0] (so bit 5 is sub).
    nvic.setPriorityGrouping(5);
    enableIrq(0, 0x40);  // group 0x40, sub 0x00
    enableIrq(1, 0x60);  // group 0x40, sub 0x20
    enableIrq(2, 0x20);  // group 0x00, sub 0x20
    EXPECT_EQ(nvic.groupPriority(irq(0)), 0x40);
    EXPECT_EQ(nvic.groupPriority(irq(1)), 0x40);
    EXPECT_EQ(nvic.groupPriority(irq(2)), 0x00);
    // Subpriority does not preempt: with IRQ1 (group 0x40, sub 0x20) active, IRQ0 (same group,
    // better subpriority) waits; only a better group priority preempts.
    nvic.activate(irq(1));
    EXPECT_EQ(execPri(), 0x40);  // execution priority is the group priority
    nvic.setPending(irq(0));     // better subpriority, same group
    EXPECT_FALSE(nvic.exceptionToTake(execPri()).has_value());
    nvic.setPending(irq(2));     // better group
    EXPECT_EQ(nvic.exceptionToTake(execPri()), irq(2));
    nvic.clearPending(irq(2));
    // Among pending exceptions of one group the subpriority still orders them.
    nvic.deactivate(irq(1));
    nvic.setPending(irq(1));
    EXPECT_EQ(nvic.highestPending(), irq(0));
    // BASEPRI is compared by group too: BASEPRI 0x60 under PRIGROUP 5 masks group 0x40.
    EXPECT_EQ(execPri(false, false, 0x60), 0x40);
    EXPECT_FALSE(nvic.exceptionToTake(execPri(false, false, 0x60)).has_value());
}

TEST_F(NvicTest, PrigroupSevenMeansNoPreemptionAmongConfigurable) {
    nvic.setPriorityGrouping(7);
    enableIrq(0, 0xE0);
    enableIrq(1, 0x00);
    nvic.activate(irq(0));
    EXPECT_EQ(nvic.groupPriority(irq(1)), 0);
    EXPECT_EQ(execPri(), 0);
    nvic.setPending(irq(1));
    EXPECT_FALSE(nvic.exceptionToTake(execPri()).has_value());
    nvic.setPriorityGrouping(0xF);  // only 3 bits
    EXPECT_EQ(nvic.priorityGrouping(), 7u);
}

TEST_F(NvicTest, PrigroupLowValuesKeepAllImplementedBitsAsGroup) {
    // With 3 implemented bits, PRIGROUP 0..4 leave all of bits [7:5] as group priority.
    for (unsigned g = 0; g <= 4; ++g) {
        nvic.setPriorityGrouping(g);
        nvic.setPriorityField(irq(0), 0xE0);
        EXPECT_EQ(nvic.groupPriority(irq(0)), 0xE0) << g;
    }
    nvic.setPriorityGrouping(6);  // group bit 7 only
    EXPECT_EQ(nvic.groupPriority(irq(0)), 0x80);
}

TEST_F(NvicTest, LevelSensitiveLinePendsAgainOnDeactivateWhileHigh) {
    enableIrq(4, 0x20);
    nvic.setIrqLevel(4, true);
    EXPECT_TRUE(nvic.pending(irq(4)));
    nvic.activate(irq(4));
    EXPECT_FALSE(nvic.pending(irq(4)));  // entry clears pending even with the line high
    nvic.deactivate(irq(4));
    EXPECT_TRUE(nvic.pending(irq(4)));  // still asserted: pending again
    nvic.activate(irq(4));
    nvic.setIrqLevel(4, false);  // handler cleared the source
    nvic.deactivate(irq(4));
    EXPECT_FALSE(nvic.pending(irq(4)));
}

TEST_F(NvicTest, LevelSensitiveLineStaysPendingOnceLatched) {
    enableIrq(4, 0x20);
    nvic.setIrqLevel(4, true);
    nvic.setIrqLevel(4, false);
    // The NVIC latched the pulse: pending until taken or cleared.
    EXPECT_TRUE(nvic.pending(irq(4)));
    nvic.clearPending(irq(4));
    EXPECT_FALSE(nvic.pending(irq(4)));
}

TEST_F(NvicTest, ClearPendingWhileLevelHighPendsAgain) {
    enableIrq(6, 0x20);
    nvic.setIrqLevel(6, true);
    nvic.clearPending(irq(6));
    EXPECT_TRUE(nvic.pending(irq(6)));
    nvic.setIrqLevel(6, false);
    nvic.clearPending(irq(6));
    EXPECT_FALSE(nvic.pending(irq(6)));
}

TEST_F(NvicTest, EdgeSensitiveLinePendsOnRisingEdgeOnly) {
    nvic.setLevelSensitive(5, false);
    enableIrq(5, 0x20);
    nvic.setIrqLevel(5, true);
    EXPECT_TRUE(nvic.pending(irq(5)));
    nvic.activate(irq(5));
    nvic.setIrqLevel(5, true);  // still high, no new edge
    EXPECT_FALSE(nvic.pending(irq(5)));
    nvic.deactivate(irq(5));
    EXPECT_FALSE(nvic.pending(irq(5)));  // no re-pend while the line stays high
    // clearPending while high does not re-pend either.
    nvic.setPending(irq(5));
    nvic.clearPending(irq(5));
    EXPECT_FALSE(nvic.pending(irq(5)));
    // A new edge pends again.
    nvic.setIrqLevel(5, false);
    EXPECT_FALSE(nvic.pending(irq(5)));
    nvic.setIrqLevel(5, true);
    EXPECT_TRUE(nvic.pending(irq(5)));
}

TEST_F(NvicTest, EdgeWhileActivePendsAgain) {
    nvic.setLevelSensitive(5, false);
    enableIrq(5, 0x20);
    nvic.setIrqLevel(5, true);
    nvic.activate(irq(5));
    nvic.setIrqLevel(5, false);
    nvic.setIrqLevel(5, true);  // second edge during the handler
    EXPECT_TRUE(nvic.pending(irq(5)));
    EXPECT_TRUE(nvic.active(irq(5)));
    nvic.deactivate(irq(5));
    EXPECT_TRUE(nvic.pending(irq(5)));
}

TEST_F(NvicTest, SoftwarePendOfLevelLineIsNotRepeatedAfterReturn) {
    enableIrq(2, 0x20);
    nvic.setPending(irq(2));  // ISPR / STIR, line low
    nvic.activate(irq(2));
    nvic.deactivate(irq(2));
    EXPECT_FALSE(nvic.pending(irq(2)));
}

TEST_F(NvicTest, OnChangeIsCalledForStateChanges) {
    changes = 0;
    nvic.setPending(irq(1));
    EXPECT_EQ(changes, 1);
    nvic.setEnabled(irq(1), true);
    EXPECT_EQ(changes, 2);
    nvic.setEnabled(irq(1), true);  // no change, no call
    EXPECT_EQ(changes, 2);
    nvic.setPriorityField(irq(1), 0x40);
    EXPECT_EQ(changes, 3);
    nvic.clearPending(irq(1));
    EXPECT_EQ(changes, 4);
    nvic.setIrqLevel(3, true);  // rising edge pends
    EXPECT_EQ(changes, 5);
    nvic.activate(irq(3));
    nvic.deactivate(irq(3));  // re-pend on return must be noticed
    EXPECT_GE(changes, 6);
    int before = changes;
    nvic.setEnabled(irq(1), false);
    EXPECT_EQ(changes, before + 1);
}

TEST_F(NvicTest, HighestActiveAndReset) {
    enableIrq(0, 0x60);
    enableIrq(1, 0x20);
    nvic.activate(irq(0));
    nvic.activate(irq(1));
    nvic.activate(exc::kSvCall);  // priority 0
    EXPECT_EQ(nvic.highestActive(), exc::kSvCall);
    EXPECT_EQ(nvic.activeCount(), 3u);
    nvic.setPriorityGrouping(3);
    nvic.setPending(irq(2));
    nvic.reset();
    EXPECT_EQ(nvic.activeCount(), 0u);
    EXPECT_FALSE(nvic.pending(irq(2)));
    EXPECT_FALSE(nvic.enabled(irq(0)));
    EXPECT_EQ(nvic.priorityField(irq(0)), 0);
    EXPECT_EQ(nvic.priorityGrouping(), 0u);
    EXPECT_TRUE(nvic.enabled(exc::kSysTick));
}

}  // namespace
}  // namespace mt3620
