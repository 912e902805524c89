#pragma once
// mt3620emu: the embedding API. Build an emulated MT3620 with a board, load real-time app
// images, run in virtual time, and look at what a user would see: UART text with timestamps,
// pin levels, LEDs, registers and faults. Link the CMake target mt3620emu::emu
// (find_package(mt3620emu)). Virtual time is in picoseconds; the helpers below build durations.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mt3620emu {

using Picoseconds = std::uint64_t;
constexpr Picoseconds us(std::uint64_t n) { return n * 1'000'000ull; }
constexpr Picoseconds ms(std::uint64_t n) { return n * 1'000'000'000ull; }
constexpr Picoseconds seconds(std::uint64_t n) { return n * 1'000'000'000'000ull; }
/// "500ms", "2s", "10us"; throws Error for anything else.
Picoseconds parseDuration(const std::string& text);

/// Bad input (image, board file, names) or misuse: the message is one line.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Core { M4_0, M4_1 };

struct Options {
    /// Board file (YAML, docs/board-files.md). Empty: the built-in MT3620 reference board.
    std::string board_file;
    /// No board at all: nothing is connected to the pins.
    bool bare_chip = false;
    /// trace, debug, info, warn (default), error or off; logs go to standard error.
    std::string log_level = "warn";
};

struct SerialLine {
    std::string text;  // without the line ending
    Picoseconds time;  // when its last byte finished transmitting
};

enum class StopReason { TimeLimit, Condition, Idle, Halted, Debug };

class Machine {
public:
    explicit Machine(const Options& options = {});
    ~Machine();
    Machine(Machine&&) noexcept;
    Machine& operator=(Machine&&) noexcept;

    /// Loads an RTApp ELF onto an M4 core as the Azure Sphere runtime does, and resets the core.
    void loadRtApp(Core core, const std::string& elf_path);

    /// Runs for a stretch of virtual time.
    StopReason runFor(Picoseconds duration);
    /// Runs until `condition` holds (checked between quanta) or `timeout` passes.
    StopReason runUntil(const std::function<bool()>& condition, Picoseconds timeout);
    /// Runs until a UART ("m4-0", "m4-1") has printed text matching the ECMAScript regular
    /// expression `pattern` since the machine started; false on timeout.
    bool runUntilSerial(const std::string& uart, const std::string& pattern, Picoseconds timeout);
    Picoseconds now() const;

    // UARTs, by name: "m4-0", "m4-1" (the cores' debug UARTs).
    std::string serialOutput(const std::string& uart) const;
    std::vector<SerialLine> serialLines(const std::string& uart) const;
    void writeSerial(const std::string& uart, const std::string& bytes);

    // Pins and board devices.
    bool pinLevel(unsigned gpio) const;
    /// Drives a pad from outside (true/false), or lets go of it (nullopt).
    void setPin(unsigned gpio, std::optional<bool> level);
    bool ledOn(const std::string& led) const;
    /// Lit fraction of a PWM-driven LED, or nullopt when it is not blinking fast.
    std::optional<double> ledDutyCycle(const std::string& led) const;
    void pressButton(const std::string& button);
    void releaseButton(const std::string& button);
    /// Replaces ADC controller 0 channel `channel`'s input with a constant voltage.
    void setAdcVolts(unsigned channel, double volts);

    // Inspection.
    /// A 32-bit word as the core sees it: RAM, flash, or a peripheral register.
    std::uint32_t readWord(Core core, std::uint32_t address);
    void writeWord(Core core, std::uint32_t address, std::uint32_t value);
    /// A core register by name: r0-r12, sp, lr, pc, xpsr, msp, psp, control, primask, basepri.
    std::uint32_t coreRegister(Core core, const std::string& name) const;
    bool halted(Core core) const;
    /// The last fault report of a core (empty if none).
    std::string lastFault(Core core) const;
    std::uint64_t instructions(Core core) const;

    struct Impl;
    Impl& impl() { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mt3620emu
