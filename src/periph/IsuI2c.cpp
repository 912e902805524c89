#include "periph/IsuI2c.h"

#include <algorithm>

namespace mt3620 {

IsuI2c::IsuI2c(const std::string& isu_name, Scheduler& scheduler, Log& log)
    : RegisterBlock(isu_name + "-I2C", kSize),
      bus(isu_name),
      scheduler_(scheduler),
      log_(log),
      byte_timer_(scheduler, this->name() + ".byte", [this] { onByteDone(); }) {
    // MM_INT_STA and S_INT_STA are status bits cleared by writing 1 (both drivers do); the
    // enable and mask bits are stored.
    int_ctrl_ = &define(kIntCtrl, "I2C_INT_CTRL").mask(0x66)
        .onRead([this](std::uint32_t stored) { return stored | (mm_int_sta_ ? kMmIntSta : 0u); })
        .onWrite([this](std::uint32_t, std::uint32_t written) {
            if (written & kMmIntSta) mm_int_sta_ = false;
            updateIrq();
        });
    pad_con0_ = &define(kPadCon0, "MM_PAD_CON0").mask(0xFF);
    phl_ = &define(kCntValPhl, "MM_CNT_VAL_PHL").mask(0xFFFF);
    phh_ = &define(kCntValPhh, "MM_CNT_VAL_PHH").mask(0xFFFF);
    // PK2 at 0x5C as Codethink's driver has it (MediaTek's header repeats 0x58: a typo, §4.5).
    define(kCntByteValPk0, "MM_CNT_BYTE_VAL_PK0").mask(0xFFFF);
    define(kCntByteValPk1, "MM_CNT_BYTE_VAL_PK1").mask(0xFFFF);
    define(kCntByteValPk2, "MM_CNT_BYTE_VAL_PK2").mask(0xFFFF);
    define(kIdCon0, "MM_ID_CON0").mask(0x7F);
    define(kPackCon0, "MM_PACK_CON0").mask(0x3F);
    define(kAckVal, "MM_ACK_VAL").readOnly().onRead([this](std::uint32_t) { return ack_val_; });
    con0_ = &define(kCon0, "MM_CON0").mask(kStartEn | kGmode | kMasterEn)
        .onWrite([this](std::uint32_t stored, std::uint32_t written) { writeCon0(stored, written); });
    define(kStatus, "MM_STATUS").readOnly()
        .onRead([this](std::uint32_t) { return busy() ? kBusBusy : kStartReady; });
    define(kFifoCon0, "MM_FIFO_CON0").writeOnly().onWrite([this](std::uint32_t, std::uint32_t written) {
        if (written & kRxFifoClear) rx_fifo_.clear();
        if (written & kTxFifoClear) tx_fifo_.clear();
        updateDma();
    });
    define(kFifoStatus, "MM_FIFO_STATUS").readOnly().onRead([this](std::uint32_t) { return fifoStatus(); });
    define(kFifoPtr, "MM_FIFO_PTR").readOnly().onRead([this](std::uint32_t) { return fifoPtr(); });
    define(kFifoData, "MM_FIFO_DATA").readOnly()
        .onRead([this](std::uint32_t) -> std::uint32_t {
            std::uint8_t b = 0;
            popRx(b);
            return b;
        })
        .onWrite([this](std::uint32_t, std::uint32_t written) { pushTx(static_cast<std::uint8_t>(written)); });
    dma_con0_ = &define(kDmaCon0, "DMA_CON0").mask(0x30).onWrite([this](std::uint32_t, std::uint32_t) { updateDma(); });

    // The slave half stores what is written; it never receives anything (not modelled).
    define(kSCon0, "S_CON0").mask(0xFFFF).onWrite([this](std::uint32_t stored, std::uint32_t) {
        if (stored & (1u << 15)) log_.warnOnce(name() + ".slave", name(), "slave mode (S_CON0.SLAVE_EN) is not modelled");
    });
    define(kSIdCon0, "S_ID_CON0").mask(0x7F);
    define(kSIdReceived0, "S_ID_RECEIVED0").readOnly();
    define(kSIdReceived1, "S_ID_RECEIVED1").readOnly();
    define(kSFifoCon0, "S_FIFO_CON0").writeOnly();
    define(kSFifoStatus, "S_FIFO_STATUS", kRxEmpty | kTxEmpty).readOnly();
    define(kSFifoPtr, "S_FIFO_PTR").readOnly();
    define(kSFifoData, "S_FIFO_DATA").writeOnly();

    dma_tx.ready = [this] { return dmaTxReady(); };
    dma_tx.push = [this](std::uint32_t value) { pushTx(static_cast<std::uint8_t>(value)); };
    dma_rx.ready = [this] { return dmaRxReady(); };
    dma_rx.pop = [this]() -> std::uint32_t {
        std::uint8_t b = 0;
        popRx(b);
        return b;
    };
    resetState();
}

void IsuI2c::onReset() { resetState(); }

void IsuI2c::resetState() {
    byte_timer_.cancel();
    tx_fifo_.clear();
    rx_fifo_.clear();
    mm_int_sta_ = false;
    ack_val_ = 0;
    phase_ = Phase::Idle;
    target_ = nullptr;
    updateIrq();
    updateDma();
}

bool IsuI2c::dmaHandshakeEnabled() const { return (dma_con0_->value & kDmaHandshakeEn) != 0; }

std::uint32_t IsuI2c::sclTicks() {
    const std::uint32_t phl = phl_->value, phh = phh_->value;
    std::uint32_t ticks = (phl & 0xFF) + ((phl >> 8) & 0xFF) + (phh & 0xFF) + ((phh >> 8) & 0xFF);
    if (ticks == 0) {
        log_.warnOnce(name() + ".scl", name(), "SCL phase counts are 0 (not programmed): assuming 100 kHz");
        return kDefaultSclTicks;
    }
    // MediaTek's speed set-up shortens phase 1 by 2 ticks when CLK_SYNC_EN is set and by
    // DE_CNT + 4 ticks when the de-glitch count is not 0: the controller spends them on top of
    // the programmed phases (docs/peripherals.md).
    const std::uint32_t pad = pad_con0_->value;
    if (pad & kClkSyncEn) ticks += 2;
    if (const std::uint32_t de_cnt = pad & kDeCntMask) ticks += de_cnt + 4;
    return ticks;
}

Picos IsuI2c::sclPeriod() { return cyclesToPicos(sclTicks(), kSourceClockHz); }

// --- FIFOs ------------------------------------------------------------------------------------

bool IsuI2c::pushTx(std::uint8_t byte) {
    if (tx_fifo_.full()) {
        tx_fifo_.overflow = true;
        log_.debug(name(), "TX FIFO overflow: byte {:#04x} dropped", byte);
        return false;
    }
    tx_fifo_.push(byte);
    if (phase_ == Phase::WaitTx) nextDataByte();
    updateDma();
    return true;
}

bool IsuI2c::popRx(std::uint8_t& byte) {
    if (rx_fifo_.empty()) {
        rx_fifo_.underrun = true;
        byte = 0;
        return false;
    }
    byte = rx_fifo_.pop();
    if (phase_ == Phase::WaitRx) nextDataByte();
    updateDma();
    return true;
}

std::uint32_t IsuI2c::fifoStatus() const {
    std::uint32_t s = 0;
    if (rx_fifo_.empty()) s |= kRxEmpty;
    if (rx_fifo_.full()) s |= kRxFull;
    if (rx_fifo_.underrun) s |= kRxUnderrun;
    if (rx_fifo_.overflow) s |= kRxOverflow;
    if (tx_fifo_.empty()) s |= kTxEmpty;
    if (tx_fifo_.full()) s |= kTxFull;
    if (tx_fifo_.underrun) s |= kTxUnderrun;
    if (tx_fifo_.overflow) s |= kTxOverflow;
    return s;
}

std::uint32_t IsuI2c::fifoPtr() const {
    return rx_fifo_.rptr() | (rx_fifo_.wptr() << 4) | (tx_fifo_.rptr() << 8) | (tx_fifo_.wptr() << 12);
}

// --- Transactions -----------------------------------------------------------------------------

void IsuI2c::writeCon0(std::uint32_t stored, std::uint32_t written) {
    if (!(written & kStartEn)) {
        // START_EN cannot be withdrawn from a running transaction; it reads 1 until the end.
        if (busy()) con0_->value |= kStartEn;
        return;
    }
    if (busy()) return;  // already running: software should have checked START_READY
    if (!(stored & kMasterEn)) {
        log_.warnOnce(name() + ".master-en", name(), "START_EN without MASTER_EN in MM_CON0: ignored");
        con0_->value &= ~kStartEn;
        return;
    }
    startTransaction();
}

void IsuI2c::startTransaction() {
    const std::uint32_t pack = peek(kPackCon0);
    packet_count_ = ((pack >> 4) & 0x3) + 1;
    if (packet_count_ > kMaxPackets) {
        log_.warnOnce(name() + ".packets", name(), "MM_PACK_CON0 asks for 4 packets; the controller runs at most 3");
        packet_count_ = kMaxPackets;
    }
    static constexpr std::uint32_t kCountRegs[kMaxPackets] = {kCntByteValPk0, kCntByteValPk1, kCntByteValPk2};
    tx_needed_ = 0;
    for (unsigned p = 0; p < packet_count_; ++p) {
        packets_[p].read = (pack >> p) & 1;
        packets_[p].length = peek(kCountRegs[p]);
        if (!packets_[p].read) tx_needed_ += packets_[p].length;
    }
    address_ = static_cast<std::uint8_t>(peek(kIdCon0) & 0x7F);
    byte_time_ = cyclesToPicos(kClocksPerByte * sclTicks(), kSourceClockHz);
    ack_val_ = 0;
    packet_ = 0;
    if (log_.enabled(spdlog::level::debug)) {
        std::string what;
        for (unsigned p = 0; p < packet_count_; ++p)
            what += fmt::format("{}{} {}", p ? ", " : "", packets_[p].read ? "read" : "write", packets_[p].length);
        log_.debug(name(), "start: address {:#04x}, {} ({} ns per byte)", address_, what, byte_time_ / kPicosPerNano);
    }
    beginPacket();
}

void IsuI2c::beginPacket() {
    // (Repeated) START and the address byte.
    phase_ = Phase::Address;
    byte_ = 0;
    armByte();
    updateDma();
}

void IsuI2c::armByte() { byte_timer_.armAt(scheduler_.now() + byte_time_); }

void IsuI2c::nextDataByte() {
    const Packet& p = packets_[packet_];
    if (byte_ == p.length) {
        if (++packet_ < packet_count_) beginPacket();
        else finishTransaction();
        return;
    }
    if (!p.read) {
        if (tx_fifo_.empty()) {
            phase_ = Phase::WaitTx;  // SCL held low until a byte arrives
            updateDma();
            return;
        }
        tx_byte_ = tx_fifo_.pop();
        --tx_needed_;
        phase_ = Phase::WriteByte;
    } else {
        if (rx_fifo_.full()) {
            phase_ = Phase::WaitRx;
            updateDma();
            return;
        }
        phase_ = Phase::ReadByte;
    }
    armByte();
    updateDma();
}

void IsuI2c::onByteDone() {
    const Packet& p = packets_[packet_];
    switch (phase_) {
        case Phase::Address: {
            I2cTarget* t = bus.target(address_);
            if (!t || !t->start(p.read)) {
                ack_val_ |= 1u << (kAckIdShift + packet_);  // 1 = NACK
                log_.debug(name(), "address {:#04x} NACKed ({})", address_, t ? "refused" : "no device");
                target_ = t;  // a present target that refused still sees the STOP
                finishTransaction();
                return;
            }
            target_ = t;
            nextDataByte();
            return;
        }
        case Phase::WriteByte:
            if (!target_->write(tx_byte_)) {
                ack_val_ |= 1u << std::min<std::uint32_t>(byte_, 7);
                log_.debug(name(), "data byte {} ({:#04x}) NACKed by {:#04x}", byte_, tx_byte_, address_);
                finishTransaction();
                return;
            }
            ++byte_;
            nextDataByte();
            return;
        case Phase::ReadByte: {
            const bool last = byte_ + 1 == p.length;
            rx_fifo_.push(target_->read(last));
            ++byte_;
            nextDataByte();
            return;
        }
        default:
            return;
    }
}

void IsuI2c::finishTransaction() {
    if (target_) target_->stop();
    target_ = nullptr;
    byte_timer_.cancel();
    phase_ = Phase::Idle;
    con0_->value &= ~kStartEn;
    mm_int_sta_ = true;
    log_.debug(name(), "done: ACK_VAL {:#05x}, RX FIFO {} byte(s)", ack_val_, rx_fifo_.size());
    updateIrq();
    updateDma();
}

// --- Outputs ----------------------------------------------------------------------------------

void IsuI2c::updateIrq() {
    const std::uint32_t ctrl = int_ctrl_->value;
    irq.set(mm_int_sta_ && (ctrl & kMmIntEn) && !(ctrl & kMmIntMsk));
}

bool IsuI2c::dmaTxReady() const {
    return dmaHandshakeEnabled() && busy() && tx_needed_ > tx_fifo_.size() && !tx_fifo_.full();
}

bool IsuI2c::dmaRxReady() const { return dmaHandshakeEnabled() && !rx_fifo_.empty(); }

void IsuI2c::updateDma() {
    // The channel schedules its service; it does not call back into the FIFOs from here.
    if (dmaTxReady()) dma_tx.request();
    if (dmaRxReady()) dma_rx.request();
}

}  // namespace mt3620
