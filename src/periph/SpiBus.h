#pragma once
// An SPI bus as the master sees it: targets (board devices) on chip-select lines. The
// controller model (IsuSpi) frames each transfer with select() / deselect() and clocks whole
// bytes through exchange(); it never knows what device answers. A board device implements
// SpiTarget and attaches itself to the bus of the ISU it is wired to (board file `bus: ISU1`,
// `chip-select: 0`).
//
// One transfer as the controller runs it, for a JEDEC ID read (opcode 0x9F, three bytes back):
//
//   target->select()             CS goes active: a new command starts
//   target->exchange(0x9F)       -> don't care   command phase (SOAR)
//   target->exchange(0xFF)       -> 0xEF         data phase, MISO bytes
//   target->exchange(0xFF)       -> 0x40
//   target->exchange(0xFF)       -> 0x16
//   target->deselect()           CS goes inactive: the command ends (a flash starts programming)
//
// SPI is full duplex on the wire: every byte out is a byte in. Half-duplex phases simply ignore
// one direction (the controller sends 0xFF while it only listens, and drops what comes back
// while it only talks). Bytes are exchanged MSB-first as they appear on the wire; a controller
// in LSB-first mode reverses the bits itself.
//
// No target on a chip select means nobody drives MISO: the master reads 0xFF (the line idles
// high), as with an empty socket on a real board.
#include <array>
#include <cstdint>
#include <string>

namespace mt3620 {

/// A device on an SPI bus (the "slave" in the drivers' register names).
class SpiTarget {
public:
    virtual ~SpiTarget() = default;
    /// Chip select asserted: the start of a command.
    virtual void select() = 0;
    /// One byte in each direction: `mosi` from the master, the result on MISO.
    virtual std::uint8_t exchange(std::uint8_t mosi) = 0;
    /// Chip select released: the end of the command.
    virtual void deselect() = 0;
};

/// The targets on one controller's bus, by chip-select line. The bus does not own them: a board
/// device attaches itself and must outlive the bus's use (the machine owns both, and builds the
/// board after the controllers).
class SpiBus {
public:
    /// Chip-select lines an MT3620 ISU drives: CS0 and CS1 (`rs_slave_sel` 0 and 1; Codethink's
    /// driver allows no more, and uses 7 for "no hardware chip select"; reference 4.6).
    static constexpr unsigned kChipSelects = 2;

    explicit SpiBus(std::string name) : name_(std::move(name)) {}

    /// Attaches `target` on chip select `cs`. Returns false if the line is taken or out of range;
    /// the board file check refuses two devices on one line before it comes to that.
    bool attach(unsigned cs, SpiTarget* target) {
        if (cs >= kChipSelects || targets_[cs]) return false;
        targets_[cs] = target;
        return true;
    }
    void detach(unsigned cs) {
        if (cs < kChipSelects) targets_[cs] = nullptr;
    }
    /// The target on chip select `cs`, or null (nothing drives MISO).
    SpiTarget* target(unsigned cs) const { return cs < kChipSelects ? targets_[cs] : nullptr; }
    /// "ISU1": the name app manifests and board files use.
    const std::string& name() const { return name_; }

private:
    std::string name_;
    std::array<SpiTarget*, kChipSelects> targets_{};
};

}  // namespace mt3620
