#pragma once
// The M4 DMA controller (reference §4.11): one per IO M4 core at 0x2108_0000 in the core's
// private peripheral space, IRQ 77. 30 channels at base + 0x100 * c, global registers at
// base + 0x4000. Channel kinds follow the channel enum of reference §4.4:
//
//   0-11   half-size: memory (PGMADDR) <-> a fixed peripheral register (FIXADDR), COUNT units
//          (0-9 are ISU0-4 TX/RX for I2C and SPI; 10/11 would be ISU5's)
//   12     full-size memory-to-memory: SRC -> DST, SINC/DINC, COUNT units
//   13-29  virtual FIFO (VFF): a ring in memory (PGMADDR, FFSIZE) with a software pointer
//          (SWPTR, firmware's side) and a hardware pointer (HWPTR, the DMA's side), each a byte
//          offset plus a wrap bit (b16); 13+2n / 14+2n are ISU n's UART TX / RX, 29 the ADC.
//
// How data moves:
//   * CON.DREQ = 1 on a channel wired to a peripheral model (connect()): the peripheral's
//     request line paces the transfer (a UART's TX FIFO takes bytes as the baud rate drains
//     it); each service moves every unit the peripheral can take or give right now.
//   * otherwise the channel free-runs through the core's bus at one unit per core clock cycle
//     (memory-to-memory, or a peripheral register at FIXADDR such as SPI DATAPORT), moving up
//     to kBurstUnits units per scheduler event.
// A DMA access that no RAM or model answers (or that the firewall denies) stops the channel
// with a warning naming the channel and address; it never reaches the core as a fault.
//
// Choices where the reference is silent are listed in docs/peripherals.md ("M4 DMA").
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/DmaPort.h"
#include "periph/RegisterBlock.h"
#include "periph/Signals.h"

namespace mt3620 {

class PeripheralBus;
class RamRegion;

/// What one core's DMA sees of the address space: that core's RAM regions (direct host
/// memory) and its peripheral bus. Accesses never log per unit and never fault the core.
class DmaBusView {
public:
    void addRam(RamRegion& region, bool writable);
    void setPeripheralBus(PeripheralBus* bus) { bus_ = bus; }

    /// `size` is 1, 2 or 4. False if nothing accepts the access (unmapped, read-only, denied).
    bool read(std::uint32_t addr, unsigned size, std::uint32_t& value);
    bool write(std::uint32_t addr, unsigned size, std::uint32_t value);

private:
    struct Ram {
        RamRegion* region;
        bool writable;
    };
    Ram* findRam(std::uint32_t addr, unsigned size);
    std::vector<Ram> ram_;
    PeripheralBus* bus_ = nullptr;
};

class M4Dma : public RegisterBlock {
public:
    static constexpr std::uint32_t kBase = 0x2108'0000;
    static constexpr unsigned kIrq = 77;
    static constexpr unsigned kChannelCount = 30;
    static constexpr std::uint32_t kChannelStride = 0x100;
    static constexpr std::uint32_t kGlobalBase = 0x4000;
    static constexpr std::uint32_t kSize = 0x4100;
    /// Units a free-running channel moves per scheduler event (each takes one cycle).
    static constexpr unsigned kBurstUnits = 64;

    // Channel register offsets (reference §4.11).
    static constexpr std::uint32_t kSrc = 0x00, kDst = 0x04, kWppt = 0x08, kWpto = 0x0C, kCount = 0x10,
                                   kCon = 0x14, kStart = 0x18, kIntSta = 0x1C, kAckInt = 0x20, kRlct = 0x24,
                                   kLimiter = 0x28, kPgmAddr = 0x2C, kFfCnt = 0x38, kFfSta = 0x3C,
                                   kAltLen = 0x40, kFfSize = 0x44, kTo = 0x50, kHwPtr = 0x58, kSwPtr = 0x5C,
                                   kFixAddr = 0x60;
    // Global register offsets, relative to the block (reference §4.11, + 0x4000).
    static constexpr std::uint32_t kGlbSta0 = 0x4000, kGlbSta1 = 0x4004, kChRst = 0x4008, kGloCon = 0x400C,
                                   kGroup0 = 0x4010, kGroup1 = 0x4014, kIsuVfifo = 0x4018,
                                   kIsuVfifoErr = 0x401C, kChEn = 0x4020, kChEnSet = 0x4024,
                                   kChEnClr = 0x4028, kGlbPause = 0x4030, kGlbStaPause = 0x4034,
                                   kSetDreq = 0x4050, kClrDreq = 0x4058;
    // CON bits.
    static constexpr std::uint32_t kConSinc = 1u << 2, kConDinc = 1u << 3, kConDreq = 1u << 4,
                                   kConHiten = 1u << 13, kConToen = 1u << 14, kConIten = 1u << 15,
                                   kConWpsd = 1u << 16, kConWpen = 1u << 17, kConDir = 1u << 18;
    // INTSTA / ACKINT bits.
    static constexpr std::uint32_t kIntHalf = 1u << 13, kIntDone = 1u << 15, kIntTimeout = 1u << 16;
    static constexpr std::uint32_t kStartStr = 1u << 15;
    static constexpr std::uint32_t kPtrWrap = 1u << 16;
    /// The VFF timeout register TO counts ticks of the 26 MHz crystal (a choice, see docs).
    static constexpr std::uint64_t kTimeoutClockHz = 26'000'000;

    enum class Kind { HalfSize, FullSize, VirtualFifo };
    static Kind kindOf(unsigned channel);
    static constexpr std::uint32_t channelBase(unsigned c) { return c * kChannelStride; }

    /// `clock_hz` is the core clock (HCLK), which paces free-running transfers.
    M4Dma(std::string name, Scheduler& scheduler, Log& log, std::function<std::uint64_t()> clock_hz);
    ~M4Dma() override;

    /// The address space the channels read and write (set up by the machine).
    DmaBusView& memory() { return memory_; }
    /// Wires a peripheral's handshake port to a channel (e.g. ISU0 UART TX to channel 13). The
    /// port must outlive this DMA or be rewired; the channel unhooks itself when destroyed.
    void connect(unsigned channel, DmaPort& port);

    /// Interrupt output: high while any channel has an INTSTA bit set.
    IrqLine irq;

    /// True once a channel stopped because a DMA access failed (cleared by restarting it).
    bool channelFaulted(unsigned channel) const;
    bool channelRunning(unsigned channel) const;

protected:
    void onReset() override;

private:
    struct Channel;
    void defineChannel(Channel& ch);
    void defineGlobals();

    void writeStart(Channel& ch, std::uint32_t value);
    void begin(Channel& ch);
    void stop(Channel& ch);
    void finish(Channel& ch);
    void fault(Channel& ch, const char* what, std::uint32_t addr);
    void resetChannel(Channel& ch);
    void kick(Channel& ch);
    void schedule(Channel& ch, std::uint64_t cycles);
    std::uint32_t pendingUnits(const Channel& ch) const;
    std::uint32_t unitBytes(const Channel& ch) const;
    void service(Channel& ch);
    void onFifoTimeout(Channel& ch);
    bool handshake(const Channel& ch) const;
    bool active(const Channel& ch) const;

    // Counted (half-size / full-size) transfers.
    bool moveCountedUnit(Channel& ch);
    std::uint32_t remainingUnits(const Channel& ch) const;

    // Virtual FIFO helpers.
    std::uint32_t fifoBytes(const Channel& ch) const;
    std::uint32_t fifoLevelBytes(const Channel& ch) const;
    std::uint32_t ffsta(const Channel& ch) const;
    bool moveFifoUnit(Channel& ch);
    void checkFifoThreshold(Channel& ch);

    void raise(Channel& ch, std::uint32_t bits);
    void updateIrq();
    std::uint32_t glbsta(unsigned first) const;
    std::uint32_t runningMask() const;

    Scheduler& scheduler_;
    Log& log_;
    std::function<std::uint64_t()> clock_hz_;
    DmaBusView memory_;
    std::array<std::unique_ptr<Channel>, kChannelCount> channels_;
    Register* ch_en_ = nullptr;
    Register* pause_ = nullptr;
};

}  // namespace mt3620
