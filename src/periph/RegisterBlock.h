#pragma once
// Peripheral models declare each register once, in the spirit of Renode's register
// collections: offset, name, reset value, which bits software may write, and callbacks for
// side effects. The generic code here does the decoding, sub-word access and reset, so a model
// reads like the datasheet table it implements.
//
//   define(0x04, "GPT_IER").mask(0x3).onWrite([this](uint32_t, uint32_t) { updateIrq(); });
//   define(0x58, "GPT3_CNT").readOnly().onRead([this](uint32_t) { return counter(); });
#include <cstdint>
#include <functional>
#include <string>
#include <deque>
#include <vector>

#include "periph/MmioDevice.h"

namespace mt3620 {

class RegisterBlock : public MmioDevice {
public:
    struct Register {
        std::uint32_t offset = 0;
        std::string name;
        std::uint32_t reset_value = 0;
        std::uint32_t write_mask = 0xFFFFFFFFu;  // bits stored on write
        std::uint32_t value = 0;                 // stored value
        // Returns what software reads; gets the stored value. Empty: read the stored value.
        std::function<std::uint32_t(std::uint32_t stored)> read_fn;
        // Runs after a write; `stored` is the new stored value, `written` the raw bus value
        // (merged into a full word for byte and halfword writes).
        std::function<void(std::uint32_t stored, std::uint32_t written)> write_fn;
        // What a debugger reads when read_fn has side effects (pops, read-to-clear). Empty: the
        // debugger gets read_fn's value, so declare it for every register whose read changes state.
        std::function<std::uint32_t(std::uint32_t stored)> peek_fn;

        Register& resetValue(std::uint32_t v) { reset_value = value = v; return *this; }
        Register& mask(std::uint32_t m) { write_mask = m; return *this; }
        Register& readOnly() { write_mask = 0; return *this; }
        /// Write-only registers (set/clear strobes) store nothing and read as 0.
        Register& writeOnly() {
            write_mask = 0;
            read_fn = [](std::uint32_t) { return 0u; };
            return *this;
        }
        Register& onRead(std::function<std::uint32_t(std::uint32_t)> fn) { read_fn = std::move(fn); return *this; }
        Register& onWrite(std::function<void(std::uint32_t, std::uint32_t)> fn) { write_fn = std::move(fn); return *this; }
        Register& onDebugRead(std::function<std::uint32_t(std::uint32_t)> fn) { peek_fn = std::move(fn); return *this; }
    };

    RegisterBlock(std::string name, std::uint32_t size);

    bool read(std::uint32_t offset, unsigned size, std::uint32_t& value) override;
    bool write(std::uint32_t offset, unsigned size, std::uint32_t value) override;
    bool debugRead(std::uint32_t offset, unsigned size, std::uint32_t& value) override;
    std::string registerName(std::uint32_t offset) const override;
    void reset() override;

    /// Stored value of the register at `offset` (for tests and inspection).
    std::uint32_t peek(std::uint32_t offset) const;

protected:
    /// Declares a 32-bit register at a word-aligned offset. Call only from the constructor.
    Register& define(std::uint32_t offset, std::string name, std::uint32_t reset_value = 0);
    Register* find(std::uint32_t offset);
    const Register* find(std::uint32_t offset) const;

    /// Models override to reset their own state; called after registers are reset.
    virtual void onReset() {}

private:
    std::deque<Register> registers_;  // deque: references from define() stay valid
    std::vector<std::int32_t> index_;  // word offset -> index into registers_, or -1
};

}  // namespace mt3620
