// Mailboxes (reference §6.1): FIFO order and depth, data-then-command push/pop, counts,
// software interrupts, FIFO interrupt bits in each end's order, the semaphore, and the A7 end's
// C++ interface; plus the M4 ends on each core's bus with their IRQs.
#include <gtest/gtest.h>

#include <spdlog/sinks/null_sink.h>

#include "machine/Machine.h"
#include "periph/Mailbox.h"

namespace mt3620 {
namespace {

Log quietLog() {
    return Log(std::make_shared<spdlog::logger>("mbox", std::make_shared<spdlog::sinks::null_sink_mt>()));
}

using M = Mailbox;

std::uint32_t rd(Mailbox::End& e, std::uint32_t off) {
    std::uint32_t v = 0;
    EXPECT_TRUE(e.read(off, 4, v));
    return v;
}
void wr(Mailbox::End& e, std::uint32_t off, std::uint32_t v) { EXPECT_TRUE(e.write(off, 4, v)); }

TEST(MailboxTest, DataThenCommandPushesAndCommandReadPops) {
    Log log = quietLog();
    Mailbox box(M::Kind::M4ToA7, "m4", "a7", log);
    auto& m4 = box.m4End();
    auto& a7 = box.a7End();
    EXPECT_EQ(rd(m4, M::kVer), 0x3620'0000u);
    wr(m4, M::kDataPush, 0x1111);
    EXPECT_EQ(rd(a7, M::kPopCnt), 0u) << "data alone pushes nothing";
    wr(m4, M::kCmdPush, 0xA1);
    wr(m4, M::kDataPush, 0x2222);
    wr(m4, M::kCmdPush, 0xA2);
    EXPECT_EQ(rd(m4, M::kPushCnt), 2u);
    EXPECT_EQ(rd(a7, M::kPopCnt), 2u);
    EXPECT_EQ(rd(a7, M::kDataPop), 0x1111u);
    EXPECT_EQ(rd(a7, M::kDataPop), 0x1111u) << "reading data does not pop";
    EXPECT_EQ(rd(a7, M::kCmdPop), 0xA1u);
    EXPECT_EQ(rd(a7, M::kPopCnt), 1u);
    EXPECT_EQ(rd(m4, M::kPushCnt), 1u);
    EXPECT_EQ(rd(a7, M::kDataPop), 0x2222u);
    EXPECT_EQ(rd(a7, M::kCmdPop), 0xA2u);
    EXPECT_EQ(rd(a7, M::kCmdPop), 0u) << "empty reads 0";
    EXPECT_EQ(rd(a7, M::kPopCnt), 0u);
}

TEST(MailboxTest, FifoHoldsFifteenEntriesEachWayInOrder) {
    Log log = quietLog();
    Mailbox box(M::Kind::M4ToM4, "m4-0", "m4-1", log);
    auto& a = box.end(0);
    auto& b = box.end(1);
    for (std::uint32_t i = 0; i < 15; ++i) EXPECT_TRUE(a.push(i, 100 + i));
    EXPECT_FALSE(a.push(99, 99)) << "the 16th entry does not fit";
    wr(a, M::kCmdPush, 77);  // dropped (logged)
    EXPECT_TRUE(b.push(500, 600)) << "the other direction is independent";
    EXPECT_EQ(b.popCount(), 15u);
    for (std::uint32_t i = 0; i < 15; ++i) {
        auto e = b.pop();
        ASSERT_TRUE(e);
        EXPECT_EQ(e->cmd, i);
        EXPECT_EQ(e->data, 100 + i);
    }
    EXPECT_FALSE(b.pop());
    auto back = a.pop();
    ASSERT_TRUE(back);
    EXPECT_EQ(back->cmd, 500u);
}

TEST(MailboxTest, SoftwareInterruptsReachTheOtherSideAndClearByWritingOne) {
    Log log = quietLog();
    Mailbox box(M::Kind::M4ToA7, "m4", "a7", log);
    auto& m4 = box.m4End();
    auto& a7 = box.a7End();
    std::uint32_t seen = 0;
    a7.on_software_interrupt = [&](std::uint32_t bits) { seen |= bits; };
    wr(m4, M::kSwTxIntPort, 0x1);
    EXPECT_EQ(seen, 0x1u);
    EXPECT_EQ(a7.softwareInterrupts(), 0x1u);
    EXPECT_EQ(rd(m4, M::kSwRxIntSts), 0u) << "only the other side";

    a7.raiseSoftwareInterrupt(0x2);
    EXPECT_EQ(rd(m4, M::kSwRxIntSts), 0x2u);
    EXPECT_FALSE(m4.irq[5].level()) << "not enabled";
    wr(m4, M::kSwRxIntEn, 0x2);
    EXPECT_TRUE(m4.irq[5].level());
    wr(m4, M::kSwRxIntSts, 0x2);
    EXPECT_EQ(rd(m4, M::kSwRxIntSts), 0u);
    EXPECT_FALSE(m4.irq[5].level());
}

TEST(MailboxTest, FifoInterruptBitsUseEachEndsOrder) {
    Log log = quietLog();
    Mailbox box(M::Kind::M4ToA7, "m4", "a7", log);
    auto& m4 = box.m4End();
    auto& a7 = box.a7End();
    wr(m4, M::kIntEn, 0xF);
    a7.push(1, 2);  // the A7 wrote: WR (b2) and NE (b3) on the M4 side, Codethink's order
    EXPECT_EQ(rd(m4, M::kIntSts), 0xCu);
    EXPECT_TRUE(m4.irq[M::kWr].level());
    EXPECT_TRUE(m4.irq[M::kNe].level());
    EXPECT_TRUE(m4.irq[4].level()) << "the FIFO (threshold) line";
    wr(m4, M::kIntSts, 0xC);
    EXPECT_EQ(rd(m4, M::kIntSts), 0u);
    EXPECT_FALSE(m4.irq[M::kWr].level());
    rd(m4, M::kCmdPop);  // the M4 read the A7's post: RD and NF at the A7 end, Linux order
    EXPECT_EQ(rd(a7, M::kIntSts), (1u << 1) | (1u << 3));
    wr(a7, M::kIntEn, 0x2);
    EXPECT_TRUE(a7.irq[M::kRd].level());
}

TEST(MailboxTest, SemaphoreIsAcquiredByReadAndReleasedByWritingZero) {
    Log log = quietLog();
    Mailbox box(M::Kind::M4ToA7, "m4", "a7", log);
    EXPECT_EQ(rd(box.m4End(), M::kSemaphore), 0u) << "was free: the M4 holds it now";
    EXPECT_EQ(rd(box.a7End(), M::kSemaphore), 1u) << "held by the CM4";
    wr(box.m4End(), M::kSemaphore, 0);
    EXPECT_EQ(rd(box.a7End(), M::kSemaphore), 0u);
    EXPECT_EQ(rd(box.m4End(), M::kSemaphore), 2u) << "held by the CA7";
    Mailbox m4m4(M::Kind::M4ToM4, "a", "b", log);
    std::uint32_t v;
    EXPECT_FALSE(m4m4.end(0).read(M::kSemaphore, 4, v)) << "the M4 <-> M4 mailbox has no semaphore";
}

TEST(MailboxTest, DebuggerReadsNeitherPopNorTakeTheSemaphore) {
    Log log = quietLog();
    Mailbox box(M::Kind::M4ToA7, "m4", "a7", log);
    box.a7End().push(0xC0DE, 0x55);
    std::uint32_t v = 0;
    EXPECT_TRUE(box.m4End().debugRead(M::kCmdPop, 4, v));
    EXPECT_EQ(v, 0xC0DEu);
    EXPECT_EQ(rd(box.m4End(), M::kPopCnt), 1u) << "a debugger's read of CMD_POP does not pop";
    EXPECT_TRUE(box.m4End().debugRead(M::kSemaphore, 4, v));
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(rd(box.a7End(), M::kSemaphore), 0u) << "the debugger did not take the semaphore";
    EXPECT_EQ(rd(box.m4End(), M::kCmdPop), 0xC0DEu) << "software's read still pops";
    EXPECT_EQ(rd(box.m4End(), M::kPopCnt), 0u);
}

TEST(MailboxTest, GenCtrlResetsBothSidesOrThisSide) {
    Log log = quietLog();
    Mailbox box(M::Kind::M4ToM4, "a", "b", log);
    box.end(0).push(1, 1);
    box.end(1).push(2, 2);
    wr(box.end(0), M::kGenCtrl, 0x2);  // this side: my outbound FIFO
    EXPECT_EQ(box.end(0).pushCount(), 0u);
    EXPECT_EQ(box.end(1).pushCount(), 1u);
    wr(box.end(1), M::kGenCtrl, 0x1);
    EXPECT_EQ(box.end(1).pushCount(), 0u);
}

TEST(MailboxTest, M4EndsArePerCoreBlocksWiredToIrqs6To17) {
    MachineConfig c;
    c.logger = std::make_shared<spdlog::logger>("m", std::make_shared<spdlog::sinks::null_sink_mt>());
    Machine machine(c);
    PeripheralBus& bus0 = machine.m4(CoreId::M4_0).bus;
    PeripheralBus& bus1 = machine.m4(CoreId::M4_1).bus;
    // M4 <-> M4: what m4-0 posts at 0x2106_0000, m4-1 pops at its own 0x2106_0000.
    bus0.write(0x2106'0044, 4, 0xBEEF);
    bus0.write(0x2106'0040, 4, 0x42);
    EXPECT_EQ(bus1.read(0x2106'0058, 4), 1u);
    EXPECT_EQ(bus1.read(0x2106'0054, 4), 0xBEEFu);
    EXPECT_EQ(bus1.read(0x2106'0050, 4), 0x42u);
    bus0.write(0x2106'0014, 4, 0x1);  // SW interrupt to m4-1
    bus1.write(0x2106'0018, 4, 0x1);
    EXPECT_TRUE(machine.m4Mailbox().end(1).irq[5].level());
    EXPECT_TRUE(machine.m4(CoreId::M4_1).core.nvic().pending(16 + 17)) << "IRQ 17 = M42M4_SW";
    // M4 <-> A7 of m4-1: the A7 end's C++ interface.
    Mailbox::End& a7 = machine.a7Mailbox(CoreId::M4_1).a7End();
    a7.push(0xBA5E0003, 0);
    EXPECT_EQ(bus1.read(0x2105'0058, 4), 1u);
    EXPECT_EQ(bus0.read(0x2105'0058, 4), 0u) << "m4-0's A7 mailbox is another one";
    EXPECT_EQ(bus1.read(0x2105'0050, 4), 0xBA5E0003u);
}

TEST(MailboxTest, WakeLinesPendIrq18ForA7TrafficAndIrq19ForTheOtherM4) {
    MachineConfig c;
    c.logger = std::make_shared<spdlog::logger>("m", std::make_shared<spdlog::sinks::null_sink_mt>());
    Machine machine(c);
    Nvic& nvic0 = machine.m4(CoreId::M4_0).core.nvic();
    Nvic& nvic1 = machine.m4(CoreId::M4_1).core.nvic();
    constexpr unsigned kIrq18 = 16 + 18, kIrq19 = 16 + 19;
    EXPECT_FALSE(nvic0.pending(kIrq18));
    machine.a7Mailbox(CoreId::M4_0).a7End().push(0xBA5E0003, 0);  // the A7 posts to m4-0
    EXPECT_TRUE(nvic0.pending(kIrq18)) << "A7N_WAKE_M4";
    EXPECT_FALSE(nvic1.pending(kIrq18)) << "only the M4 the A7 posted to";
    EXPECT_FALSE(nvic0.pending(kIrq19));
    machine.m4(CoreId::M4_1).bus.write(0x2106'0014, 4, 0x1);  // m4-1 raises a SW interrupt to m4-0
    EXPECT_TRUE(nvic0.pending(kIrq19)) << "M4_WAKE_M4";
    EXPECT_FALSE(nvic1.pending(kIrq19)) << "not the sender's own";
    EXPECT_FALSE(machine.a7Mailbox(CoreId::M4_0).m4End().wake.level()) << "a pulse: the line is low again";
}

}  // namespace
}  // namespace mt3620
