#pragma once
// mt3620emu: the embedding API. Build an emulated MT3620 with a board, load real-time app
// images, run in virtual time, and look at what a user would see: UART text with timestamps,
// pin levels, LEDs, registers and faults. Link the CMake target mt3620emu::emu
// (find_package(mt3620emu)). Virtual time is in picoseconds; the helpers below build durations.
//
// The emulator's own command line (`mt3620-emu run`, `mt3620-emu test` and its scenario
// runner) is written against this header only, so everything they do a user's program can do.
//
// Names used below:
//   cores    Core::M4_0, Core::M4_1 (the IO Cortex-M4 cores; the A7 is not emulated yet)
//   UARTs    "m4-0", "m4-1" (each M4 core's debug UART), "ISU0".."ISU4" (the ISU UARTs)
//   pins     GPIO numbers 0-93
//   devices  LED and button names from the board file ("LED1-red", "A")
// A name or number the machine does not have raises Error with a one-line message.
#include <cstddef>
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
/// A duration with no end: run until something else stops the machine.
constexpr Picoseconds kForever = ~0ull;
/// "500ms", "2s", "10us"; throws Error for anything else.
Picoseconds parseDuration(const std::string& text);

/// Bad input (image, board file, names) or misuse: the message is one line.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Core { M4_0, M4_1 };

struct Options {
    /// Board file (YAML, docs/board-files.md). Empty (and no board_yaml): the built-in MT3620
    /// reference board.
    std::string board_file;
    /// No board at all: nothing is connected to the pins.
    bool bare_chip = false;
    /// trace, debug, info, warn (default), error or off.
    std::string log_level = "warn";
    /// A board description given as YAML text instead of a file; `board_name` names it in
    /// messages. Relative paths in it resolve against the current directory.
    std::string board_yaml;
    std::string board_name = "board";
    /// Receives each log line ("warn [  0.001000 s] m4-0 GPT: ...", no line end). Unset: the
    /// lines go to standard error, the level coloured.
    std::function<void(const std::string& line)> log_sink;
    /// Log every peripheral register access (at level trace).
    bool trace = false;
    /// Longest stretch of virtual time one core runs before the other takes a turn.
    Picoseconds quantum = us(200);
    /// What an access to a peripheral another core owns does (apps loaded with a manifest):
    /// "fault" (precise BusFault), "log" (ignored, logged) or "off" (docs/firewall.md).
    std::string firewall = "fault";
};

struct SerialLine {
    std::string text;  // without the line ending
    Picoseconds time;  // when its last byte finished transmitting
};

enum class StopReason {
    TimeLimit,  // the requested duration passed
    Condition,  // the caller's condition became true
    Idle,       // every core sleeps or is empty and nothing is scheduled: nothing can happen
    Halted,     // every loaded core halted (fault or lockup)
    Debug,      // a core stopped for a debugger outside a debug session
    Killed,     // runDebugSession only: a debugger killed the program
};
/// "time limit reached", "all cores idle with nothing scheduled", ...
const char* describe(StopReason reason);

/// What a run does when every core sleeps and nothing is scheduled.
enum class WhenIdle {
    Stop,      // return StopReason::Idle at once: nothing can happen any more
    PassTime,  // let virtual time pass to the end of the run (input from outside may come)
};

/// A PWM channel as its registers were last kicked (reference 4.2).
struct PwmState {
    unsigned controller = 0;  // PWM0..PWM2
    unsigned channel = 0;     // 0..3
    bool running = false;     // kicked, clocked and producing an output
    double duty = 0;          // on-time / period, 0..1
    Picoseconds period = 0;
    bool inverted = false;    // the pad is low during the on-time
};

/// A GDB server for one core (docs/debugging.md).
struct GdbOptions {
    int port = 0;                     // TCP port; 0: any free port (attachGdb returns it)
    std::string host = "127.0.0.1";   // address to listen on
    bool wait_for_attach = false;     // hold the core stopped until a debugger resumes it
};

class Machine {
public:
    explicit Machine(const Options& options = {});
    ~Machine();
    Machine(Machine&&) noexcept;
    Machine& operator=(Machine&&) noexcept;

    /// Loads an RTApp ELF onto an M4 core as the Azure Sphere runtime does, and resets the core.
    void loadRtApp(Core core, const std::string& elf_path);
    /// The same for an ELF image held in memory (e.g. unpacked from a verified image package);
    /// `name` stands for the file in messages.
    void loadRtApp(Core core, const std::string& name, const std::vector<std::uint8_t>& elf);
    /// The same with the app's manifest as JSON text (e.g. from a verified image package):
    /// the firewall assigns what it names to the core (docs/firewall.md).
    void loadRtApp(Core core, const std::string& name, const std::vector<std::uint8_t>& elf,
                   const std::string& manifest_json);
    /// Loads an RTApp with its manifest, which assigns the app's peripherals to the core
    /// (docs/firewall.md). `path` is an ELF or an app directory (app_manifest.json and the ELF
    /// its EntryPoint names); `manifest_path` may be empty for an app directory. Throws Error
    /// when the manifest is bad or claims a peripheral another core holds.
    void loadRtApp(Core core, const std::string& path, const std::string& manifest_path);
    /// Restarts a core's app from its image, as the OS does after a watchdog reset; `reason`
    /// goes to the log. Nothing happens on a core without an image.
    void restartCore(Core core, const std::string& reason = "restart requested");
    /// Loads a high-level app onto the A7: a Linux ARM (musl) ELF run in user mode with the
    /// emulator as its OS (docs/hl-apps.md). Its stdout and stderr are the serial stream "a7"
    /// (serialOutput("a7"), onSerialOutput("a7", ...)). Error for an ELF the A7 cannot run.
    void loadHlApp(const std::string& elf_path, const std::vector<std::string>& args = {},
                   const std::vector<std::string>& env = {});
    /// How the emulated Azure Sphere OS runs a high-level app (docs/hl-apps.md).
    struct HlAppOptions {
        std::vector<std::string> args;  // after the manifest's CmdArgs
        std::vector<std::string> env;   // NAME=VALUE
        std::string manifest;           // app_manifest.json; default: the app directory's, or one next to the ELF
        std::string storage_dir;        // host directory keeping the app's mutable storage; empty: none
        std::string applibs;            // the guest's libapplibs.so.0; default: $MT3620_APPLIBS or next to the emulator
        std::string device_dir;         // device state (docs/security.md) behind DeviceAuth and CertStore; empty: none
        bool network = false;           // AF_INET sockets are host sockets (docs/networking.md): real time enters the run
    };
    /// Loads an app directory (app_manifest.json and the executable its EntryPoint names) or an
    /// ELF onto the A7, with the device files libapplibs uses, each enforcing the manifest.
    /// Error for a malformed manifest (naming file and field) or an ELF the A7 cannot run.
    void loadHlApp(const std::string& app_dir_or_elf, const HlAppOptions& options);
    /// "running", "exited with code 3", "terminated by signal SIGSEGV (11)", "not loaded".
    std::string hlAppStatus() const;
    /// The A7 app's exit status once it ended (128 + signal number when killed), else nullopt.
    std::optional<int> hlAppExitStatus() const;
    /// Stops the A7 app as the Azure Sphere OS does: SIGTERM, then up to 2 s of virtual time
    /// (the machine runs) for it to exit, then SIGKILL (docs/hl-apps.md). True if it ended
    /// within the grace time; false if it had to be killed or was not running.
    bool stopHlApp();

    // --- Running ---------------------------------------------------------------------------
    /// Runs for a stretch of virtual time.
    StopReason runFor(Picoseconds duration, WhenIdle idle = WhenIdle::Stop);
    /// Runs until `condition` holds (checked between quanta and after every timer event) or
    /// `timeout` passes.
    StopReason runUntil(const std::function<bool()>& condition, Picoseconds timeout, WhenIdle idle = WhenIdle::Stop);
    /// Runs until a UART has printed text matching the ECMAScript regular expression
    /// `pattern` since the machine started; false on timeout.
    bool runUntilSerial(const std::string& uart, const std::string& pattern, Picoseconds timeout);
    Picoseconds now() const;
    /// Calls `action` at virtual time `time` (now if earlier) while the machine runs, between
    /// instructions like a peripheral's timer event; actions at the same time run in the order
    /// they were scheduled. A pending action keeps the machine from stopping as Idle.
    void schedule(Picoseconds time, std::function<void()> action);

    // --- UARTs -----------------------------------------------------------------------------
    /// Everything a UART transmitted so far (valid until the machine runs again).
    const std::string& serialOutput(const std::string& uart) const;
    std::vector<SerialLine> serialLines(const std::string& uart) const;
    /// Sends bytes to a UART's receiver as a terminal would: one per character time at the
    /// UART's baud rate, from now on, while the machine runs.
    void writeSerial(const std::string& uart, const std::string& bytes);
    /// Bytes given to writeSerial that the UART has not received yet.
    std::size_t serialWritePending(const std::string& uart) const;
    /// Calls `listener` with every byte the UART transmits, as its stop bit ends (in
    /// addition to serialOutput). For terminals, files, sockets.
    void onSerialOutput(const std::string& uart, std::function<void(char byte, Picoseconds time)> listener);

    // --- Pins and board devices --------------------------------------------------------------
    bool pinLevel(unsigned gpio) const;
    /// True while the chip drives the pad (GPIO output enabled, or PWM).
    bool pinDrivenByChip(unsigned gpio) const;
    /// Drives a pad from outside (true/false), or lets go of it (nullopt).
    void setPin(unsigned gpio, std::optional<bool> level);
    /// The PWM channel that can drive `gpio` (GPIO 0-11); Error for other pins.
    PwmState pwm(unsigned gpio) const;
    /// The LEDs and buttons of the board, in board-file order (empty without a board).
    std::vector<std::string> leds() const;
    std::vector<std::string> buttons() const;
    bool ledOn(const std::string& led) const;
    /// Lit fraction of a PWM-driven LED, or nullopt when it is not blinking fast.
    std::optional<double> ledDutyCycle(const std::string& led) const;
    /// The PWM channel driving an LED's pad.
    PwmState ledPwm(const std::string& led) const;
    void pressButton(const std::string& button);
    void releaseButton(const std::string& button);
    bool buttonPressed(const std::string& button) const;
    /// The button the board file binds to terminal key `key`, or an empty string.
    std::string buttonForKey(char key) const;
    /// Replaces ADC controller 0 channel `channel`'s input with a constant voltage.
    void setAdcVolts(unsigned channel, double volts);
    /// Writes a value-change dump (GTKWave, PulseView) of every pad the board wires, from now
    /// until finishVcd() or the machine's end. Needs a board.
    void recordVcd(const std::string& path);
    void finishVcd();

    // --- Inspection --------------------------------------------------------------------------
    /// A 32-bit word as the core sees it: RAM, flash, or a peripheral register.
    std::uint32_t readWord(Core core, std::uint32_t address);
    void writeWord(Core core, std::uint32_t address, std::uint32_t value);
    /// A core register by name: r0-r12, sp, lr, pc, xpsr, msp, psp, control, primask, basepri.
    std::uint32_t coreRegister(Core core, const std::string& name) const;
    bool halted(Core core) const;
    /// The last fault report of a core (empty if none).
    std::string lastFault(Core core) const;
    std::uint64_t instructions(Core core) const;
    /// Adds a line to the machine's log, stamped with the virtual time: `level` as in
    /// Options::log_level, `who` the speaker ("test", "machine").
    void log(const std::string& level, const std::string& who, const std::string& message);

    /// What the device's OS reports as an error (docs/security.md, "Error reporting").
    struct DeviceEvent {
        /// AppCrash: an M4 core halted on a fault (detail: the fault report's first line), or
        /// the A7 app was killed by a signal; AppExit: the A7 app exited (also when stopHlApp()
        /// ended it).
        enum class Kind { WatchdogReset, FirewallDenial, AppCrash, AppExit };
        Kind kind;
        std::string core;  // "m4-0", "m4-1" or "a7"
        Picoseconds time;
        std::string detail;
    };
    /// Calls `listener` for every watchdog reset, firewall denial, crash and end of the A7 app
    /// while the machine runs (from inside the run: note the event, do not run the machine).
    /// Repeatable.
    void onDeviceEvent(std::function<void(const DeviceEvent&)> listener);

    // --- Debugging ---------------------------------------------------------------------------
    /// Serves GDB's remote protocol for a core; returns the TCP port. While attached, every
    /// run serves the debuggers between quanta, and a debugger that holds its core stops the
    /// whole machine (all-stop: virtual time stands still) until it resumes.
    int attachGdb(Core core, const GdbOptions& options = {});
    /// An interactive run with debuggers attached: like runFor, but an idle or halted machine
    /// keeps waiting for the debuggers (they may still resume it), and a debugger's kill ends
    /// the run with StopReason::Killed.
    StopReason runDebugSession(Picoseconds duration);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mt3620emu
