#pragma once
// The register protocol most I2C sensors and memories speak, as an I2cTarget over any register
// map that offers `readRegister(reg)`, `writeRegister(reg, value)` and `autoIncrement()`:
//
//   START + W, reg, [value, value, ...]   the first byte sets the register pointer; further
//                                          bytes are written from there
//   START + R, value, value, ...           bytes are read from the pointer
//
// After each byte the pointer moves on when autoIncrement() is true (wrapping at `count`); the
// pointer survives STOP, so a write of the pointer followed by a separate read transaction
// works as well as a repeated START. A pointer byte at or beyond `count` is NACKed.
#include <cstdint>

#include "periph/I2cBus.h"

namespace mt3620 {

template <class RegisterMap>
class I2cRegisterTarget : public I2cTarget {
public:
    I2cRegisterTarget(RegisterMap& map, unsigned count) : map_(map), count_(count) {}

    bool start(bool /*read*/) override {
        expect_pointer_ = true;  // a write begins with the pointer; a read ignores this
        return true;
    }
    bool write(std::uint8_t byte) override {
        if (expect_pointer_) {
            expect_pointer_ = false;
            if (byte >= count_) return false;
            pointer_ = byte;
            return true;
        }
        map_.writeRegister(static_cast<std::uint8_t>(pointer_), byte);
        advance();
        return true;
    }
    std::uint8_t read(bool /*last*/) override {
        std::uint8_t value = map_.readRegister(static_cast<std::uint8_t>(pointer_));
        advance();
        return value;
    }
    void stop() override {}

    unsigned pointer() const { return pointer_; }

private:
    void advance() {
        if (map_.autoIncrement()) pointer_ = (pointer_ + 1) % count_;
    }

    RegisterMap& map_;
    unsigned count_;
    unsigned pointer_ = 0;
    bool expect_pointer_ = false;
};

}  // namespace mt3620
