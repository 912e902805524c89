#pragma once
// MediaTek's 16550-compatible UART, as used for the M4 debug UART (0x2104_0000, IRQ 4) and the
// ISU UARTs (0x3807_0500 + n * 0x1_0000, IRQ 47 + 4n). Register facts: reference §4.3.
//
// Timing is modelled: a THR write queues the byte in a 16-byte TX FIFO, the shifter sends one
// character per character time (from the programmed divisor and frame format), and each byte
// reaches `tx` stamped with the virtual time its stop bit ended. So LSR.THRE/TEMT and TX_OFFSET
// change the way they do on silicon, and polled output is paced by the baud rate.
//
// DMA (virtual FIFO) mode: with VFIFO_EN b0 set, EXTEND_ADD b1 (TX DMA handshake) lets the M4
// DMA's TX channel (13 + 2n for ISU n) fill the TX FIFO through `dma_tx`, and EXTEND_ADD b0 (RX
// DMA handshake) lets the RX channel (14 + 2n) drain the RX FIFO through `dma_rx` (reference
// §4.3, §4.11). The FIFOs, timing and interrupts stay as without DMA.
//
// Hardware/software flow control and modem-status deltas are not modelled; the registers that
// configure them store what is written.
#include <array>
#include <cstdint>
#include <string>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/DmaPort.h"
#include "periph/RegisterBlock.h"
#include "periph/Signals.h"

namespace mt3620 {

class MtkUart : public RegisterBlock, public ByteSink {
public:
    /// The UART source clock (reference §4.3, §4.12).
    static constexpr std::uint64_t kSourceClockHz = 26'000'000;
    /// Depth of each of the TX and RX FIFOs (reference §4.3).
    static constexpr unsigned kFifoDepth = 16;
    /// Baud rate assumed while the divisor is still 0 (never programmed).
    static constexpr std::uint64_t kDefaultBaud = 115200;

    MtkUart(std::string name, Scheduler& scheduler, Log& log, std::uint32_t size = 0x1000);

    /// A byte arriving on the RX pin (terminal, test, another UART). Ignored in loopback mode,
    /// where the receiver is disconnected from the pin as on a 16550.
    void receiveByte(std::uint8_t byte);
    /// ByteSink side, so one UART's `tx` can feed another UART directly.
    void receiveByte(std::uint8_t byte, Picos /*time*/) override { receiveByte(byte); }

    /// Duration of one character (start + data + parity + stop bits) at the current settings.
    Picos characterTime();

    std::string registerName(std::uint32_t offset) const override;

    /// Bytes leaving on the TX pin.
    ByteOutput tx;
    /// Interrupt output: high while any enabled interrupt condition is pending (IIR != 0x01).
    IrqLine irq;
    /// DMA handshake ports: TX takes bytes from a DMA channel into the TX FIFO, RX hands
    /// received bytes to one. Each is ready only while its handshake is enabled.
    DmaPort dma_tx;
    DmaPort dma_rx;

    // Register offsets (reference §4.3). Banked offsets are named by their normal view.
    static constexpr std::uint32_t kRbrThrDll = 0x00, kIerDlm = 0x04, kIirFcrEfr = 0x08,
                                   kLcr = 0x0C, kMcr = 0x10, kLsr = 0x14, kMsr = 0x18,
                                   kScr = 0x1C, kRxLevelCtl = 0x20, kHighSpeed = 0x24,
                                   kSampleCount = 0x28, kSamplePoint = 0x2C, kAutobaud = 0x30,
                                   kRateFix = 0x34, kGuard = 0x3C, kEscapeDat = 0x40,
                                   kEscapeEn = 0x44, kSwRtoLimit = 0x48, kVfifoEn = 0x4C,
                                   kRxTrig = 0x50, kFracDivL = 0x54, kFracDivM = 0x58,
                                   kFcrRd = 0x5C, kExtendAdd = 0x64, kRxOffset = 0x68,
                                   kTxOffset = 0x6C, kInterruptSta = 0x70;

protected:
    void onReset() override;

private:
    /// Fixed ring buffer: no allocation on the data path.
    class ByteFifo {
    public:
        bool empty() const { return count_ == 0; }
        bool full() const { return count_ == kFifoDepth; }
        unsigned size() const { return count_; }
        void push(std::uint8_t b) { data_[(head_ + count_++) % kFifoDepth] = b; }
        std::uint8_t front() const { return count_ ? data_[head_] : 0; }
        std::uint8_t pop() {
            std::uint8_t b = data_[head_];
            head_ = (head_ + 1) % kFifoDepth;
            --count_;
            return b;
        }
        void clear() { head_ = count_ = 0; }

    private:
        std::array<std::uint8_t, kFifoDepth> data_{};
        unsigned head_ = 0;
        unsigned count_ = 0;
    };

    void resetState();
    bool dlab() const;
    bool enhancedMode() const;  // LCR == 0xBF: EFR, XON/XOFF view

    std::uint32_t readRbr();
    void writeThr(std::uint8_t byte);
    void writeIer(std::uint8_t value);
    void writeFcr(std::uint8_t value);
    std::uint32_t readIir();
    std::uint32_t readLsr();
    std::uint32_t iirValue() const;  // IIR and LSR without their read side effects (debugger)
    std::uint32_t lsrValue() const;
    std::uint32_t readMsr() const;

    void startShifting(std::uint8_t byte, Picos start);
    void onCharacterSent();
    void pushRx(std::uint8_t byte);
    void restartRxTimeout();

    unsigned rxTriggerLevel() const;
    bool txAtOrBelowThreshold() const;
    std::uint8_t pendingInterruptId() const;
    void updateIrq();
    void invalidateCharacterTime() { character_time_ = 0; }
    bool txDmaEnabled() const;
    bool rxDmaEnabled() const;
    void requestDma();

    Scheduler& scheduler_;
    Log& log_;
    Register* lcr_ = nullptr;  // the stored LCR, read on every banked access
    EventTimer tx_timer_;      // end of the character in the shifter
    EventTimer rx_timeout_timer_;

    // Banked registers live here rather than in the RegisterBlock, which has one value per offset.
    std::uint8_t ier_ = 0, dll_ = 0, dlm_ = 0, efr_ = 0, fcr_ = 0, mcr_ = 0, scr_ = 0;
    std::uint8_t xon1_ = 0, xon2_ = 0, xoff1_ = 0, xoff2_ = 0;
    std::uint8_t lsr_errors_ = 0;  // LSR OE/PE/FE/BI, cleared by reading LSR

    ByteFifo tx_fifo_;
    ByteFifo rx_fifo_;
    bool shifter_busy_ = false;
    std::uint8_t shifter_byte_ = 0;
    Picos shifter_done_at_ = 0;

    bool thr_pending_ = false;         // 16550 THR-empty interrupt latch
    bool rx_timeout_pending_ = false;  // character timeout latch

    Picos character_time_ = 0;  // cached; 0 = recompute
    bool logged_default_baud_ = false;
};

}  // namespace mt3620
