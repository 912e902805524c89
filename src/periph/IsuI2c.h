#pragma once
// The I2C master of an ISU (serial interface unit): ISU n's block at 0x3807_0200 + n * 0x1_0000,
// NVIC IRQ 44 + 4n (reference §4.4, §4.5). Its bus (`bus`) carries the board's I2C devices.
//
// What is modelled, in the order MediaTek's and Codethink's drivers program it (§4.5):
//   MM_STATUS.START_READY (1 while idle) and BUS_BUSY (1 while a transaction runs);
//   MM_CON0 MASTER_EN / GMODE / START_EN (START_EN reads 1 until the transaction ends);
//   MM_ID_CON0 (7-bit address, not shifted); MM_PACK_CON0 (1 to 3 packets, each a write or a
//   read: write, read, and write-then-read with a repeated START); MM_CNT_BYTE_VAL_PK0..2;
//   8-byte TX and RX FIFOs behind MM_FIFO_DATA, with MM_FIFO_STATUS (idle 0x11) and
//   MM_FIFO_PTR (4-bit read/write pointers, so an 8-byte FIFO reads wptr - rptr = 8 when full,
//   as MediaTek's count computation expects) and MM_FIFO_CON0 clears;
//   MM_ACK_VAL (1 = NACK): b[10:8] the address byte of packet 0..2, b[7:0] data bytes the
//   target refused; I2C_INT_CTRL.MM_INT_STA set when a transaction ends (write 1 to clear) and
//   IRQ 44 + 4n while STA, MM_INT_EN and not MM_INT_MSK.
//
// Timing: each byte (the address byte of every packet and every data byte) takes 9 SCL clocks,
// one SCL clock being the sum of the four phase counts in MM_CNT_VAL_PHL/PHH in 26 MHz ticks
// (§4.5), plus 2 ticks with MM_PAD_CON0.CLK_SYNC_EN and DE_CNT + 4 with a de-glitch count (the
// ticks MediaTek's speed set-up takes off phase 1 to compensate; inferred from that driver).
// The transaction runs byte by byte in virtual time against the bus: a write byte leaves the TX
// FIFO when it starts, a read byte enters the RX FIFO when it ends, the completion
// interrupt comes when the last byte (or the refused one) ends. A write that finds the TX FIFO
// empty, or a read that finds the RX FIFO full, waits (the master holds SCL) until software or
// the DMA moves a byte. An address NACK ends the transaction there (STOP), as does a data NACK.
//
// Not modelled (registers store what is written): the slave (S_*) half, arbitration (only one
// master: MM_ARB_HAD_LOSE never sets), START/STOP condition timing, clock stretching by targets.
//
// DMA (the M4 DMA model, reference §4.11: half-size channels 2n (TX) and 2n + 1 (RX) serve
// ISU n's I2C and SPI). The controller's end of each handshake is a DmaPort (periph/DmaPort.h),
// wired by the machine to the channel: `dma->connect(2 * n, i2c.dma_tx)`. With
// DMA_CON0.DMA_HS_EN set:
//   dma_tx.ready()  true while a transaction runs, one of its write bytes has not yet been
//                   pushed, and the TX FIFO has room; dma_tx.push(byte) = a write of FIFO_DATA
//   dma_rx.ready()  true while the RX FIFO holds a byte; dma_rx.pop() = a read of FIFO_DATA
// The controller calls request() on a port whenever its ready() is true after a change (START_EN,
// a write byte leaving the TX FIFO, a read byte arriving, DMA_HS_EN set). pushTx() / popRx() do
// the same as FIFO_DATA accesses, for a DMA or a test without ports. The ports follow DMA_HS_EN
// only: Codethink's driver sets it when it opens the bus and then uses the FIFOs alone for
// transfers of up to 8 bytes, with its DMA channels not started, so those channels ignore the
// requests (M4Dma serves only started channels).
#include <array>
#include <cstdint>
#include <string>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/DmaPort.h"
#include "periph/I2cBus.h"
#include "periph/RegisterBlock.h"
#include "periph/Signals.h"

namespace mt3620 {

class IsuI2c : public RegisterBlock {
public:
    /// The controller's source clock (reference §4.5).
    static constexpr std::uint64_t kSourceClockHz = 26'000'000;
    /// Depth of each of the TX and RX FIFOs (reference §4.5).
    static constexpr unsigned kFifoDepth = 8;
    /// Packets one transaction may carry (reference §4.5).
    static constexpr unsigned kMaxPackets = 3;
    /// SCL clocks per byte: 8 data bits and the ACK bit.
    static constexpr unsigned kClocksPerByte = 9;
    /// SCL period assumed while the phase registers are all 0 (never programmed): 100 kHz.
    static constexpr std::uint32_t kDefaultSclTicks = 260;
    /// Size of the register block (the SPI master follows at +0x100).
    static constexpr std::uint32_t kSize = 0x100;

    // Register offsets (reference §4.5).
    static constexpr std::uint32_t kIntCtrl = 0x00, kPadCon0 = 0x40, kCntValPhl = 0x44, kCntValPhh = 0x48,
                                   kCntByteValPk0 = 0x54, kCntByteValPk1 = 0x58, kCntByteValPk2 = 0x5C,
                                   kIdCon0 = 0x60, kPackCon0 = 0x68, kAckVal = 0x6C, kCon0 = 0x70,
                                   kStatus = 0x74, kFifoCon0 = 0x78, kFifoStatus = 0x80, kFifoPtr = 0x84,
                                   kFifoData = 0x90, kDmaCon0 = 0xC0, kSCon0 = 0xC4, kSIdCon0 = 0xC8,
                                   kSIdReceived0 = 0xCC, kSIdReceived1 = 0xD0, kSFifoCon0 = 0xD8,
                                   kSFifoStatus = 0xE0, kSFifoPtr = 0xE4, kSFifoData = 0xF0;
    // Bits (reference §4.5).
    static constexpr std::uint32_t kMmIntSta = 1u << 0, kMmIntEn = 1u << 1, kMmIntMsk = 1u << 2,
                                   kSIntSta = 1u << 4;
    static constexpr std::uint32_t kStartEn = 1u << 0, kGmode = 1u << 14, kMasterEn = 1u << 15;
    static constexpr std::uint32_t kBusBusy = 1u << 0, kArbLose = 1u << 1, kStartReady = 1u << 2;
    static constexpr std::uint32_t kRxFifoClear = 1u << 0, kTxFifoClear = 1u << 1;
    static constexpr std::uint32_t kRxEmpty = 1u << 0, kRxFull = 1u << 1, kRxUnderrun = 1u << 2,
                                   kRxOverflow = 1u << 3, kTxEmpty = 1u << 4, kTxFull = 1u << 5,
                                   kTxUnderrun = 1u << 6, kTxOverflow = 1u << 7;
    static constexpr std::uint32_t kDmaHandshakeEn = 1u << 4;
    static constexpr std::uint32_t kDeCntMask = 0x1F, kClkSyncEn = 1u << 7;
    static constexpr std::uint32_t kAckIdShift = 8;

    /// `name` is the ISU's ("ISU2"): the bus carries it, the register block is "ISU2-I2C".
    IsuI2c(const std::string& isu_name, Scheduler& scheduler, Log& log);

    /// The bus board devices attach to.
    I2cBus bus;
    /// Completion interrupt (IRQ 44 + 4n).
    IrqLine irq;
    /// The DMA handshakes (see the header comment).
    DmaPort dma_tx;
    DmaPort dma_rx;

    /// Pushes a byte into the TX FIFO, as a write of MM_FIFO_DATA does. False (and TX_OVF) if
    /// the FIFO is full.
    bool pushTx(std::uint8_t byte);
    /// Pops a byte from the RX FIFO, as a read of MM_FIFO_DATA does. False (and RX_UDR, `byte`
    /// = 0) if the FIFO is empty.
    bool popRx(std::uint8_t& byte);
    bool dmaHandshakeEnabled() const;

    /// A transaction is running (MM_STATUS.BUS_BUSY).
    bool busy() const { return phase_ != Phase::Idle; }
    /// One SCL period at the current settings, in 26 MHz ticks and in time.
    std::uint32_t sclTicks();
    Picos sclPeriod();

protected:
    void onReset() override;

private:
    /// 8 entries behind 4-bit read and write pointers (reference §4.5 MM_FIFO_PTR).
    class PointerFifo {
    public:
        unsigned size() const { return (wptr_ - rptr_) & 0xF; }
        bool empty() const { return size() == 0; }
        bool full() const { return size() == kFifoDepth; }
        void push(std::uint8_t b) {
            data_[wptr_ & (kFifoDepth - 1)] = b;
            wptr_ = (wptr_ + 1) & 0xF;
        }
        std::uint8_t pop() {
            std::uint8_t b = data_[rptr_ & (kFifoDepth - 1)];
            rptr_ = (rptr_ + 1) & 0xF;
            return b;
        }
        void clear() { rptr_ = wptr_ = 0; underrun = overflow = false; }
        unsigned rptr() const { return rptr_; }
        unsigned wptr() const { return wptr_; }
        bool underrun = false;
        bool overflow = false;

    private:
        std::array<std::uint8_t, kFifoDepth> data_{};
        unsigned rptr_ = 0, wptr_ = 0;
    };

    enum class Phase {
        Idle,
        Address,    // address byte on the wire
        WriteByte,  // data byte from the TX FIFO on the wire
        ReadByte,   // data byte from the target on the wire
        WaitTx,     // next byte is a write, the TX FIFO is empty
        WaitRx,     // next byte is a read, the RX FIFO is full
    };
    struct Packet {
        bool read = false;
        std::uint32_t length = 0;
    };

    void writeCon0(std::uint32_t stored, std::uint32_t written);
    void startTransaction();
    void beginPacket();
    void nextDataByte();
    void onByteDone();
    void finishTransaction();
    void armByte();

    std::uint32_t fifoStatus() const;
    std::uint32_t fifoPtr() const;
    void updateIrq();
    void updateDma();
    bool dmaTxReady() const;
    bool dmaRxReady() const;
    void resetState();

    Scheduler& scheduler_;
    Log& log_;
    EventTimer byte_timer_;
    Register* int_ctrl_ = nullptr;
    Register* con0_ = nullptr;
    Register* dma_con0_ = nullptr;
    Register* phl_ = nullptr;
    Register* phh_ = nullptr;
    Register* pad_con0_ = nullptr;

    PointerFifo tx_fifo_;
    PointerFifo rx_fifo_;
    bool mm_int_sta_ = false;
    std::uint32_t ack_val_ = 0;

    // The running transaction, latched at START_EN.
    Phase phase_ = Phase::Idle;
    std::uint8_t address_ = 0;
    std::array<Packet, kMaxPackets> packets_{};
    unsigned packet_count_ = 0;
    unsigned packet_ = 0;        // current packet
    std::uint32_t byte_ = 0;     // data bytes of the current packet done
    std::uint32_t tx_needed_ = 0;  // write bytes of the transaction not yet taken from the FIFO
    std::uint8_t tx_byte_ = 0;   // the write byte on the wire
    I2cTarget* target_ = nullptr;  // the target that ACKed the current packet's address
    Picos byte_time_ = 0;
};

}  // namespace mt3620
