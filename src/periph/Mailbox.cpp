#include "periph/Mailbox.h"

namespace mt3620 {

// ------------------------------------------------------------------------------------- Mailbox

Mailbox::Mailbox(Kind kind, std::string end0_name, std::string end1_name, Log& log)
    : kind_(kind), log_(log),
      end0_(*this, 0, std::move(end0_name), IntBitOrder::Codethink),
      end1_(*this, 1, std::move(end1_name), kind == Kind::M4ToA7 ? IntBitOrder::Linux : IntBitOrder::Codethink) {}

void Mailbox::resetAll() {
    for (Fifo& f : fifo_) f.clear();
    semaphore_ = 0;
    end0_.reset();
    end1_.reset();
}

bool Mailbox::Fifo::push(Entry e) {
    if (count == kFifoDepth) return false;
    slots[(head + count) % kFifoDepth] = e;
    ++count;
    return true;
}

std::optional<Mailbox::Entry> Mailbox::Fifo::pop() {
    if (!count) return std::nullopt;
    Entry e = slots[head];
    head = (head + 1) % kFifoDepth;
    --count;
    return e;
}

// ----------------------------------------------------------------------------------------- End

Mailbox::End::End(Mailbox& box, unsigned index, std::string name, IntBitOrder order)
    : MmioDevice(std::move(name), kSize), box_(box), index_(index), order_(order) {}

Mailbox::End& Mailbox::End::peer() { return index_ == 0 ? box_.end1_ : box_.end0_; }

void Mailbox::End::reset() {
    data_latch_ = 0;
    sw_en_ = sw_sts_ = 0;
    int_en_ = events_ = 0;
    fifo_ctrl_ = nf_thrs_ = ne_thrs_ = dbg_idx_ = 0;
    updateIrqs();
}

bool Mailbox::End::push(std::uint32_t cmd, std::uint32_t data) {
    Fifo& out = box_.outbound(index_);
    if (!out.push(Entry{cmd, data})) return false;
    End& other = peer();
    other.event(kWr);
    if (out.count == other.ne_thrs_ + 1) other.event(kNe);  // rose above the threshold
    other.pulseWake();
    if (other.on_post) other.on_post();
    return true;
}

std::optional<Mailbox::Entry> Mailbox::End::pop() {
    Fifo& in = box_.inbound(index_);
    auto e = in.pop();
    if (!e) return e;
    End& other = peer();
    other.event(kRd);
    if (in.count == other.nf_thrs_) other.event(kNf);  // fell to the threshold
    return e;
}

unsigned Mailbox::End::pushCount() const { return box_.fifo_[index_].count; }
unsigned Mailbox::End::popCount() const { return box_.fifo_[1 - index_].count; }

void Mailbox::End::raiseSoftwareInterrupt(std::uint32_t bits) {
    bits &= 0xFF;  // MBOX_NUM_SW_INT 8 (reference §6.1)
    if (!bits) return;
    End& other = peer();
    other.sw_sts_ |= bits;
    other.updateIrqs();
    other.pulseWake();
    if (other.on_software_interrupt) other.on_software_interrupt(bits);
}

void Mailbox::End::clearSoftwareInterrupts(std::uint32_t bits) {
    sw_sts_ &= ~bits;
    updateIrqs();
}

void Mailbox::End::pulseWake() {
    if (!wake_logged_ && wake.number() != 0) {
        wake_logged_ = true;  // the behaviour is our choice (not public): say so once
        box_.log_.info(name(), "mailbox wake line pulsed (IRQ {}): pending once per post or software "
                               "interrupt from the other end (docs/intercore.md)", wake.number());
    }
    wake.set(true);
    wake.set(false);
}

void Mailbox::End::event(Event e) {
    events_ |= 1u << e;
    updateIrqs();
}

std::uint32_t Mailbox::End::bitOf(Event e) const {
    if (order_ == IntBitOrder::Codethink) return 1u << e;
    // Linux driver order: WR b0, RD b1, NE b2, NF b3.
    static constexpr unsigned kLinux[4] = {/*kRd*/ 1, /*kNf*/ 3, /*kWr*/ 0, /*kNe*/ 2};
    return 1u << kLinux[e];
}

std::uint32_t Mailbox::End::statusBits() const {
    std::uint32_t v = 0;
    for (unsigned e = 0; e < 4; ++e)
        if (events_ & (1u << e)) v |= bitOf(static_cast<Event>(e));
    return v;
}

void Mailbox::End::clearStatus(std::uint32_t register_bits) {
    for (unsigned e = 0; e < 4; ++e)
        if (register_bits & bitOf(static_cast<Event>(e))) events_ &= ~(1u << e);
    updateIrqs();
}

void Mailbox::End::updateIrqs() {
    const std::uint32_t pending = statusBits() & int_en_;
    bool threshold = false;
    for (unsigned e = 0; e < 4; ++e) {
        const bool on = pending & bitOf(static_cast<Event>(e));
        irq[e].set(on);
        if (on && (e == kNf || e == kNe)) threshold = true;
    }
    irq[4].set(threshold);
    irq[5].set(sw_sts_ & sw_en_);
}

std::uint32_t Mailbox::End::acquireSemaphore() {
    // Read = acquire: returns the previous holder (0 free, 1 CM4, 2 CA7); a free semaphore is
    // now held by the reader (MTK hdl_mbox.c).
    const std::uint32_t was = box_.semaphore_;
    if (was == 0) box_.semaphore_ = index_ == 0 ? 1 : 2;
    return was;
}

bool Mailbox::End::read(std::uint32_t offset, unsigned, std::uint32_t& value) {
    switch (offset) {
        case kVer: value = kVersion; return true;
        case kGenCtrl: value = 0; return true;
        case kDbgIdx: value = dbg_idx_; return true;
        case kDbgProbe: value = 0; return true;
        case kSwTxIntPort: value = 0; return true;
        case kSwRxIntEn: value = sw_en_; return true;
        case kSwRxIntSts: value = sw_sts_; return true;
        case kFifoCtrl: value = fifo_ctrl_; return true;
        case kNfThrs: value = nf_thrs_; return true;
        case kNeThrs: value = ne_thrs_; return true;
        case kIntEn: value = int_en_; return true;
        case kIntSts: value = statusBits(); return true;
        case kCmdPush: case kDataPush: value = 0; return true;
        case kPushCnt: value = pushCount(); return true;
        case kCmdPop: {
            auto e = pop();
            value = e ? e->cmd : 0;
            return true;
        }
        case kDataPop: {
            const Entry* head = box_.inbound(index_).front();
            value = head ? head->data : 0;
            return true;
        }
        case kPopCnt: value = popCount(); return true;
        case kSemaphore:
            if (box_.kind_ != Kind::M4ToA7) return false;  // the M4 <-> M4 mailbox has none
            value = acquireSemaphore();
            return true;
        default: return false;
    }
}

bool Mailbox::End::debugRead(std::uint32_t offset, unsigned size, std::uint32_t& value) {
    if (offset == kCmdPop) {
        const Entry* head = box_.inbound(index_).front();
        value = head ? head->cmd : 0;
        return true;
    }
    if (offset == kSemaphore && box_.kind_ == Kind::M4ToA7) {
        value = box_.semaphore_;
        return true;
    }
    return read(offset, size, value);
}

bool Mailbox::End::write(std::uint32_t offset, unsigned, std::uint32_t value) {
    switch (offset) {
        case kGenCtrl:
            if (value & 1u) {
                box_.resetAll();
            } else if (value & 2u) {
                box_.outbound(index_).clear();
                reset();
            }
            return true;
        case kDbgIdx: dbg_idx_ = value; return true;
        case kSwTxIntPort: raiseSoftwareInterrupt(value); return true;
        case kSwRxIntEn: sw_en_ = value & 0xFF; updateIrqs(); return true;
        case kSwRxIntSts: clearSoftwareInterrupts(value); return true;
        case kFifoCtrl: fifo_ctrl_ = value & 0x3FF; return true;
        case kNfThrs: nf_thrs_ = value & 0xF; return true;
        case kNeThrs: ne_thrs_ = value & 0xF; return true;
        case kIntEn: int_en_ = value & 0xF; updateIrqs(); return true;
        case kIntSts: clearStatus(value); return true;
        case kDataPush: data_latch_ = value; return true;
        case kCmdPush:
            if (!push(value, data_latch_))
                box_.log_.warnOnce(name() + ":full", name(), "mailbox FIFO full ({} entries): post of command {:#x} dropped",
                                   kFifoDepth, value);
            return true;
        case kSemaphore:
            if (box_.kind_ != Kind::M4ToA7) return false;
            if (value == 0) box_.semaphore_ = 0;  // release
            return true;
        case kVer: case kPushCnt: case kCmdPop: case kDataPop: case kPopCnt: case kDbgProbe:
            return true;  // read-only: writes ignored
        default: return false;
    }
}

std::string Mailbox::End::registerName(std::uint32_t offset) const {
    switch (offset) {
        case kVer: return "MBOX_VER";
        case kGenCtrl: return "GEN_CTRL";
        case kDbgIdx: return "DBG_IDX";
        case kDbgProbe: return "DBG_PROBE";
        case kSwTxIntPort: return "SW_TX_INT_PORT";
        case kSwRxIntEn: return "SW_RX_INT_EN";
        case kSwRxIntSts: return "SW_RX_INT_STS";
        case kFifoCtrl: return "FIFO_CTRL";
        case kNfThrs: return "NF_THRS";
        case kNeThrs: return "NE_THRS";
        case kIntEn: return "INT_EN";
        case kIntSts: return "INT_STS";
        case kCmdPush: return "CMD_PUSH";
        case kDataPush: return "DATA_PUSH";
        case kPushCnt: return "FIFO_PUSH_CNT";
        case kCmdPop: return "CMD_POP";
        case kDataPop: return "DATA_POP";
        case kPopCnt: return "FIFO_POP_CNT";
        case kSemaphore: return "SEMAPHORE_P";
        default: return {};
    }
}

}  // namespace mt3620
