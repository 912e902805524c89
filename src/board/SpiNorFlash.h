#pragma once
// A JEDEC SPI NOR flash on an ISU's SPI bus (board file `type: spi-nor-flash`), such as the
// Winbond W25Q32 its defaults describe:
//
//   - name: flash
//     type: spi-nor-flash
//     bus: ISU1
//     chip-select: 0
//     size: 4MiB                 # default 4MiB; a power of two, 64KiB .. 16MiB
//     jedec-id: 0xEF4016         # default 0xEF40nn, nn = log2(size) (Winbond W25Q)
//     file: flash.bin            # contents persist here; relative to the board file
//
// Commands (one per chip-select frame, MSB first, 24-bit addresses):
//   0x9F RDID          three ID bytes: manufacturer, memory type, capacity
//   0x03 READ          address, then data from there on (wrapping at the end of the array)
//   0x0B FAST_READ     address, one dummy byte, then data
//   0x05 RDSR          the status register (b0 WIP busy, b1 WEL write enabled, b7:2 stored)
//   0x06 WREN / 0x04 WRDI   set / clear WEL
//   0x01 WRSR          status bits 7:2 (block protection is stored, not enforced)
//   0x02 PAGE PROGRAM  address, then data: programming can only clear bits (new = old AND data);
//                      the address wraps within its 256-byte page
//   0x20 SECTOR ERASE (4 KiB), 0xD8 BLOCK ERASE (64 KiB), 0xC7 CHIP ERASE: back to 0xFF
// As on the chips: program, erase and WRSR need WEL (set by WREN) and act when chip select goes
// inactive after a whole command (erases: exactly opcode + 3 address bytes); then WIP reads 1
// for the operation's time (virtual time, typical W25Q32 figures by default, each settable:
// page-program-time, sector-erase-time, block-erase-time, chip-erase-time, status-write-time)
// and every command except RDSR is ignored; when it ends WIP and WEL clear. A command the model
// does not know, or one ignored for want of WEL, is logged once.
//
// Persistence. Without `file:` the flash starts erased and its contents die with the machine.
// With it, the file must hold exactly `size` bytes (a file of another size is refused with a
// message naming both sizes); a missing file means an erased flash. Changed contents are written
// back atomically (a temporary file next to it, fsync, rename over the old one) 100 ms of
// virtual time after a program or erase completes (later changes in that window ride along), and
// when the device is destroyed (the machine stops). So a second run sees the first run's data,
// and an interrupted run leaves either the old or the new file, never half of one.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"
#include "board/SpiDeviceWiring.h"
#include "machine/Scheduler.h"
#include "periph/SpiBus.h"

namespace mt3620 {

class SpiNorFlash : public BoardDevice, public SpiTarget {
public:
    using Spec = SpiNorFlashSpec;
    static constexpr std::string_view kType = "spi-nor-flash";
    static Spec parse(FieldReader& fields);
    static std::vector<ResourceClaim> claims(const Spec& spec);

    static constexpr std::uint32_t kDefaultSize = 4 * 1024 * 1024;
    static constexpr std::uint32_t kPageSize = 256;
    static constexpr std::uint32_t kSectorSize = 4 * 1024;
    static constexpr std::uint32_t kBlockSize = 64 * 1024;
    /// Virtual time between a completed program/erase and writing the file.
    static constexpr Picos kPersistDelay = 100 * kPicosPerMilli;

    // Opcodes.
    static constexpr std::uint8_t kWriteStatus = 0x01, kPageProgram = 0x02, kRead = 0x03, kWriteDisable = 0x04,
                                  kReadStatus = 0x05, kWriteEnable = 0x06, kFastRead = 0x0B, kSectorErase = 0x20,
                                  kJedecId = 0x9F, kChipErase = 0xC7, kBlockErase = 0xD8;
    // Status register bits.
    static constexpr std::uint8_t kStatusWip = 0x01, kStatusWel = 0x02;

    /// Loads the file (if any) and attaches to the bus. Throws BoardError for a file of the wrong
    /// size, one that cannot be read, or a bus that is not there.
    SpiNorFlash(const Spec& spec, BoardWiring& wiring);
    /// Writes pending changes to the file.
    ~SpiNorFlash() override;

    std::string_view type() const override { return kType; }

    void select() override;
    std::uint8_t exchange(std::uint8_t mosi) override;
    void deselect() override;

    /// The status register as RDSR reads it.
    std::uint8_t status() const;
    bool busy() const { return operation_.armed(); }
    const std::vector<std::uint8_t>& contents() const { return memory_; }
    std::uint32_t jedecId() const { return spec_.jedec_id; }
    /// Writes the contents to the file now if they changed (atomically). Returns false (and
    /// logs why) if that failed; true also when there is no file or nothing changed.
    bool persist();

private:
    /// The initial contents: the file's, or erased.
    static std::vector<std::uint8_t> load(const Spec& spec, Log& log);
    void executeOnDeselect();
    void startOperation(Picos duration, const char* what);
    void program();
    void erase(std::uint32_t address, std::uint32_t length);
    std::uint32_t frameAddress() const;
    std::uint8_t readData(unsigned data_index) const;
    bool needsWriteEnable(const char* what);

    Spec spec_;
    Log& log_;
    std::vector<std::uint8_t> memory_;
    std::uint8_t status_bits_ = 0;  // WEL and bits 7:2 (WIP comes from operation_)

    // The frame being clocked in.
    std::uint8_t opcode_ = 0;
    unsigned frame_bytes_ = 0;
    bool frame_ignored_ = false;  // a command other than RDSR while busy
    std::uint8_t frame_header_[4] = {};  // opcode and address bytes
    std::uint8_t new_status_ = 0;
    // PAGE PROGRAM's page latch: data bytes wrap within the page, later ones overwrite earlier.
    std::array<std::uint8_t, kPageSize> page_latch_{};
    std::array<bool, kPageSize> page_latched_{};
    unsigned page_bytes_ = 0;

    bool dirty_ = false;
    EventTimer operation_;  // the running program/erase; armed = WIP
    EventTimer persist_timer_;
    SpiAttachment attachment_;  // last: detached before anything else goes
};

}  // namespace mt3620
