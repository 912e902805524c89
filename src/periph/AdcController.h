#pragma once
// The ADC controller (reference §4.7): 8 channels on GPIO41-48, 12 bits, a 2 MHz clock, a
// 32-entry receive FIFO, IRQ 70 (reference §3).
//
// The reference block at 0x3800_0000 also holds the GPIO41-48 registers (0x000-0x0FF,
// ADC_GLOBAL_CTRL among them), which the GPIO model owns. This model is therefore mapped at
// 0x3800_0100 with size 0x200, and each register sits at (reference offset - 0x100), as in
// Microsoft's bare-metal sample (ADC_CTRL_BASE 0x3800_0100):
//
//   0x000 ADC_CTL0          b0 ADC_FSM_EN, b[3:1] REG_AVG_MODE, b[7:4] REG_T_CH, b8 PMODE_EN,
//                           b[15:9] REG_T_INIT, b[31:16] REG_CH_MAP
//   0x004 REG_PERIOD        periodic mode: period in 2 MHz clocks - 1
//   0x008 ADC_CTL2, 0x00C ADC_CTL3 (b31 VREF: 0 = 2.5 V, 1 = 1.8 V), 0x010 ADC_CTL4 (RO)
//   0x100 ADC_FIFO_RBR      pops one entry: b[3:0] channel, b[15:4] sample
//   0x104 ADC_FIFO_IER      b0 RX trigger-level interrupt, b2 RX timeout interrupt
//   0x108 ADC_IIR           1 none, 4 RX data at the trigger level, 12 RX timeout
//   0x114 ADC_FIFO_LSR      b0 DR
//   0x160 ADC_FIFO_TRI_LVL  b[6:2] trigger level
//   0x1D4 ADC_FIFO_DEBUG16  b[4:0] read pointer, b[9:5] write pointer
//
// Conversions are EventTimers at the virtual time each sample completes (one per sample, none
// per clock); the voltage sources are functions of virtual time, evaluated at the sample time.
// docs/peripherals.md lists the choices made where the public sources say nothing.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/DmaPort.h"
#include "periph/RegisterBlock.h"
#include "periph/Signals.h"

namespace mt3620 {

class AdcController : public RegisterBlock {
public:
    static constexpr std::uint32_t kBase = 0x3800'0100;
    static constexpr std::uint32_t kSize = 0x200;
    static constexpr unsigned kIrq = 70;  // CM4_IRQ_ADC (reference §3)
    static constexpr unsigned kChannels = 8;
    static constexpr unsigned kFifoDepth = 32;  // MTK ADC_FIFO_SIZE
    static constexpr std::uint64_t kClockHz = 2'000'000;
    static constexpr Picos kClock = kPicosPerSecond / kClockHz;  // 500 ns
    static constexpr double kVref25 = 2.5;
    static constexpr double kVref18 = 1.8;
    static constexpr std::uint32_t kMaxCode = 4095;

    // Register offsets in this model (reference offset - 0x100).
    static constexpr std::uint32_t kCtl0 = 0x000, kRegPeriod = 0x004, kCtl2 = 0x008, kCtl3 = 0x00C,
                                   kCtl4 = 0x010, kFifoRbr = 0x100, kFifoIer = 0x104, kIir = 0x108,
                                   kFifoFakeLcr = 0x10C, kFifoLsr = 0x114, kFifoSleepEn = 0x148,
                                   kFifoDmaEn = 0x14C, kFifoRtoCnt = 0x154, kFifoTriLvl = 0x160,
                                   kFifoWak = 0x164, kFifoWatTime = 0x168, kFifoHandshake = 0x16C,
                                   kFifoDebug0 = 0x170, kFifoDebug16 = 0x1D4;

    // ADC_CTL0 fields.
    static constexpr std::uint32_t kFsmEn = 1u << 0;
    static constexpr unsigned kAvgShift = 1, kTChShift = 4, kTInitShift = 9, kChMapShift = 16;
    static constexpr std::uint32_t kPmodeEn = 1u << 8;
    /// REG_T_CH = 8 and REG_T_INIT = 20, the defaults the reference gives.
    static constexpr std::uint32_t kCtl0Reset = (20u << kTInitShift) | (8u << kTChShift);
    static constexpr std::uint32_t kVref18Sel = 1u << 31;  // ADC_CTL3 b31
    static constexpr std::uint32_t kIerRxFull = 1u << 0, kIerRxTimeout = 1u << 2;
    static constexpr std::uint32_t kIirNone = 1, kIirRxData = 4, kIirRxTimeout = 12;
    static constexpr std::uint32_t kLsrDr = 1u << 0, kLsrOverrun = 1u << 1;
    static constexpr std::uint32_t kTriLvlReset = 0x1C;
    /// Fixed part of a conversion besides REG_T_CH and the averaged samples (datasheet latency
    /// as quoted by Microsoft's sample: "ADC latency (2 clock cycles)").
    static constexpr std::uint32_t kLatencyClocks = 2;

    AdcController(std::string name, Scheduler& scheduler, Log& log);

    /// The voltage on `channel` (0-7) as a function of virtual time. Unset channels read 0 V.
    void setChannelSource(unsigned channel, std::function<double(Picos)> volts);

    /// IRQ 70: high while (IER.b0 and count >= trigger level) or (IER.b2 and a timeout).
    IrqLine irq;

    /// The RX DMA handshake (ADC_FIFO_DMA_EN b0): FIFO entries go to M4 DMA channel 29.
    DmaPort dma_rx;

    /// FIFO entries waiting (0-32), after any conversions due by now.
    unsigned fifoCount();
    /// Pops one FIFO entry as an RBR read would (for a DMA model); nullopt if empty.
    std::optional<std::uint32_t> popFifo();
    /// Samples lost because the FIFO was full.
    std::uint64_t droppedSamples() const { return dropped_; }
    /// Reference voltage selected by ADC_CTL3 b31.
    double referenceVolts() const;
    /// The 12-bit code for `volts` with the current reference: round(v / vref * 4095), clamped.
    std::uint32_t codeFor(double volts) const;

protected:
    void onReset() override;

private:
    void writeCtl0(std::uint32_t stored);
    void startFsm();
    void stopFsm();
    /// Runs every conversion due at or before `now`, then arms the timer for the next one.
    void advance(Picos now);
    Picos conversionTime(std::uint64_t scan, unsigned slot) const;
    void convert(std::uint64_t scan, unsigned slot);
    void push(std::uint32_t entry);
    unsigned count() const { return static_cast<unsigned>((wptr_ - rptr_) & kPtrMask); }
    unsigned triggerLevel() const;
    bool timeoutPending() const;
    std::uint32_t iir() const;
    void updateIrq();

    static constexpr std::uint32_t kPtrMask = 2 * kFifoDepth - 1;  // one wrap bit beyond DEBUG16

    Scheduler& scheduler_;
    Log& log_;
    std::array<std::function<double(Picos)>, kChannels> sources_{};

    Register* ctl0_ = nullptr;
    Register* period_ = nullptr;
    Register* ctl3_ = nullptr;
    Register* ier_ = nullptr;
    Register* tri_lvl_ = nullptr;

    // The FSM, latched when ADC_FSM_EN goes from 0 to 1.
    bool fsm_en_ = false;      // ADC_FSM_EN as last written
    bool scanning_ = false;    // conversions still to come
    bool periodic_ = false;
    Picos origin_ = 0;
    std::vector<unsigned> slots_;       // channels of one scan, ascending
    std::uint64_t init_clocks_ = 0;     // REG_T_INIT, once
    std::uint64_t conv_clocks_ = 0;     // per channel: REG_T_CH + latency + 2^AVG samples
    std::uint64_t period_clocks_ = 0;   // periodic: between scan starts
    unsigned avg_samples_ = 1;
    std::uint64_t next_scan_ = 0;
    unsigned next_slot_ = 0;
    EventTimer conversion_;

    // FIFO.
    std::array<std::uint32_t, kFifoDepth> fifo_{};
    std::uint32_t rptr_ = 0;
    std::uint32_t wptr_ = 0;
    bool overrun_ = false;
    std::uint64_t dropped_ = 0;
};

}  // namespace mt3620
