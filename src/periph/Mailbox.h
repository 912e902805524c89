#pragma once
// An MT3620 mailbox (reference §6.1): two ends, each a register block, joined by two FIFOs of
// 15 (command, data) entries, one per direction, plus software interrupts and (between the A7
// and an M4 only) a semaphore.
//
//   M4 <-> A7: the M4 end at 0x2105_0000 in each M4, the A7 end at 0x3101_0000 (IO M4 0) /
//              0x3102_0000 (IO M4 1). M4 IRQs 6-11.
//   M4 <-> M4: each M4's end at 0x2106_0000 (its own instance, reference §2.1). M4 IRQs 12-17.
//
// Posting: write DATA_PUSH (latched), then CMD_PUSH, which pushes the pair. Receiving: read
// DATA_POP (the head's data, no pop), then CMD_POP, which pops. A push into a full FIFO is
// dropped and logged; a pop from an empty FIFO reads 0.
//
// SW_TX_INT_PORT bit k sets bit k of the other end's SW_RX_INT_STS (write 1 to clear); the
// software interrupt line is STS & SW_RX_INT_EN.
//
// FIFO interrupts: INT_STS (W1C) collects four events, masked by INT_EN: RD (the other end
// popped one of my entries), NF (my outbound FIFO fell to NF_THRS or below), WR (the other end
// pushed to me), NE (my inbound FIFO rose above NE_THRS). Their bit positions disagree between
// the public sources (reference §6.1 [conflict]); the M4 ends use Codethink's order (RD b0, NF
// b1, WR b2, NE b3, matching IRQ order 6..9), the A7 end the Linux driver's (WR b0, RD b1, NE b2,
// NF b3). The six interrupt outputs are RD, NF, WR, NE (each STS & EN), FIFO (NF or NE, the
// threshold events) and SW. docs/intercore.md lists the choices.
//
// The A7 end also has a C++ interface for the emulated OS: push/pop, software interrupts, and
// callbacks when the M4 posts or raises a software interrupt. Callbacks run inside the M4's
// register access: they may use the mailbox, but must not change the M4's memory mappings.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/Log.h"
#include "periph/MmioDevice.h"
#include "periph/Signals.h"

namespace mt3620 {

class Mailbox {
public:
    static constexpr std::uint32_t kM4A7Base = 0x2105'0000;  // M4 end of M4 <-> A7
    static constexpr std::uint32_t kM4M4Base = 0x2106'0000;  // M4 end of M4 <-> M4
    static constexpr std::uint32_t kA7EndBase0 = 0x3101'0000;  // A7 end for IO M4 0
    static constexpr std::uint32_t kA7EndBase1 = 0x3102'0000;  // A7 end for IO M4 1
    static constexpr unsigned kM4A7FirstIrq = 6;   // M42A7N_RD .. A7N2M4_SW (reference §3)
    static constexpr unsigned kM4M4FirstIrq = 12;  // M42M4_RD .. M42M4_SW
    static constexpr unsigned kA7WakeIrq = 18;     // A7N_WAKE_M4 (reference §3)
    static constexpr unsigned kM4WakeIrq = 19;     // M4_WAKE_M4
    static constexpr unsigned kFifoDepth = 15;
    static constexpr std::uint32_t kVersion = 0x3620'0000;
    static constexpr std::uint32_t kSize = 0x1000;

    // Register offsets (reference §6.1).
    static constexpr std::uint32_t kVer = 0x00, kGenCtrl = 0x04, kDbgIdx = 0x08, kDbgProbe = 0x0C,
                                   kSwTxIntPort = 0x14, kSwRxIntEn = 0x18, kSwRxIntSts = 0x1C,
                                   kFifoCtrl = 0x20, kNfThrs = 0x30, kNeThrs = 0x34, kIntEn = 0x38,
                                   kIntSts = 0x3C, kCmdPush = 0x40, kDataPush = 0x44, kPushCnt = 0x48,
                                   kCmdPop = 0x50, kDataPop = 0x54, kPopCnt = 0x58, kSemaphore = 0x60;

    enum class Kind { M4ToA7, M4ToM4 };
    /// Which FIFO event sits in which INT_EN/INT_STS bit.
    enum class IntBitOrder { Codethink, Linux };
    enum Event : unsigned { kRd = 0, kNf = 1, kWr = 2, kNe = 3 };

    struct Entry {
        std::uint32_t cmd = 0;
        std::uint32_t data = 0;
    };

    /// One end: the register block a core maps, and the C++ interface to the same state.
    class End : public MmioDevice {
    public:
        /// Interrupt outputs: RD, NF, WR, NE, FIFO, SW (M4 IRQ first + 0..5).
        std::array<IrqLine, 6> irq;
        /// Wake-up output (IRQ 18 A7N_WAKE_M4 / 19 M4_WAKE_M4, reference §3): its behaviour is
        /// not public. Chosen: a pulse, so one pending interrupt, each time the other end
        /// pushes an entry or raises a software interrupt; there is nothing to clear
        /// (docs/intercore.md).
        IrqLine wake;

        /// Posts (cmd, data) to the other end; false (nothing posted) when the FIFO is full.
        bool push(std::uint32_t cmd, std::uint32_t data);
        /// Takes the oldest entry the other end posted, if any.
        std::optional<Entry> pop();
        unsigned pushCount() const;  // my entries the other end has not popped
        unsigned popCount() const;   // entries waiting for me
        /// Raises software interrupts `bits` at the other end (as SW_TX_INT_PORT does).
        void raiseSoftwareInterrupt(std::uint32_t bits);
        std::uint32_t softwareInterrupts() const { return sw_sts_; }
        void clearSoftwareInterrupts(std::uint32_t bits);

        /// The other end pushed an entry / raised software interrupts (`bits`).
        std::function<void()> on_post;
        std::function<void(std::uint32_t bits)> on_software_interrupt;

        // MmioDevice
        bool read(std::uint32_t offset, unsigned size, std::uint32_t& value) override;
        bool write(std::uint32_t offset, unsigned size, std::uint32_t value) override;
        /// CMD_POP shows the head's command without popping; SEMAPHORE_P the holder, untaken.
        bool debugRead(std::uint32_t offset, unsigned size, std::uint32_t& value) override;
        std::string registerName(std::uint32_t offset) const override;
        void reset() override;

    private:
        friend class Mailbox;
        End(Mailbox& box, unsigned index, std::string name, IntBitOrder order);
        End& peer();
        void event(Event e);
        void pulseWake();
        std::uint32_t statusBits() const;  // INT_STS in this end's bit order
        void clearStatus(std::uint32_t register_bits);
        void updateIrqs();
        std::uint32_t bitOf(Event e) const;
        std::uint32_t acquireSemaphore();

        Mailbox& box_;
        unsigned index_;
        IntBitOrder order_;
        std::uint32_t data_latch_ = 0;
        std::uint32_t sw_en_ = 0, sw_sts_ = 0;
        std::uint32_t int_en_ = 0;
        bool wake_logged_ = false;
        std::uint32_t events_ = 0;  // bit e = Event e pending
        std::uint32_t fifo_ctrl_ = 0, nf_thrs_ = 0, ne_thrs_ = 0, dbg_idx_ = 0;
    };

    /// `names` of the two ends, e.g. {"m4-0.MBOX-A7", "a7.MBOX-M4-0"}. For M4ToA7, end 0 is the
    /// M4's and end 1 the A7's.
    Mailbox(Kind kind, std::string end0_name, std::string end1_name, Log& log);

    End& end(unsigned i) { return i == 0 ? end0_ : end1_; }
    /// For M4ToA7 mailboxes.
    End& m4End() { return end0_; }
    End& a7End() { return end1_; }
    Kind kind() const { return kind_; }
    /// Both FIFOs, statuses and the semaphore back to power-on (GEN_CTRL b0).
    void resetAll();

private:
    struct Fifo {
        std::array<Entry, kFifoDepth> slots{};
        unsigned head = 0;
        unsigned count = 0;
        bool push(Entry e);
        std::optional<Entry> pop();
        const Entry* front() const { return count ? &slots[head] : nullptr; }
        void clear() { head = count = 0; }
    };
    Fifo& outbound(unsigned end) { return fifo_[end]; }
    Fifo& inbound(unsigned end) { return fifo_[1 - end]; }

    Kind kind_;
    Log& log_;
    std::array<Fifo, 2> fifo_;  // fifo_[i]: entries end i posted
    std::uint32_t semaphore_ = 0;  // 0 free, 1 held by the M4, 2 held by the A7
    End end0_;
    End end1_;
};

}  // namespace mt3620
