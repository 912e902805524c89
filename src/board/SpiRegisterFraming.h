#pragma once
// The framing of byte-register devices on SPI, as ST's sensors (LSM6DS3, LSM6DSO) and most
// register-based SPI chips use it: in each chip-select frame the first byte is the command,
// bit 7 = 1 read / 0 write and bits 6:0 the register address; every further byte reads or writes
// one register, the address moving on by one after each (wrapping from 0x7F to 0x00) while
// autoIncrement() says so, and staying put otherwise. MISO is 0xFF during the command byte.
//
// A device derives from this and supplies the register access, as the generic register file does;
// SpiRegisterTarget puts it in front of a transport-agnostic register model (the LSM6DSx).
#include <cstdint>

#include "periph/SpiBus.h"

namespace mt3620 {

class SpiRegisterFraming : public SpiTarget {
public:
    static constexpr std::uint8_t kReadBit = 0x80;
    static constexpr std::uint8_t kAddressMask = 0x7F;

    void select() override { state_ = State::Command; }

    std::uint8_t exchange(std::uint8_t mosi) override {
        switch (state_) {
            case State::Command:
                address_ = mosi & kAddressMask;
                state_ = (mosi & kReadBit) ? State::Reading : State::Writing;
                return 0xFF;
            case State::Reading: {
                std::uint8_t value = readRegister(address_);
                advance();
                return value;
            }
            case State::Writing:
                writeRegister(address_, mosi);
                advance();
                return 0xFF;
            case State::Idle: break;  // clocked without chip select: nothing answers
        }
        return 0xFF;
    }

    void deselect() override { state_ = State::Idle; }

protected:
    virtual std::uint8_t readRegister(std::uint8_t address) = 0;
    virtual void writeRegister(std::uint8_t address, std::uint8_t value) = 0;
    virtual bool autoIncrement() const { return true; }

private:
    enum class State { Idle, Command, Reading, Writing };
    void advance() {
        if (autoIncrement()) address_ = static_cast<std::uint8_t>((address_ + 1) & kAddressMask);
    }

    State state_ = State::Idle;
    std::uint8_t address_ = 0;
};

/// The framing in front of a transport-agnostic register model (Lsm6dsx): any `Device` with
/// readRegister(reg), writeRegister(reg, value) and autoIncrement().
template <class Device>
class SpiRegisterTarget : public SpiRegisterFraming {
public:
    explicit SpiRegisterTarget(Device& device) : device_(device) {}

protected:
    std::uint8_t readRegister(std::uint8_t address) override { return device_.readRegister(address); }
    void writeRegister(std::uint8_t address, std::uint8_t value) override { device_.writeRegister(address, value); }
    bool autoIncrement() const override { return device_.autoIncrement(); }

private:
    Device& device_;
};

}  // namespace mt3620
