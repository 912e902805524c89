#include "periph/MtkUart.h"

#include <algorithm>

namespace mt3620 {

namespace {

// Bit names from reference §4.3.
constexpr std::uint8_t kIerErbfi = 0x01;  // RX data available / timeout
constexpr std::uint8_t kIerEtbei = 0x02;  // THR empty
constexpr std::uint8_t kIerElsi = 0x04;   // line status

constexpr std::uint8_t kFcrFifoe = 0x01;
constexpr std::uint8_t kFcrClrr = 0x02;
constexpr std::uint8_t kFcrClrt = 0x04;

constexpr std::uint8_t kLcrStb = 0x04;
constexpr std::uint8_t kLcrPen = 0x08;
constexpr std::uint8_t kLcrDlab = 0x80;
constexpr std::uint8_t kLcrEnhanced = 0xBF;

constexpr std::uint8_t kMcrDtr = 0x01, kMcrRts = 0x02, kMcrOut1 = 0x04, kMcrOut2 = 0x08;
constexpr std::uint8_t kMcrLoop = 0x10;

constexpr std::uint8_t kLsrDr = 0x01;
constexpr std::uint8_t kLsrOe = 0x02;
constexpr std::uint8_t kLsrErrors = 0x1E;  // OE, PE, FE, BI
constexpr std::uint8_t kLsrThre = 0x20;
constexpr std::uint8_t kLsrTemt = 0x40;

constexpr std::uint8_t kMsrCts = 0x10, kMsrDsr = 0x20, kMsrRi = 0x40, kMsrDcd = 0x80;

constexpr std::uint8_t kIirNone = 0x01;
constexpr std::uint8_t kIirThrEmpty = 0x02;
constexpr std::uint8_t kIirRxData = 0x04;
constexpr std::uint8_t kIirLineStatus = 0x06;
constexpr std::uint8_t kIirRxTimeout = 0x0C;
constexpr std::uint8_t kIirFifoEnabled = 0xC0;

// A 16550 raises the RX timeout after four character times without FIFO activity.
constexpr unsigned kRxTimeoutCharacters = 4;

}  // namespace

MtkUart::MtkUart(std::string name, Scheduler& scheduler, Log& log, std::uint32_t size)
    : RegisterBlock(std::move(name), size),
      scheduler_(scheduler),
      log_(log),
      tx_timer_(scheduler, this->name() + ".tx", [this] { onCharacterSent(); }),
      rx_timeout_timer_(scheduler, this->name() + ".rx-timeout", [this] {
          rx_timeout_pending_ = !rx_fifo_.empty();
          updateIrq();
      }) {
    // Banked offsets: the RegisterBlock decodes and names them; the handlers pick the view
    // from LCR (DLAB = LCR[7], enhanced = LCR == 0xBF). They store nothing themselves.
    define(kRbrThrDll, "RBR_THR_DLL").readOnly()
        .onRead([this](std::uint32_t) { return dlab() ? dll_ : readRbr(); })
        .onDebugRead([this](std::uint32_t) -> std::uint32_t { return dlab() ? dll_ : rx_fifo_.front(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            if (dlab()) {
                dll_ = static_cast<std::uint8_t>(w);
                invalidateCharacterTime();
            } else {
                writeThr(static_cast<std::uint8_t>(w));
            }
        });
    define(kIerDlm, "IER_DLM").readOnly()
        .onRead([this](std::uint32_t) -> std::uint32_t { return dlab() ? dlm_ : ier_; })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            if (dlab()) {
                dlm_ = static_cast<std::uint8_t>(w);
                invalidateCharacterTime();
            } else {
                writeIer(static_cast<std::uint8_t>(w));
            }
        });
    define(kIirFcrEfr, "IIR_FCR_EFR").readOnly()
        .onRead([this](std::uint32_t) { return enhancedMode() ? efr_ : readIir(); })
        .onDebugRead([this](std::uint32_t) -> std::uint32_t { return enhancedMode() ? efr_ : iirValue(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            if (enhancedMode()) efr_ = static_cast<std::uint8_t>(w);
            else writeFcr(static_cast<std::uint8_t>(w));
        });
    lcr_ = &define(kLcr, "LCR").mask(0xFF).onWrite([this](std::uint32_t, std::uint32_t) {
        invalidateCharacterTime();  // word length, parity and stop bits set the frame length
    });
    define(kMcr, "MCR_XON1").readOnly()
        .onRead([this](std::uint32_t) -> std::uint32_t { return enhancedMode() ? xon1_ : mcr_; })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            // MCR b7 is the read-only XOFF status; flow control is not modelled, so it reads 0.
            if (enhancedMode()) xon1_ = static_cast<std::uint8_t>(w);
            else mcr_ = static_cast<std::uint8_t>(w & 0x7F);
        });
    define(kLsr, "LSR_XON2").readOnly()
        .onRead([this](std::uint32_t) { return enhancedMode() ? xon2_ : readLsr(); })
        .onDebugRead([this](std::uint32_t) -> std::uint32_t { return enhancedMode() ? xon2_ : lsrValue(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            if (enhancedMode()) xon2_ = static_cast<std::uint8_t>(w);  // LSR itself is read-only
        });
    define(kMsr, "MSR_XOFF1").readOnly()
        .onRead([this](std::uint32_t) { return enhancedMode() ? xoff1_ : readMsr(); })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            if (enhancedMode()) xoff1_ = static_cast<std::uint8_t>(w);
        });
    define(kScr, "SCR_XOFF2").readOnly()
        .onRead([this](std::uint32_t) -> std::uint32_t { return enhancedMode() ? xoff2_ : scr_; })
        .onWrite([this](std::uint32_t, std::uint32_t w) {
            if (enhancedMode()) xoff2_ = static_cast<std::uint8_t>(w);
            else scr_ = static_cast<std::uint8_t>(w);
        });

    // Plain registers. All carry an 8-bit value (reference §4.3) unless the table says less.
    auto baud_changed = [this](std::uint32_t, std::uint32_t) { invalidateCharacterTime(); };
    define(kRxLevelCtl, "RX_LEVEL_CTL").mask(0xFF);
    define(kHighSpeed, "HIGHSPEED").mask(0x03).onWrite(baud_changed);
    define(kSampleCount, "SAMPLE_COUNT").mask(0xFF).onWrite(baud_changed);
    define(kSamplePoint, "SAMPLE_POINT").mask(0xFF);
    define(kAutobaud, "AUTOBAUD").mask(0xFF);
    define(kRateFix, "RATE_FIX").mask(0xFF);
    define(kGuard, "GUARD").mask(0xFF);
    define(kEscapeDat, "ESCAPE_DAT").mask(0xFF);
    define(kEscapeEn, "ESCAPE_EN").mask(0xFF);
    define(kSwRtoLimit, "SW_RTO_LIMIT").mask(0xFF);
    // CT-D: "reading this acknowledges timeout interrupt" (reference §4.3).
    define(kVfifoEn, "VFIFO_EN").mask(0xFF).onRead([this](std::uint32_t stored) {
        if (rx_timeout_pending_) {
            rx_timeout_pending_ = false;
            updateIrq();
        }
        return stored;
    }).onWrite([this](std::uint32_t, std::uint32_t) { requestDma(); });
    define(kRxTrig, "RXTRIG").mask(0x3F);
    define(kFracDivL, "FRACDIV_L").mask(0xFF);
    define(kFracDivM, "FRACDIV_M").mask(0x03);
    define(kFcrRd, "FCR_RD").readOnly().onRead([this](std::uint32_t) -> std::uint32_t { return fcr_; });
    define(kExtendAdd, "EXTEND_ADD").mask(0xFF).onWrite([this](std::uint32_t, std::uint32_t) { requestDma(); });
    define(kRxOffset, "RX_OFFSET").readOnly()
        .onRead([this](std::uint32_t) -> std::uint32_t { return rx_fifo_.size(); });
    define(kTxOffset, "TX_OFFSET").readOnly()
        .onRead([this](std::uint32_t) -> std::uint32_t { return tx_fifo_.size(); });
    // Flow-control interrupt status, write 1 to clear. Flow control is not modelled, so
    // nothing ever sets these bits.
    define(kInterruptSta, "INTERRUPT_STA").readOnly();

    dma_tx.ready = [this] { return txDmaEnabled() && (!shifter_busy_ || !tx_fifo_.full()); };
    dma_tx.push = [this](std::uint32_t value) { writeThr(static_cast<std::uint8_t>(value)); };
    dma_rx.ready = [this] { return rxDmaEnabled() && !rx_fifo_.empty(); };
    dma_rx.pop = [this] { return readRbr(); };

    resetState();
}

std::string MtkUart::registerName(std::uint32_t offset) const {
    bool bf = enhancedMode();
    bool dl = dlab();
    switch (offset & ~3u) {
        case kRbrThrDll: return dl ? "DLL" : "RBR_THR";
        case kIerDlm: return dl ? "DLM" : "IER";
        case kIirFcrEfr: return bf ? "EFR" : "IIR_FCR";
        case kMcr: return bf ? "XON1" : "MCR";
        case kLsr: return bf ? "XON2" : "LSR";
        case kMsr: return bf ? "XOFF1" : "MSR";
        case kScr: return bf ? "XOFF2" : "SCR";
        default: return RegisterBlock::registerName(offset);
    }
}

void MtkUart::onReset() { resetState(); }

void MtkUart::resetState() {
    tx_timer_.cancel();
    rx_timeout_timer_.cancel();
    ier_ = dll_ = dlm_ = efr_ = fcr_ = mcr_ = scr_ = 0;
    xon1_ = xon2_ = xoff1_ = xoff2_ = 0;
    lsr_errors_ = 0;
    tx_fifo_.clear();
    rx_fifo_.clear();
    shifter_busy_ = false;
    thr_pending_ = false;
    rx_timeout_pending_ = false;
    invalidateCharacterTime();
    updateIrq();
}

bool MtkUart::dlab() const { return (lcr_->value & kLcrDlab) != 0; }  // also true for 0xBF
bool MtkUart::enhancedMode() const { return (lcr_->value & 0xFF) == kLcrEnhanced; }

// --- DMA handshake ---------------------------------------------------------------------------

namespace {
// EXTEND_ADD b0 = RX DMA handshake, b1 = TX DMA handshake, both only in VFIFO mode (§4.3).
constexpr std::uint32_t kVfifoEnable = 0x01;
constexpr std::uint32_t kExtendRxDma = 0x01;
constexpr std::uint32_t kExtendTxDma = 0x02;
}  // namespace

bool MtkUart::txDmaEnabled() const {
    return (peek(kVfifoEn) & kVfifoEnable) && (peek(kExtendAdd) & kExtendTxDma);
}

bool MtkUart::rxDmaEnabled() const {
    return (peek(kVfifoEn) & kVfifoEnable) && (peek(kExtendAdd) & kExtendRxDma);
}

void MtkUart::requestDma() {
    if (txDmaEnabled()) dma_tx.request();
    if (rxDmaEnabled()) dma_rx.request();
}

// --- Timing ----------------------------------------------------------------------------------

Picos MtkUart::characterTime() {
    if (character_time_ != 0) return character_time_;
    const std::uint32_t lcr = lcr_->value;

    // Frame length in half bits, so 1.5 stop bits (5-bit words with STB) stays an integer.
    const unsigned data_bits = 5 + (lcr & 0x3);
    const unsigned stop_half_bits = (lcr & kLcrStb) ? (data_bits == 5 ? 3 : 4) : 2;
    const unsigned half_bits = 2 * (1 + data_bits + ((lcr & kLcrPen) ? 1 : 0)) + stop_half_bits;

    const std::uint64_t divisor = dll_ | (std::uint64_t{dlm_} << 8);
    if (divisor == 0) {
        // Unprogrammed divisor (software that relies on the OS having set the UART up):
        // behave like the 115200-8-N-1 the OS configures.
        if (!logged_default_baud_) {
            logged_default_baud_ = true;
            log_.debug(name(), "baud divisor is 0 (not programmed); assuming {} baud", kDefaultBaud);
        }
        character_time_ = cyclesToPicos(half_bits, 2 * kDefaultBaud);
        return character_time_;
    }

    // Source clocks per bit (reference §4.3): HIGHSPEED 3 samples SAMPLE_COUNT + 1 times per
    // bit; 0, 1 and 2 are the classic 16x, 8x and 4x oversampling. FRACDIV is ignored (its
    // encoding is unknown, reference §8 item 5); at 115200 that makes bytes 0.3 % early.
    std::uint64_t clocks_per_bit = 0;
    switch (peek(kHighSpeed) & 0x3) {
        case 0: clocks_per_bit = 16 * divisor; break;
        case 1: clocks_per_bit = 8 * divisor; break;
        case 2: clocks_per_bit = 4 * divisor; break;
        default: clocks_per_bit = divisor * (peek(kSampleCount) + 1); break;
    }
    character_time_ = cyclesToPicos(std::uint64_t{half_bits} * clocks_per_bit, 2 * kSourceClockHz);
    if (log_.enabled(spdlog::level::debug)) {
        log_.debug(name(), "baud {} ({} bits per character, {} ps)",
                   kSourceClockHz / clocks_per_bit, half_bits / 2.0, character_time_);
    }
    return character_time_;
}

// --- Transmit --------------------------------------------------------------------------------

unsigned MtkUart::rxTriggerLevel() const {
    // Without FIFOE a 16550 interrupts on every byte. RFTL: 1, 6, 12 bytes or RXTRIG.
    if (!(fcr_ & kFcrFifoe)) return 1;
    switch (fcr_ >> 6) {
        case 0: return 1;
        case 1: return 6;
        case 2: return 12;
        default: return std::clamp<unsigned>(peek(kRxTrig) & 0x3F, 1, kFifoDepth);
    }
}

bool MtkUart::txAtOrBelowThreshold() const {
    // TFTL 0 is the 16550 "FIFO empty"; 1..3 raise the interrupt at 4, 8 or 14 bytes left.
    static constexpr unsigned kThreshold[4] = {0, 4, 8, 14};
    unsigned threshold = (fcr_ & kFcrFifoe) ? kThreshold[(fcr_ >> 4) & 0x3] : 0;
    return tx_fifo_.size() <= threshold;
}

void MtkUart::writeThr(std::uint8_t byte) {
    thr_pending_ = false;  // writing THR acknowledges the THR-empty interrupt
    if (!shifter_busy_) {
        startShifting(byte, scheduler_.now());
    } else if (!tx_fifo_.full()) {
        tx_fifo_.push(byte);
    } else {
        // On silicon the byte overwrites the FIFO's last entry; drivers check TX_OFFSET/THRE.
        log_.warnOnce(name() + ".tx-overflow", name(), "TX FIFO overflow: byte {:#04x} dropped", byte);
    }
    updateIrq();
}

void MtkUart::startShifting(std::uint8_t byte, Picos start) {
    shifter_byte_ = byte;
    shifter_busy_ = true;
    shifter_done_at_ = start + characterTime();
    tx_timer_.armAt(shifter_done_at_);
    // The FIFO just lost a byte to the shifter: the THR-empty condition is (re)raised.
    if (txAtOrBelowThreshold()) thr_pending_ = true;
}

void MtkUart::onCharacterSent() {
    const std::uint8_t byte = shifter_byte_;
    const Picos done = shifter_done_at_;
    shifter_busy_ = false;
    // Start the next character back to back, before handing this one out, so a sink that
    // reads LSR sees the state after the transfer.
    if (!tx_fifo_.empty()) startShifting(tx_fifo_.pop(), done);
    if (mcr_ & kMcrLoop) pushRx(byte);  // loopback: TX feeds RX; the TX pin stays idle
    else tx.send(byte, done);
    updateIrq();
    if (txDmaEnabled()) dma_tx.request();  // room in the TX FIFO
}

// --- Receive ---------------------------------------------------------------------------------

void MtkUart::receiveByte(std::uint8_t byte) {
    if (mcr_ & kMcrLoop) return;
    pushRx(byte);
}

void MtkUart::pushRx(std::uint8_t byte) {
    if (rx_fifo_.full()) {
        lsr_errors_ |= kLsrOe;  // the new byte is lost; the FIFO keeps its contents
    } else {
        rx_fifo_.push(byte);
    }
    restartRxTimeout();
    updateIrq();
    if (rxDmaEnabled()) dma_rx.request();
}

void MtkUart::restartRxTimeout() {
    rx_timeout_pending_ = false;
    if (rx_fifo_.empty()) rx_timeout_timer_.cancel();
    else rx_timeout_timer_.armAfter(kRxTimeoutCharacters * characterTime());
}

std::uint32_t MtkUart::readRbr() {
    if (rx_fifo_.empty()) return 0;
    std::uint8_t byte = rx_fifo_.pop();
    restartRxTimeout();
    updateIrq();
    return byte;
}

// --- Control and status ----------------------------------------------------------------------

void MtkUart::writeIer(std::uint8_t value) {
    const std::uint8_t old = ier_;
    ier_ = value;
    // As on a 16550, enabling ETBEI while the THR is empty raises the interrupt at once;
    // disabling it drops the latch.
    if ((value & kIerEtbei) && !(old & kIerEtbei)) thr_pending_ = txAtOrBelowThreshold();
    if (!(value & kIerEtbei)) thr_pending_ = false;
    updateIrq();
}

void MtkUart::writeFcr(std::uint8_t value) {
    // CLRR/CLRT are self-clearing strobes; FCR_RD shows the rest.
    fcr_ = value & static_cast<std::uint8_t>(~(kFcrClrr | kFcrClrt));
    if (value & kFcrClrr) {
        rx_fifo_.clear();
        restartRxTimeout();
    }
    if (value & kFcrClrt) {
        tx_fifo_.clear();  // the character in the shifter still completes
        if (ier_ & kIerEtbei) thr_pending_ = true;
    }
    updateIrq();
}

std::uint8_t MtkUart::pendingInterruptId() const {
    // 16550 priority: line status, RX data / timeout, THR empty. Modem status never pends.
    if ((ier_ & kIerElsi) && (lsr_errors_ & kLsrErrors)) return kIirLineStatus;
    if (ier_ & kIerErbfi) {
        if (!rx_fifo_.empty() && rx_fifo_.size() >= rxTriggerLevel()) return kIirRxData;
        if (rx_timeout_pending_) return kIirRxTimeout;
    }
    if ((ier_ & kIerEtbei) && thr_pending_) return kIirThrEmpty;
    return kIirNone;
}

std::uint32_t MtkUart::iirValue() const {
    return pendingInterruptId() | ((fcr_ & kFcrFifoe) ? kIirFifoEnabled : 0);
}

std::uint32_t MtkUart::readIir() {
    const std::uint32_t iir = iirValue();
    if ((iir & 0x0F) == kIirThrEmpty) {
        thr_pending_ = false;  // reading IIR acknowledges THR empty when it is the reported source
        updateIrq();
    }
    return iir;
}

std::uint32_t MtkUart::lsrValue() const {
    std::uint32_t lsr = lsr_errors_;
    if (!rx_fifo_.empty()) lsr |= kLsrDr;
    if (tx_fifo_.empty()) lsr |= kLsrThre;
    if (tx_fifo_.empty() && !shifter_busy_) lsr |= kLsrTemt;
    return lsr;
}

std::uint32_t MtkUart::readLsr() {
    const std::uint32_t lsr = lsrValue();
    if (lsr_errors_) {
        lsr_errors_ = 0;  // reading LSR clears the error bits and the line-status interrupt
        updateIrq();
    }
    return lsr;
}

std::uint32_t MtkUart::readMsr() const {
    if (mcr_ & kMcrLoop) {
        // Loopback wires the modem outputs to the inputs (16550).
        return ((mcr_ & kMcrRts) ? kMsrCts : 0) | ((mcr_ & kMcrDtr) ? kMsrDsr : 0) |
               ((mcr_ & kMcrOut1) ? kMsrRi : 0) | ((mcr_ & kMcrOut2) ? kMsrDcd : 0);
    }
    // The emulated terminal is always there and ready: CTS, DSR and DCD asserted.
    return kMsrCts | kMsrDsr | kMsrDcd;
}

void MtkUart::updateIrq() { irq.set(pendingInterruptId() != kIirNone); }

}  // namespace mt3620
