#include "periph/IsuSpi.h"

#include <algorithm>

namespace mt3620 {

namespace {

// Bits software may store (reference 4.6 and the drivers' bit-field structs).
constexpr std::uint32_t kStcsrStored = 0xFF1800FFu;  // byte counts, addr size, addr_ext; not START/BUSY
constexpr std::uint32_t kSmmrStored = 0xFFFF07FFu;
constexpr std::uint32_t kSmbcrStored = 0x3F1FF1FFu;
constexpr std::uint32_t kCspolStored = 0x000FF1FFu;

// Where each DATAPORT word goes (the layout of Codethink's DMA configuration block).
constexpr std::array<std::uint32_t, IsuSpi::kDataportWords - 1> kDataportTargets = {
    IsuSpi::kSoar,         IsuSpi::kSdor0,        IsuSpi::kSdor0 + 0x04, IsuSpi::kSdor0 + 0x08,
    IsuSpi::kSdor0 + 0x0C, IsuSpi::kSdor0 + 0x10, IsuSpi::kSdor0 + 0x14, IsuSpi::kSdor0 + 0x18,
    IsuSpi::kSdor0 + 0x1C, IsuSpi::kSmmr,         IsuSpi::kSmbcr,        IsuSpi::kStcsr,
};  // word 12 is the dummy

std::uint8_t reverseBits(std::uint8_t b) {
    b = static_cast<std::uint8_t>((b & 0xF0) >> 4 | (b & 0x0F) << 4);
    b = static_cast<std::uint8_t>((b & 0xCC) >> 2 | (b & 0x33) << 2);
    return static_cast<std::uint8_t>((b & 0xAA) >> 1 | (b & 0x55) << 1);
}

unsigned bytesFor(unsigned bits) { return (bits + 7) / 8; }

}  // namespace

IsuSpi::IsuSpi(std::string name, Scheduler& scheduler, Log& log)
    : RegisterBlock(name + "-SPI", kBlockSize),
      scheduler_(scheduler),
      log_(log),
      bus_(std::move(name)),
      done_timer_(scheduler, this->name() + ".done", [this] { finish(); }) {
    define(kStcsr, "STCSR").mask(kStcsrStored)
        .onRead([this](std::uint32_t stored) { return stored | (busy_ ? kStcsrStart | kStcsrBusy : 0); })
        .onWrite([this](std::uint32_t, std::uint32_t written) {
            if (written & kStcsrStart) start();
        });
    define(kSoar, "SOAR");
    for (unsigned i = 0; i < 8; ++i) define(kSdor0 + 4 * i, "SDOR" + std::to_string(i));
    smmr_ = &define(kSmmr, "SMMR").mask(kSmmrStored).onWrite([this](std::uint32_t, std::uint32_t) { updateIrq(); });
    define(kSmbcr, "SMBCR").mask(kSmbcrStored);
    define(kQctl, "Q_CTL");  // reserved in Codethink's map, Q_CTL in MediaTek's: plain storage
    define(kScsr, "SCSR").readOnly()
        .onRead([this](std::uint32_t) { return readScsr(); })
        .onDebugRead([this](std::uint32_t) { return status_; });
    define(kCspol, "CSPOL").mask(kCspolStored).onWrite([this](std::uint32_t, std::uint32_t) {
        dataport_pos_ = 0;  // entering or leaving DMA mode starts a fresh configuration block
    });
    define(kDataport, "DATAPORT").writeOnly().onWrite([this](std::uint32_t, std::uint32_t w) { writeDataport(w); });
    for (unsigned i = 0; i < 8; ++i) sdir_[i] = &define(kSdir0 + 4 * i, "SDIR" + std::to_string(i)).readOnly();
}

void IsuSpi::onReset() {
    done_timer_.cancel();
    busy_ = false;
    status_ = 0;
    dataport_pos_ = 0;
    updateIrq();
}

Picos IsuSpi::transferTime(std::uint64_t bits) const {
    const std::uint64_t divider = ((smmr_->value >> 16) & 0xFFF) + 2;  // SCK = HCLK / (rs_clk_sel + 2)
    return cyclesToPicosCeil(bits * divider, kHclkHz);
}

// --- Starting a transfer ---------------------------------------------------------------------

void IsuSpi::start() {
    if (busy_) {
        log_.warnOnce(name() + ".start-busy", name(), "STCSR.START while a transfer is running: ignored");
        return;
    }
    std::uint64_t bits = 0;
    transfer_ = latchTransfer(bits);
    busy_ = true;
    done_timer_.armAfter(transferTime(bits));
}

unsigned IsuSpi::clipToBuffer(unsigned bits, unsigned buffer_bytes, const char* what) {
    if (bits <= buffer_bytes * 8) return bits;
    log_.warnOnce(name() + ".too-long." + what, name(),
                  "{} of {} bits is longer than the {}-byte buffer: only {} bytes are transferred", what, bits,
                  buffer_bytes, buffer_bytes);
    return buffer_bytes * 8;
}

IsuSpi::Transfer IsuSpi::latchTransfer(std::uint64_t& bits) {
    const std::uint32_t smmr = smmr_->value;
    const std::uint32_t smbcr = peek(kSmbcr);
    Transfer t;
    t.chip_select = smmr >> 29;
    t.full_duplex = (smmr & kSmmrFullDuplex) != 0;
    t.lsb_first = (smmr & kSmmrLsbFirst) != 0;
    if (!(smmr & kSmmrMoreBuf))
        log_.warnOnce(name() + ".legacy", name(),
                      "SMMR.more_buf_mode is 0: the legacy byte counts are not modelled; using the SMBCR bit counts");

    const unsigned buffer = t.full_duplex ? kFullDuplexBytes : kHalfDuplexBytes;
    const unsigned cmd_bits = clipToBuffer((smbcr >> 24) & 0x3F, kCommandBytes, "command");
    const unsigned mosi_bits = clipToBuffer(smbcr & 0x1FF, buffer, "MOSI data");
    const unsigned miso_bits = clipToBuffer((smbcr >> 12) & 0x1FF, buffer, "MISO data");
    if ((cmd_bits | mosi_bits | miso_bits) % 8 != 0)
        log_.warnOnce(name() + ".partial-byte", name(),
                      "bit counts that are not whole bytes (cmd {}, mosi {}, miso {}): devices see whole bytes",
                      cmd_bits, mosi_bits, miso_bits);

    // Command phase: the top cmd_bits of the low 32 bits of SOAR, most significant byte first.
    const std::uint32_t soar = peek(kSoar);
    t.command_bytes = bytesFor(cmd_bits);
    for (unsigned i = 0; i < t.command_bytes; ++i)
        t.command[i] = static_cast<std::uint8_t>(soar >> (8 * (t.command_bytes - 1 - i)));
    t.mosi_bytes = bytesFor(mosi_bits);
    t.miso_bytes = bytesFor(miso_bits);
    for (unsigned i = 0; i < t.mosi_bytes; ++i)
        t.tx[i] = static_cast<std::uint8_t>(peek(kSdor0 + 4 * (i / 4)) >> (8 * (i % 4)));

    bits = cmd_bits + (t.full_duplex ? std::max(mosi_bits, miso_bits) : mosi_bits + miso_bits);
    return t;
}

// --- The end of a transfer: the bytes on the bus ---------------------------------------------

SpiTarget* IsuSpi::selectedTarget(unsigned chip_select) {
    if (chip_select == kNoChipSelect) {
        log_.debug(name(), "transfer with no hardware chip select (rs_slave_sel 7): nothing answers");
        return nullptr;
    }
    if (chip_select >= SpiBus::kChipSelects) {
        log_.warnOnce(name() + ".bad-cs", name(), "rs_slave_sel {} is not a chip select of the MT3620 (0, 1, or 7 for none)",
                      chip_select);
        return nullptr;
    }
    SpiTarget* target = bus_.target(chip_select);
    if (!target)
        log_.warnOnce(name() + ".empty-cs" + std::to_string(chip_select), name(),
                      "nothing on chip select {}: MISO reads 0xFF", chip_select);
    return target;
}

void IsuSpi::finish() {
    const Transfer& t = transfer_;
    SpiTarget* target = selectedTarget(t.chip_select);
    auto exchange = [&](std::uint8_t out) -> std::uint8_t {
        if (!target) return 0xFF;
        if (!t.lsb_first) return target->exchange(out);
        return reverseBits(target->exchange(reverseBits(out)));
    };

    std::array<std::uint8_t, kHalfDuplexBytes> rx{};
    if (target) target->select();
    for (unsigned i = 0; i < t.command_bytes; ++i) exchange(t.command[i]);
    if (t.full_duplex) {
        const unsigned n = std::max(t.mosi_bytes, t.miso_bytes);
        for (unsigned i = 0; i < n; ++i) {
            std::uint8_t in = exchange(i < t.mosi_bytes ? t.tx[i] : 0xFF);
            if (i < t.miso_bytes) rx[i] = in;
        }
    } else {
        for (unsigned i = 0; i < t.mosi_bytes; ++i) exchange(t.tx[i]);
        for (unsigned i = 0; i < t.miso_bytes; ++i) rx[i] = exchange(0xFF);
    }
    if (target) target->deselect();

    if (t.full_duplex) {
        storeRx(rx, t.miso_bytes, kFullDuplexBytes);  // SDIR4.. (MediaTek)
        storeRx(rx, t.miso_bytes, 0);                 // SDIR0.. (Codethink), see the header
    } else {
        storeRx(rx, t.miso_bytes, 0);
    }

    busy_ = false;
    status_ = kScsrOk | (t.command_bytes + t.mosi_bytes ? kScsrWriteOk : 0) | (t.miso_bytes ? kScsrReadOk : 0);
    updateIrq();
}

void IsuSpi::storeRx(const std::array<std::uint8_t, kHalfDuplexBytes>& rx, unsigned count, unsigned byte_offset) {
    for (unsigned i = 0; i < count; ++i) {
        const unsigned pos = byte_offset + i;
        std::uint32_t& word = sdir_[pos / 4]->value;
        const unsigned shift = 8 * (pos % 4);
        word = (word & ~(0xFFu << shift)) | (std::uint32_t{rx[i]} << shift);
    }
}

// --- Status, interrupt, DATAPORT -------------------------------------------------------------

std::uint32_t IsuSpi::readScsr() {
    const std::uint32_t status = status_;
    status_ = 0;  // reading SCSR clears the interrupt (MTK clear_irq_status, CT "(void)scsr")
    updateIrq();
    return status;
}

void IsuSpi::updateIrq() { irq.set(status_ != 0 && (smmr_->value & kSmmrIntEn)); }

void IsuSpi::writeDataport(std::uint32_t word) {
    const unsigned pos = dataport_pos_;
    dataport_pos_ = (pos + 1) % kDataportWords;
    if (!(peek(kCspol) & kCspolDmaMode))
        log_.warnOnce(name() + ".dataport-no-dma", name(), "DATAPORT written with CSPOL.dma_mode 0: taken as the next configuration word anyway");
    if (pos < kDataportTargets.size()) write(kDataportTargets[pos], 4, word);
}

}  // namespace mt3620
