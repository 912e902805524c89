#include "periph/AdcController.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace mt3620 {

namespace {

constexpr std::uint32_t kAvgMask = 0x7;
constexpr std::uint32_t kTChMask = 0xF;
constexpr std::uint32_t kTInitMask = 0x7F;
constexpr unsigned kMaxAvgMode = 6;  // reference §4.7: 2^n samples, n = 0..6
constexpr std::uint32_t kDmaRxEn = 1u << 0;
constexpr std::uint32_t kTriLvlLoopback = 1u << 7;

}  // namespace

AdcController::AdcController(std::string name, Scheduler& scheduler, Log& log)
    : RegisterBlock(std::move(name), kSize),
      scheduler_(scheduler),
      log_(log),
      conversion_(scheduler, this->name() + ".conversion", [this] { advance(scheduler_.now()); }) {
    // --- Control (reference 0x100-0x110) ---
    ctl0_ = &define(kCtl0, "ADC_CTL0", kCtl0Reset).onWrite([this](std::uint32_t stored, std::uint32_t) {
        writeCtl0(stored);
    });
    // REG_PERIOD, CTL0's fields and the channel map are latched when ADC_FSM_EN goes 0 -> 1.
    period_ = &define(kRegPeriod, "REG_PERIOD");
    define(kCtl2, "ADC_CTL2");  // data-sync mode, timestamp enable: stored only
    // ADC_CTL3: analog front-end settings, stored; b31 selects the reference, read at each sample.
    ctl3_ = &define(kCtl3, "ADC_CTL3");
    define(kCtl4, "ADC_CTL4").readOnly();

    // --- Receive FIFO (reference 0x200-0x2D4, UART-style) ---
    define(kFifoRbr, "ADC_FIFO_RBR").readOnly().onRead([this](std::uint32_t) {
        return popFifo().value_or(0);
    });
    ier_ = &define(kFifoIer, "ADC_FIFO_IER").mask(kIerRxFull | kIerRxTimeout)
        .onWrite([this](std::uint32_t, std::uint32_t) { updateIrq(); });
    define(kIir, "ADC_IIR").readOnly().onRead([this](std::uint32_t) {
        advance(scheduler_.now());
        return iir();
    });
    define(kFifoFakeLcr, "ADC_FIFO_FAKELCR");
    define(kFifoLsr, "ADC_FIFO_LSR").readOnly().onRead([this](std::uint32_t) {
        advance(scheduler_.now());
        std::uint32_t v = (count() > 0 ? kLsrDr : 0u) | (overrun_ ? kLsrOverrun : 0u);
        overrun_ = false;  // like the UART's OE: cleared by reading LSR
        return v;
    });
    define(kFifoSleepEn, "ADC_FIFO_SLEEP_EN");
    // b0 RX DMA enable: the FIFO requests the M4 DMA's VFF channel 29 (reference §4.7, §4.11).
    define(kFifoDmaEn, "ADC_FIFO_DMA_EN").mask(0x5).onWrite([this](std::uint32_t stored, std::uint32_t) {
        if (stored & kDmaRxEn) dma_rx.request();
    });
    dma_rx.ready = [this] { return (peek(kFifoDmaEn) & kDmaRxEn) && fifoCount() > 0; };
    dma_rx.pop = [this] { return popFifo().value_or(0); };
    define(kFifoRtoCnt, "ADC_FIFO_RTOCNT").mask(0x3FFFF);
    tri_lvl_ = &define(kFifoTriLvl, "ADC_FIFO_TRI_LVL", kTriLvlReset).mask(0xFC)
        .onWrite([this](std::uint32_t stored, std::uint32_t) {
            if (stored & kTriLvlLoopback)
                log_.warnOnce(this->name() + ".loop", this->name(),
                              "ADC_FIFO_TRI_LVL loopback (b7) is stored and not modelled");
            updateIrq();
        });
    define(kFifoWak, "ADC_FIFO_WAK");
    define(kFifoWatTime, "ADC_FIFO_WAT_TIME").mask(0x3F);
    define(kFifoHandshake, "ADC_FIFO_HANDSHAKE").mask(0x7);
    for (unsigned i = 0; i < 16; ++i) define(kFifoDebug0 + 4 * i, fmt::format("ADC_FIFO_DEBUG{}", i)).readOnly();
    define(kFifoDebug16, "ADC_FIFO_DEBUG16").readOnly().onRead([this](std::uint32_t) {
        advance(scheduler_.now());
        return (rptr_ & (kFifoDepth - 1)) | ((wptr_ & (kFifoDepth - 1)) << 5);
    });
}

void AdcController::onReset() {
    conversion_.cancel();
    fsm_en_ = false;
    scanning_ = false;
    slots_.clear();
    fifo_.fill(0);
    rptr_ = wptr_ = 0;
    overrun_ = false;
    updateIrq();
}

void AdcController::setChannelSource(unsigned channel, std::function<double(Picos)> volts) {
    if (channel >= kChannels) {
        log_.warn(name(), "ADC channel {} does not exist (0-7)", channel);
        return;
    }
    sources_[channel] = std::move(volts);
}

double AdcController::referenceVolts() const { return (ctl3_->value & kVref18Sel) ? kVref18 : kVref25; }

std::uint32_t AdcController::codeFor(double volts) const {
    if (!(volts > 0.0)) return 0;  // negative and NaN read as 0
    const double x = volts / referenceVolts() * kMaxCode;
    if (x >= kMaxCode) return kMaxCode;
    return static_cast<std::uint32_t>(std::lround(x));  // halves round up: 2047.5 -> 2048
}

// --- FSM ---------------------------------------------------------------------------------------

void AdcController::writeCtl0(std::uint32_t stored) {
    const bool en = stored & kFsmEn;
    if (en == fsm_en_) return;  // other fields take effect at the next start
    advance(scheduler_.now());
    fsm_en_ = en;
    if (en) startFsm();
    else stopFsm();
}

void AdcController::startFsm() {
    const std::uint32_t ctl0 = ctl0_->value;
    slots_.clear();
    const std::uint32_t map = ctl0 >> kChMapShift;
    for (unsigned ch = 0; ch < 16; ++ch) {
        if (!(map & (1u << ch))) continue;
        if (ch < kChannels) slots_.push_back(ch);
        else log_.warnOnce(name() + ".chmap", name(), "REG_CH_MAP bit {} has no channel: ignored", ch);
    }
    unsigned avg = (ctl0 >> kAvgShift) & kAvgMask;
    if (avg > kMaxAvgMode) {
        log_.warnOnce(name() + ".avg", name(), "REG_AVG_MODE {} is beyond 6: using 6 (64 samples)", avg);
        avg = kMaxAvgMode;
    }
    avg_samples_ = 1u << avg;
    init_clocks_ = (ctl0 >> kTInitShift) & kTInitMask;
    conv_clocks_ = ((ctl0 >> kTChShift) & kTChMask) + kLatencyClocks + avg_samples_;
    periodic_ = ctl0 & kPmodeEn;
    period_clocks_ = std::uint64_t{period_->value} + 1;
    const std::uint64_t scan_clocks = conv_clocks_ * slots_.size();
    if (periodic_ && period_clocks_ < scan_clocks) {
        log_.warnOnce(name() + ".period", name(),
                      "REG_PERIOD + 1 = {} clocks is shorter than a scan ({} clocks): scans run back to back",
                      period_clocks_, scan_clocks);
        period_clocks_ = scan_clocks;
    }
    origin_ = scheduler_.now();
    next_scan_ = 0;
    next_slot_ = 0;
    scanning_ = !slots_.empty();
    log_.debug(name(), "FSM started: channels {}, {} sample(s) averaged, {}", slots_, avg_samples_,
               periodic_ ? fmt::format("every {} clocks", period_clocks_) : std::string("one scan"));
    advance(origin_);
}

void AdcController::stopFsm() {
    if (scanning_) log_.debug(name(), "FSM stopped");
    scanning_ = false;
    conversion_.cancel();
    updateIrq();
}

Picos AdcController::conversionTime(std::uint64_t scan, unsigned slot) const {
    const std::uint64_t clocks = init_clocks_ + scan * period_clocks_ + (slot + 1) * conv_clocks_;
    return origin_ + clocks * kClock;
}

void AdcController::advance(Picos now) {
    while (scanning_ && conversionTime(next_scan_, next_slot_) <= now) {
        convert(next_scan_, next_slot_);
        if (++next_slot_ == slots_.size()) {
            next_slot_ = 0;
            if (periodic_) ++next_scan_;
            else scanning_ = false;
        }
    }
    if (scanning_) {
        const Picos at = conversionTime(next_scan_, next_slot_);
        if (!conversion_.armed() || conversion_.deadline() != at) conversion_.armAt(at);
    } else {
        conversion_.cancel();
    }
    updateIrq();
}

void AdcController::convert(std::uint64_t scan, unsigned slot) {
    const unsigned ch = slots_[slot];
    const Picos end = conversionTime(scan, slot);
    // REG_AVG_MODE: the mean of 2^n samples, one per clock, the last at the end of the conversion.
    std::uint64_t sum = 0;
    for (unsigned j = 0; j < avg_samples_; ++j) {
        const Picos t = end - Picos{avg_samples_ - 1 - j} * kClock;
        const double v = sources_[ch] ? sources_[ch](t) : 0.0;
        sum += codeFor(v);
    }
    const auto code = static_cast<std::uint32_t>((sum + avg_samples_ / 2) / avg_samples_);
    log_.trace(name(), "channel {} -> code {}", ch, code);
    push((code << 4) | ch);
}

// --- FIFO and interrupt ------------------------------------------------------------------------

void AdcController::push(std::uint32_t entry) {
    if (count() >= kFifoDepth) {
        // [unknown] Overflow: the newest sample is lost (as in a UART receive FIFO), LSR b1 set.
        overrun_ = true;
        ++dropped_;
        log_.warnOnce(name() + ".overflow", name(), "FIFO full: dropping new samples (the newest are lost)");
        return;
    }
    fifo_[wptr_ & (kFifoDepth - 1)] = entry;
    wptr_ = (wptr_ + 1) & kPtrMask;
    if (peek(kFifoDmaEn) & kDmaRxEn) dma_rx.request();
}

unsigned AdcController::fifoCount() {
    advance(scheduler_.now());
    return count();
}

std::optional<std::uint32_t> AdcController::popFifo() {
    advance(scheduler_.now());
    if (count() == 0) return std::nullopt;
    const std::uint32_t v = fifo_[rptr_ & (kFifoDepth - 1)];
    rptr_ = (rptr_ + 1) & kPtrMask;
    updateIrq();
    return v;
}

unsigned AdcController::triggerLevel() const {
    const unsigned lvl = (tri_lvl_->value >> 2) & 0x1F;
    return lvl ? lvl : 1;  // 0 treated as 1
}

bool AdcController::timeoutPending() const {
    // Data is waiting and no more is coming: the one-shot scan is over or the FSM is off.
    return count() > 0 && !scanning_;
}

std::uint32_t AdcController::iir() const {
    const std::uint32_t ier = ier_->value;
    if ((ier & kIerRxFull) && count() >= triggerLevel()) return kIirRxData;
    if ((ier & kIerRxTimeout) && timeoutPending()) return kIirRxTimeout;
    return kIirNone;
}

void AdcController::updateIrq() { irq.set(iir() != kIirNone); }

}  // namespace mt3620
