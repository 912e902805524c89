#pragma once
// An I2C bus as the controller sees it: targets (board devices) answering at 7-bit addresses.
// The controller model (IsuI2c) drives START, the address byte, data bytes and STOP through
// this interface; it never knows what device answers. A board device implements I2cTarget and
// attaches itself to the bus of the ISU it is wired to (board file `bus: ISU2`).
//
// One transaction as the controller runs it, for a write-then-read of register 0x0F:
//
//   target->start(/*read=*/false)  -> ACK     address byte 0x6A + W
//   target->write(0x0F)            -> ACK     register pointer
//   target->start(/*read=*/true)   -> ACK     repeated START, address byte 0x6A + R
//   target->read(/*last=*/true)    -> 0x69    the master NACKs the last byte it reads
//   target->stop()
//
// No target at an address means nobody pulls SDA low in the address byte's ACK slot: the
// controller sees a NACK, the way an absent device shows on a real bus.
#include <array>
#include <cstdint>
#include <string>

namespace mt3620 {

/// A device on an I2C bus (the "slave" in MediaTek's and the drivers' register names).
class I2cTarget {
public:
    virtual ~I2cTarget() = default;
    /// START (or repeated START) followed by this target's address; `read` is the R/W bit.
    /// Returns true to ACK the address byte.
    virtual bool start(bool read) = 0;
    /// A data byte from the master. Returns true to ACK it.
    virtual bool write(std::uint8_t byte) = 0;
    /// The next data byte for the master. `last`: the master will NACK it (end of the read).
    virtual std::uint8_t read(bool last) = 0;
    /// STOP: the transaction is over.
    virtual void stop() = 0;
};

/// The targets on one controller's bus, by 7-bit address. The bus does not own them: a board
/// device attaches itself and must outlive the bus's use (the machine owns both, and builds
/// the board after the controllers).
class I2cBus {
public:
    static constexpr unsigned kAddressCount = 128;

    explicit I2cBus(std::string name) : name_(std::move(name)) {}

    /// Attaches `target` at `address` (0..127). Returns false if the address is taken or out of
    /// range; the board file check refuses two devices at one address before it comes to that.
    bool attach(std::uint8_t address, I2cTarget* target) {
        if (address >= kAddressCount || targets_[address]) return false;
        targets_[address] = target;
        return true;
    }
    void detach(std::uint8_t address) {
        if (address < kAddressCount) targets_[address] = nullptr;
    }
    /// The target at `address`, or null (nothing answers: the address byte is NACKed).
    I2cTarget* target(std::uint8_t address) const {
        return address < kAddressCount ? targets_[address] : nullptr;
    }
    /// "ISU2": the name app manifests and board files use.
    const std::string& name() const { return name_; }

private:
    std::string name_;
    std::array<I2cTarget*, kAddressCount> targets_{};
};

}  // namespace mt3620
