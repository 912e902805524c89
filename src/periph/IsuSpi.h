#pragma once
// The SPI master of an ISU (serial interface unit), at ISU base + 0x300 = 0x3807_0300 +
// n * 0x1_0000, IRQ 45 + 4n (reference 4.4, 4.6). Board devices hang on its SpiBus by chip
// select; the model frames each transfer on that bus and takes the time the clock rate says.
//
// A transfer, as MediaTek's FIFO mode and Codethink's driver program it:
//   1. SOAR (opcode/address: the command phase) and SDOR0-7 (TX data, little-endian bytes).
//   2. SMMR (more_buf_mode, LSB-first, CPOL/CPHA, INT_EN, full duplex, rs_clk_sel clock divider,
//      rs_slave_sel chip select) and SMBCR (bit counts: cmd_bit_cnt, mosi_bit_cnt, miso_bit_cnt).
//   3. STCSR.START. STCSR.BUSY (and START) read 1 until the transfer is over.
//   4. At the end SCSR holds spi_ok | write_ok | read_ok, IRQ 45 + 4n rises if SMMR.INT_EN, and
//      RX data is in SDIR0-7. Reading SCSR returns the status and clears it and the interrupt.
//
// On the wire: chip select goes active; the command phase sends cmd_bit_cnt / 8 bytes of SOAR,
// most significant first (SOAR[cmd_bit_cnt-1:cmd_bit_cnt-8] is the first byte, which is how
// Codethink's driver packs its opcode bytes); then
//   half duplex: mosi_bit_cnt / 8 bytes from SDOR0.., then miso_bit_cnt / 8 bytes into SDIR0..
//                (MOSI sends 0xFF while the master only listens);
//   full duplex: max(mosi, miso) / 8 bytes exchanged: TX from SDOR0.., RX into SDIR4.. (MTK's
//                fifo_handle_rx). Choice: the same RX bytes are also written from SDIR0, because
//                Codethink's driver reads full-duplex RX from SDIR0 + its write length.
// then chip select goes inactive. The whole transfer takes
//   (cmd + data bits) * (rs_clk_sel + 2) / 79.04 MHz   (SCK = HCLK / (rs_clk_sel + 2)),
// the devices see the bytes at the end of that time, and SDIR/SCSR/the IRQ change then too.
//
// Buffer limits (reference 4.6): SDOR and SDIR hold 32 bytes in half duplex, 16 in full duplex;
// the command holds 4 bytes. Choice for a longer count: the transfer is cut to the buffer (the
// clock runs only for what is sent), completes normally, and the first time it happens on this
// controller a warning names the counts. Hardware behaviour is unknown (reference 4.6 gives only
// the sizes); cutting keeps stale buffer bytes off the wire.
//
// DATAPORT (0x40) and DMA. Codethink's driver streams a 13-word configuration block into
// DATAPORT with a DMA channel (TX channel 2n, 32-bit units, fixed destination, no handshake,
// CSPOL.dma_mode = 1):
//     word 0 SOAR, words 1-8 SDOR0-7, word 9 SMMR, word 10 SMBCR, word 11 STCSR, word 12 dummy
// (the reference calls it the "11-word" block: the first 11 are the ones its CPU path copies to
// SOAR..SMBCR; the DMA count is the whole 13-word struct, ending in STCSR and a dummy word for
// "mt3620 errata 5.1"). Each write to DATAPORT is the next word of that block: it has the same
// effect as writing the register itself (so word 11 with START starts the transfer), and word 12
// is dropped. After word 12 the sequence starts again at word 0. Any write to CSPOL, and reset(),
// also restart it at word 0. So a DMA channel (or a CPU loop) drives DATAPORT with plain 32-bit
// bus writes to base + 0x40, 13 of them per transfer; the controller needs no handshake line.
// DATAPORT reads 0. dataportPosition() tells which word comes next.
//
// Not modelled: the legacy (more_buf_mode = 0) byte counts in STCSR[7:0] (both drivers set
// more_buf_mode; the SMBCR counts are used anyway and a warning says so once), dual/quad modes,
// CPOL/CPHA and clk_mode (stored; devices are byte-level), the CS setup/hold delays in CSPOL
// (stored, no time added), chip-select polarity, and chip selects driven by GPIO.
#include <array>
#include <cstdint>
#include <string>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "machine/Scheduler.h"
#include "periph/RegisterBlock.h"
#include "periph/Signals.h"
#include "periph/SpiBus.h"

namespace mt3620 {

class IsuSpi : public RegisterBlock {
public:
    /// SPI HCLK: "80 MHz" in the datasheet, 79.04 MHz per Codethink (reference 4.6).
    static constexpr std::uint64_t kHclkHz = 79'040'000;
    /// Buffer sizes (reference 4.6).
    static constexpr unsigned kHalfDuplexBytes = 32;
    static constexpr unsigned kFullDuplexBytes = 16;
    static constexpr unsigned kCommandBytes = 4;
    /// Register block size (0x300..0x3FF of the ISU).
    static constexpr std::uint32_t kBlockSize = 0x100;
    /// Words in the DATAPORT configuration block.
    static constexpr unsigned kDataportWords = 13;

    // Register offsets (reference 4.6).
    static constexpr std::uint32_t kStcsr = 0x00, kSoar = 0x04, kSdor0 = 0x08, kSmmr = 0x28,
                                   kSmbcr = 0x2C, kQctl = 0x30, kScsr = 0x34, kCspol = 0x38,
                                   kDataport = 0x40, kSdir0 = 0x48;

    // Bits.
    static constexpr std::uint32_t kStcsrStart = 1u << 8, kStcsrBusy = 1u << 16;
    static constexpr std::uint32_t kSmmrMoreBuf = 1u << 2, kSmmrLsbFirst = 1u << 3,
                                   kSmmrIntEn = 1u << 9, kSmmrFullDuplex = 1u << 10;
    static constexpr std::uint32_t kScsrOk = 1u << 0, kScsrWriteOk = 1u << 1, kScsrReadOk = 1u << 2;
    static constexpr std::uint32_t kCspolDmaMode = 1u << 8;
    /// rs_slave_sel value Codethink uses for "no hardware chip select".
    static constexpr unsigned kNoChipSelect = 7;

    /// `name` is the ISU's ("ISU1"); the bus gets the same name.
    IsuSpi(std::string name, Scheduler& scheduler, Log& log);

    /// The devices on this controller's chip selects.
    SpiBus& bus() { return bus_; }
    /// A transfer is running (STCSR.BUSY).
    bool busy() const { return busy_; }
    /// The DATAPORT word expected next (0 = SOAR ... 12 = dummy).
    unsigned dataportPosition() const { return dataport_pos_; }
    /// How long a transfer of `bits` bits takes at the current SMMR.rs_clk_sel.
    Picos transferTime(std::uint64_t bits) const;

    /// Completion interrupt (level): SCSR holds a status and SMMR.INT_EN is set.
    IrqLine irq;

protected:
    void onReset() override;

private:
    /// What a START latched: the bytes and counts of one transfer.
    struct Transfer {
        unsigned chip_select = 0;
        bool full_duplex = false;
        bool lsb_first = false;
        std::array<std::uint8_t, kCommandBytes> command{};
        unsigned command_bytes = 0;
        std::array<std::uint8_t, kHalfDuplexBytes> tx{};
        unsigned mosi_bytes = 0;
        unsigned miso_bytes = 0;
    };

    void start();
    Transfer latchTransfer(std::uint64_t& bits);
    unsigned clipToBuffer(unsigned bits, unsigned buffer_bytes, const char* what);
    void finish();
    SpiTarget* selectedTarget(unsigned chip_select);
    void storeRx(const std::array<std::uint8_t, kHalfDuplexBytes>& rx, unsigned count, unsigned byte_offset);
    void writeDataport(std::uint32_t word);
    std::uint32_t readScsr();
    void updateIrq();

    Scheduler& scheduler_;
    Log& log_;
    SpiBus bus_;
    EventTimer done_timer_;
    Register* smmr_ = nullptr;
    Register* sdir_[8] = {};

    Transfer transfer_;
    bool busy_ = false;
    std::uint32_t status_ = 0;  // SCSR bits, until SCSR is read
    unsigned dataport_pos_ = 0;
};

}  // namespace mt3620
