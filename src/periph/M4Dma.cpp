#include "periph/M4Dma.h"

#include <algorithm>
#include <cstring>

#include "bus/PeripheralBus.h"
#include "bus/RamRegion.h"

namespace mt3620 {

// --- The DMA's view of the address space -----------------------------------------------------

void DmaBusView::addRam(RamRegion& region, bool writable) { ram_.push_back(Ram{&region, writable}); }

DmaBusView::Ram* DmaBusView::findRam(std::uint32_t addr, unsigned size) {
    for (Ram& r : ram_)
        if (r.region->contains(addr, size)) return &r;
    return nullptr;
}

bool DmaBusView::read(std::uint32_t addr, unsigned size, std::uint32_t& value) {
    if (Ram* r = findRam(addr, size)) {
        value = 0;
        std::memcpy(&value, r->region->at(addr), size);  // little-endian host, as the guest
        return true;
    }
    return bus_ && bus_->masterRead(addr, size, value);
}

bool DmaBusView::write(std::uint32_t addr, unsigned size, std::uint32_t value) {
    if (Ram* r = findRam(addr, size)) {
        if (!r->writable) return false;
        std::memcpy(r->region->at(addr), &value, size);
        return true;
    }
    return bus_ && bus_->masterWrite(addr, size, value);
}

// --- Channel state ---------------------------------------------------------------------------

struct M4Dma::Channel : DmaPort::Listener {
    Channel(M4Dma& owner, unsigned c, Scheduler& scheduler)
        : dma(owner),
          index(c),
          kind(kindOf(c)),
          base(channelBase(c)),
          timer(scheduler, owner.name() + ".ch" + std::to_string(c), [this] { dma.service(*this); }),
          timeout(scheduler, owner.name() + ".ch" + std::to_string(c) + ".timeout",
                  [this] { dma.onFifoTimeout(*this); }) {}

    ~Channel() override {
        if (port) port->removeListener(this);
    }
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    void dmaRequested() override { dma.kick(*this); }

    std::uint32_t con() const { return con_reg->value; }
    bool toPeripheral() const { return (con() & kConDir) == 0; }  // DIR 0: memory -> peripheral

    M4Dma& dma;
    unsigned index;
    Kind kind;
    std::uint32_t base;
    EventTimer timer;    // next service (burst end or handshake request)
    EventTimer timeout;  // VFF RX timeout
    DmaPort* port = nullptr;

    // Stored registers, read on the data path without a lookup.
    Register* src = nullptr;
    Register* dst = nullptr;
    Register* wppt = nullptr;
    Register* wpto = nullptr;
    Register* count = nullptr;
    Register* con_reg = nullptr;
    Register* pgmaddr = nullptr;
    Register* altlen = nullptr;
    Register* ffsize = nullptr;
    Register* to = nullptr;
    Register* hwptr = nullptr;
    Register* swptr = nullptr;
    Register* fixaddr = nullptr;

    bool running = false;
    bool faulted = false;
    bool half_raised = false;
    std::uint32_t intsta = 0;
    std::uint32_t total = 0;  // units of a counted transfer
    std::uint32_t done = 0;
    std::uint32_t src_cursor = 0, dst_cursor = 0;
    std::uint32_t since_wrap = 0;
};

M4Dma::Kind M4Dma::kindOf(unsigned channel) {
    if (channel < 12) return Kind::HalfSize;
    if (channel == 12) return Kind::FullSize;
    return Kind::VirtualFifo;
}

M4Dma::M4Dma(std::string name, Scheduler& scheduler, Log& log, std::function<std::uint64_t()> clock_hz)
    : RegisterBlock(std::move(name), kSize), scheduler_(scheduler), log_(log), clock_hz_(std::move(clock_hz)) {
    for (unsigned c = 0; c < kChannelCount; ++c) {
        channels_[c] = std::make_unique<Channel>(*this, c, scheduler_);
        defineChannel(*channels_[c]);
    }
    defineGlobals();
}

M4Dma::~M4Dma() = default;

void M4Dma::defineChannel(Channel& ch) {
    const std::string p = "CH" + std::to_string(ch.index) + ".";
    const std::uint32_t b = ch.base;
    ch.src = &define(b + kSrc, p + "SRC");
    ch.dst = &define(b + kDst, p + "DST");
    ch.wppt = &define(b + kWppt, p + "WPPT").mask(0xFFFF);
    ch.wpto = &define(b + kWpto, p + "WPTO");
    ch.count = &define(b + kCount, p + "COUNT").mask(0x1FFFF);
    // CON: SIZE, SINC, DINC, DREQ, B2W, BURST, HITEN, TOEN, ITEN, WPSD, WPEN, DIR.
    ch.con_reg = &define(b + kCon, p + "CON").mask(0x3F | 0x700 | 0x7E000);
    define(b + kStart, p + "START").mask(kStartStr)
        .onRead([&ch](std::uint32_t) { return ch.running ? kStartStr : 0u; })
        .onWrite([this, &ch](std::uint32_t, std::uint32_t w) { writeStart(ch, w); });
    define(b + kIntSta, p + "INTSTA").readOnly().onRead([&ch](std::uint32_t) { return ch.intsta; });
    define(b + kAckInt, p + "ACKINT").writeOnly().onWrite([this, &ch](std::uint32_t, std::uint32_t w) {
        ch.intsta &= ~w;
        updateIrq();
    });
    define(b + kRlct, p + "RLCT").readOnly().onRead([this, &ch](std::uint32_t) { return remainingUnits(ch); });
    define(b + kLimiter, p + "LIMITER").mask(0xFF);
    ch.pgmaddr = &define(b + kPgmAddr, p + "PGMADDR");
    define(b + kFfCnt, p + "FFCNT").readOnly().onRead([this, &ch](std::uint32_t) {
        return ch.kind == Kind::VirtualFifo ? fifoLevelBytes(ch) / unitBytes(ch) : 0u;
    });
    define(b + kFfSta, p + "FFSTA").readOnly().onRead([this, &ch](std::uint32_t) { return ffsta(ch); });
    ch.altlen = &define(b + kAltLen, p + "ALTLEN").mask(0x8000FFFF);
    ch.ffsize = &define(b + kFfSize, p + "FFSIZE").mask(0xFFFF);
    ch.to = &define(b + kTo, p + "TO");
    ch.hwptr = &define(b + kHwPtr, p + "HWPTR").mask(0x1FFFF);
    ch.swptr = &define(b + kSwPtr, p + "SWPTR").mask(0x1FFFF).onWrite([this, &ch](std::uint32_t, std::uint32_t) {
        // TX: the firmware queued data; RX: it freed space the peripheral may be waiting for.
        if (ch.kind == Kind::VirtualFifo) kick(ch);
    });
    ch.fixaddr = &define(b + kFixAddr, p + "FIXADDR");
}

void M4Dma::defineGlobals() {
    define(kGlbSta0, "GLBSTA0").readOnly().onRead([this](std::uint32_t) { return glbsta(0); });
    define(kGlbSta1, "GLBSTA1").readOnly().onRead([this](std::uint32_t) { return glbsta(16); });
    // CH_RST and GLO_CON.SW_RESET are active low: MediaTek's driver clears the bit, then sets
    // it again. A channel whose bit is written as 0 is reset.
    define(kChRst, "CH_RST", (1u << kChannelCount) - 1).mask((1u << kChannelCount) - 1)
        .onWrite([this](std::uint32_t stored, std::uint32_t) {
            for (auto& ch : channels_)
                if (!(stored & (1u << ch->index))) resetChannel(*ch);
        });
    define(kGloCon, "GLO_CON", 1).onWrite([this](std::uint32_t stored, std::uint32_t) {
        if (!(stored & 1))
            for (auto& ch : channels_) resetChannel(*ch);
    });
    define(kGroup0, "GROUP0");
    define(kGroup1, "GROUP1");
    define(kIsuVfifo, "ISU_VFIFO");
    define(kIsuVfifoErr, "ISU_VFIFO_ERR");
    ch_en_ = &define(kChEn, "CH_EN").mask((1u << kChannelCount) - 1);
    // SET reads back the enables (MediaTek's driver ORs into what it reads); CLR reads 0 so
    // the same read-modify-write does not clear every enabled channel.
    define(kChEnSet, "CH_EN_SET").readOnly()
        .onRead([this](std::uint32_t) { return ch_en_->value; })
        .onWrite([this](std::uint32_t, std::uint32_t w) { ch_en_->value |= w & ((1u << kChannelCount) - 1); });
    define(kChEnClr, "CH_EN_CLR").writeOnly().onWrite([this](std::uint32_t, std::uint32_t w) { ch_en_->value &= ~w; });
    pause_ = &define(kGlbPause, "GLB_PAUSE").mask((1u << kChannelCount) - 1)
        .onWrite([this](std::uint32_t stored, std::uint32_t) {
            for (auto& ch : channels_)
                if (!(stored & (1u << ch->index))) kick(*ch);  // resumed channels continue
        });
    define(kGlbStaPause, "GLB_STA_PAUSE").readOnly()
        .onRead([this](std::uint32_t) { return pause_->value & runningMask(); });
    // A software DREQ makes the channel look at its peripheral again; CLR_DREQ has nothing to
    // withdraw in this model (requests are not latched).
    define(kSetDreq, "SET_DREQ").writeOnly().onWrite([this](std::uint32_t, std::uint32_t w) {
        for (auto& ch : channels_)
            if (w & (1u << ch->index)) kick(*ch);
    });
    define(kClrDreq, "CLR_DREQ").writeOnly();
}

void M4Dma::connect(unsigned channel, DmaPort& port) {
    if (channel >= kChannelCount) return;
    if (channels_[channel]->port) channels_[channel]->port->removeListener(channels_[channel].get());
    channels_[channel]->port = &port;
    port.addListener(channels_[channel].get());
}

bool M4Dma::channelFaulted(unsigned channel) const {
    return channel < kChannelCount && channels_[channel]->faulted;
}

bool M4Dma::channelRunning(unsigned channel) const {
    return channel < kChannelCount && channels_[channel]->running;
}

void M4Dma::onReset() {
    for (auto& ch : channels_) resetChannel(*ch);
}

void M4Dma::resetChannel(Channel& ch) {
    stop(ch);
    ch.faulted = false;
    ch.intsta = 0;
    for (std::uint32_t off = 0; off < kChannelStride; off += 4)
        if (Register* r = find(ch.base + off)) r->value = r->reset_value;
    updateIrq();
}

// --- Start, stop, completion -----------------------------------------------------------------

void M4Dma::writeStart(Channel& ch, std::uint32_t value) {
    const bool str = (value & kStartStr) != 0;
    if (str && !ch.running) begin(ch);
    else if (!str && ch.running) stop(ch);
}

void M4Dma::begin(Channel& ch) {
    if (!(ch_en_->value & (1u << ch.index)))
        log_.warnOnce(name() + ".clock" + std::to_string(ch.index), name(),
                      "channel {} started with its clock off (CH_EN bit {} clear); running it anyway",
                      ch.index, ch.index);
    ch.running = true;
    ch.faulted = false;
    ch.half_raised = false;
    ch.done = 0;
    ch.since_wrap = 0;
    if (ch.kind == Kind::VirtualFifo) {
        // Both public drivers only work if the hardware pointer restarts at the ring's base
        // when the channel starts (they set SWPTR alone before STR), so it does here.
        ch.hwptr->value = 0;
    } else {
        ch.total = ch.count->value & 0xFFFF;
        if (ch.kind == Kind::FullSize) {
            ch.src_cursor = ch.src->value;
            ch.dst_cursor = ch.dst->value;
        } else {
            ch.src_cursor = ch.toPeripheral() ? ch.pgmaddr->value : ch.fixaddr->value;
            ch.dst_cursor = ch.toPeripheral() ? ch.fixaddr->value : ch.pgmaddr->value;
        }
    }
    if ((ch.con() & kConDreq) && ch.kind != Kind::FullSize && !ch.port)
        log_.warnOnce(name() + ".noport" + std::to_string(ch.index), name(),
                      "channel {} uses the hardware handshake (CON.DREQ) but no modelled peripheral "
                      "drives it; it waits",
                      ch.index);
    kick(ch);
}

void M4Dma::stop(Channel& ch) {
    ch.running = false;
    ch.timer.cancel();
    ch.timeout.cancel();
}

void M4Dma::finish(Channel& ch) {
    if (ch.kind == Kind::HalfSize && (ch.count->value & (1u << 16))) {
        // RLLEN: the half-size channel reloads its count and address and keeps going.
        ch.done = 0;
        ch.half_raised = false;
        ch.src_cursor = ch.toPeripheral() ? ch.pgmaddr->value : ch.fixaddr->value;
        ch.dst_cursor = ch.toPeripheral() ? ch.fixaddr->value : ch.pgmaddr->value;
        if (ch.con() & kConIten) raise(ch, kIntDone);
        kick(ch);
        return;
    }
    stop(ch);
    if (ch.con() & kConIten) raise(ch, kIntDone);
}

void M4Dma::fault(Channel& ch, const char* what, std::uint32_t addr) {
    stop(ch);
    ch.faulted = true;
    log_.warn(name(), "channel {} stopped: DMA {} at {:#010x} reached no memory or peripheral", ch.index, what, addr);
}

// --- Scheduling ------------------------------------------------------------------------------

bool M4Dma::handshake(const Channel& ch) const {
    // A virtual FIFO wired to its peripheral always follows that peripheral's requests, whatever
    // CON.DREQ says: one variant of Codethink's UART driver clears DREQ on the TX ring and relies
    // on the UART's TX handshake (EXTEND_ADD) alone. Half-size channels honour DREQ.
    if (!ch.port || ch.kind == Kind::FullSize) return false;
    return ch.kind == Kind::VirtualFifo || (ch.con() & kConDreq);
}

bool M4Dma::active(const Channel& ch) const {
    // A handshake channel that no modelled peripheral drives waits, as it would on the chip
    // with the peripheral's request line held inactive.
    const bool orphan = (ch.con() & kConDreq) && !ch.port && ch.kind != Kind::FullSize;
    return ch.running && !orphan && !(pause_->value & (1u << ch.index));
}

std::uint32_t M4Dma::unitBytes(const Channel& ch) const {
    // SIZE 3 is undefined; treat it as a word.
    return 1u << std::min<std::uint32_t>(ch.con() & 0x3, 2);
}

std::uint32_t M4Dma::pendingUnits(const Channel& ch) const {
    if (ch.kind != Kind::VirtualFifo) return ch.total - ch.done;
    if (ch.toPeripheral()) return fifoLevelBytes(ch) / unitBytes(ch);
    return 0;  // an RX ring without a handshake has no source to pace it: it waits
}

void M4Dma::kick(Channel& ch) {
    if (!active(ch)) return;
    if (handshake(ch)) {
        schedule(ch, 1);  // one bus cycle to notice the request
        return;
    }
    const std::uint32_t n = pendingUnits(ch);
    if (n == 0 && ch.kind != Kind::VirtualFifo) {
        finish(ch);  // COUNT 0: nothing to move
        return;
    }
    if (n > 0) schedule(ch, std::min<std::uint32_t>(n, kBurstUnits));
}

void M4Dma::schedule(Channel& ch, std::uint64_t cycles) {
    if (ch.timer.armed()) return;  // already due; that service sees the new state
    std::uint64_t hz = clock_hz_ ? clock_hz_() : 0;
    if (hz == 0) hz = kTimeoutClockHz;
    ch.timer.armAfter(cyclesToPicos(cycles, hz));
}

void M4Dma::service(Channel& ch) {
    if (!active(ch)) return;
    const bool hs = handshake(ch);
    if (ch.kind == Kind::VirtualFifo) {
        if (fifoBytes(ch) == 0) {
            log_.warnOnce(name() + ".ffsize" + std::to_string(ch.index), name(),
                          "channel {} runs as a virtual FIFO with FFSIZE 0; nothing moves", ch.index);
            return;
        }
        unsigned moved = 0;
        if (ch.toPeripheral()) {
            while (fifoLevelBytes(ch) > 0 && (hs ? ch.port->ready() : moved < kBurstUnits)) {
                if (!moveFifoUnit(ch)) return;
                ++moved;
            }
        } else if (hs) {
            while (fifoLevelBytes(ch) < fifoBytes(ch) && ch.port->ready()) {
                if (!moveFifoUnit(ch)) return;
                ++moved;
            }
        }
        if (moved == 0) return;
        checkFifoThreshold(ch);
        if (!ch.toPeripheral() && (ch.con() & kConToen) && ch.to->value != 0)
            ch.timeout.armAfter(cyclesToPicos(ch.to->value, kTimeoutClockHz));
        if (!hs) kick(ch);  // the next burst of a free-running TX ring
        return;
    }

    // Counted transfer (half-size or memory-to-memory).
    if (hs) {
        while (ch.done < ch.total && ch.port->ready())
            if (!moveCountedUnit(ch)) return;
    } else {
        const std::uint32_t n = std::min<std::uint32_t>(ch.total - ch.done, kBurstUnits);
        for (std::uint32_t i = 0; i < n; ++i)
            if (!moveCountedUnit(ch)) return;
    }
    if (ch.done >= ch.total) finish(ch);
    else if (!hs) kick(ch);
}

// --- Counted transfers -----------------------------------------------------------------------

std::uint32_t M4Dma::remainingUnits(const Channel& ch) const {
    if (ch.kind == Kind::VirtualFifo) return 0;
    if (!ch.running) return ch.faulted ? ch.total - ch.done : 0;
    return ch.total - ch.done;
}

bool M4Dma::moveCountedUnit(Channel& ch) {
    const unsigned u = unitBytes(ch);
    std::uint32_t value = 0;
    const bool peripheral_side = ch.kind == Kind::HalfSize && handshake(ch);
    if (peripheral_side && !ch.toPeripheral()) {
        value = ch.port->pop();
    } else if (!memory_.read(ch.src_cursor, u, value)) {
        fault(ch, "read", ch.src_cursor);
        return false;
    }
    if (peripheral_side && ch.toPeripheral()) {
        ch.port->push(value);
    } else if (!memory_.write(ch.dst_cursor, u, value)) {
        fault(ch, "write", ch.dst_cursor);
        return false;
    }
    if (ch.con() & kConSinc) ch.src_cursor += u;
    if (ch.con() & kConDinc) ch.dst_cursor += u;
    ++ch.done;
    if ((ch.con() & kConWpen) && ++ch.since_wrap == (ch.wppt->value & 0xFFFF)) {
        // Address wrapping: after WPPT units the chosen side continues at WPTO.
        ch.since_wrap = 0;
        if (ch.con() & kConWpsd) ch.dst_cursor = ch.wpto->value;
        else ch.src_cursor = ch.wpto->value;
    }
    if ((ch.con() & kConHiten) && !ch.half_raised && ch.done * 2 >= ch.total) {
        ch.half_raised = true;
        raise(ch, kIntHalf);
    }
    return true;
}

// --- Virtual FIFO ----------------------------------------------------------------------------

std::uint32_t M4Dma::fifoBytes(const Channel& ch) const { return (ch.ffsize->value & 0xFFFF) * unitBytes(ch); }

std::uint32_t M4Dma::fifoLevelBytes(const Channel& ch) const {
    // The writer's pointer runs ahead of the reader's; equal offsets with different wrap bits
    // mean full. TX: firmware writes (SWPTR), the DMA reads (HWPTR); RX the other way round.
    const std::uint32_t w = ch.toPeripheral() ? ch.swptr->value : ch.hwptr->value;
    const std::uint32_t r = ch.toPeripheral() ? ch.hwptr->value : ch.swptr->value;
    const std::int64_t size = fifoBytes(ch);
    std::int64_t level = static_cast<std::int64_t>(w & 0xFFFF) - static_cast<std::int64_t>(r & 0xFFFF);
    if ((w ^ r) & kPtrWrap) level += size;
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(level, 0, size));
}

std::uint32_t M4Dma::ffsta(const Channel& ch) const {
    if (ch.kind != Kind::VirtualFifo) return 0;
    const std::uint32_t size = fifoBytes(ch), level = fifoLevelBytes(ch), u = unitBytes(ch);
    const std::uint32_t alert_len = ch.altlen->value & 0xFFFF;
    std::uint32_t sta = 0;
    if (level == size) sta |= 1;  // full
    if (level == 0) sta |= 2;     // empty
    // Alert: TX ring nearly drained (level <= ALTLEN), RX ring nearly full (space <= ALTLEN).
    const std::uint32_t watched = ch.toPeripheral() ? level : size - level;
    if (watched / u <= alert_len) sta |= 4;
    return sta;
}

bool M4Dma::moveFifoUnit(Channel& ch) {
    const unsigned u = unitBytes(ch);
    const bool hs = handshake(ch);
    const std::uint32_t hw = ch.hwptr->value;
    const std::uint32_t slot = ch.pgmaddr->value + (hw & 0xFFFF);
    std::uint32_t value = 0;
    if (ch.toPeripheral()) {
        if (!memory_.read(slot, u, value)) {
            fault(ch, "read", slot);
            return false;
        }
        if (hs) ch.port->push(value);
        else if (!memory_.write(ch.fixaddr->value, u, value)) {
            fault(ch, "write", ch.fixaddr->value);
            return false;
        }
    } else {
        value = ch.port->pop();  // RX rings only move with a handshake
        if (!memory_.write(slot, u, value)) {
            fault(ch, "write", slot);
            return false;
        }
    }
    std::uint32_t offset = (hw & 0xFFFF) + u;
    std::uint32_t wrap = hw & kPtrWrap;
    if (offset >= fifoBytes(ch)) {
        offset = 0;
        wrap ^= kPtrWrap;
    }
    ch.hwptr->value = wrap | offset;
    return true;
}

void M4Dma::checkFifoThreshold(Channel& ch) {
    // COUNT is the VFF threshold (MediaTek's driver: "fifo threshold"): an RX ring interrupts
    // once it holds at least COUNT units, a TX ring once it has drained to COUNT or fewer.
    if (!(ch.con() & kConIten)) return;
    const std::uint32_t level = fifoLevelBytes(ch) / unitBytes(ch);
    const std::uint32_t threshold = ch.count->value & 0xFFFF;
    if (ch.toPeripheral() ? level <= threshold : level >= threshold) raise(ch, kIntDone);
}

void M4Dma::onFifoTimeout(Channel& ch) {
    if (!active(ch) || ch.toPeripheral() || !(ch.con() & kConToen)) return;
    if (fifoLevelBytes(ch) > 0) raise(ch, kIntTimeout);
}

// --- Status and interrupt --------------------------------------------------------------------

void M4Dma::raise(Channel& ch, std::uint32_t bits) {
    ch.intsta |= bits;
    updateIrq();
}

void M4Dma::updateIrq() {
    bool any = false;
    for (const auto& ch : channels_) any |= ch->intsta != 0;
    irq.set(any);
}

std::uint32_t M4Dma::glbsta(unsigned first) const {
    // Two bits per channel: 2i = running, 2i + 1 = interrupt pending (reference §4.11).
    std::uint32_t v = 0;
    for (unsigned i = 0; i < 16 && first + i < kChannelCount; ++i) {
        const Channel& ch = *channels_[first + i];
        if (ch.running) v |= 1u << (2 * i);
        if (ch.intsta) v |= 2u << (2 * i);
    }
    return v;
}

std::uint32_t M4Dma::runningMask() const {
    std::uint32_t m = 0;
    for (const auto& ch : channels_)
        if (ch->running) m |= 1u << ch->index;
    return m;
}

}  // namespace mt3620
