#pragma once
// Capstone-based disassembly for fault reports and --trace (Thumb-2 for the M4s).
#include <cstdint>
#include <string>
#include <vector>

namespace mt3620 {

class Disassembler {
public:
    enum class Mode { Thumb, Arm };
    explicit Disassembler(Mode mode = Mode::Thumb);
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;

    /// Disassembles up to `max` instructions of `code` (placed at `address`), one line each:
    /// "0x00100104: str r1, [r0]".
    std::vector<std::string> lines(const std::uint8_t* code, std::size_t size, std::uint32_t address,
                                   std::size_t max) const;

private:
    std::size_t handle_ = 0;
    bool ok_ = false;
};

}  // namespace mt3620
