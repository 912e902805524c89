#pragma once
// The whole emulated MT3620: virtual clock and event queue, shared memory, the per-core memory
// maps and peripheral buses, the cores, and the run loop that advances them in quanta.
//
// Run loop (DESIGN.md 3.3): cores run round-robin up to a common target time (the end of the
// quantum, or the next timer deadline, whichever is first); then due timers fire. Cores that
// sleep (WFI) do not execute, so when every core sleeps time jumps straight to the next event.
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/Firewall.h"
#include "bus/PeripheralBus.h"
#include "bus/RamRegion.h"
#include "common/Log.h"
#include "cpu/CortexM4.h"
#include "image/RtAppImage.h"
#include "machine/CoreId.h"
#include "machine/MachineEvents.h"
#include "machine/Scheduler.h"
#include "machine/SerialCapture.h"
#include "periph/Mailbox.h"
#include "periph/PinBank.h"
#include "pluton/Rng.h"

namespace mt3620 {

class MtkUart;
class IsuSpi;
class SpiBus;
class GptTimer;
class ClockControl;
class Watchdog;
class IrqConfig;
class Eint;
class GpioBlock;
class PwmController;
class AdcController;
class IsuI2c;
class I2cBus;
class M4Dma;
class Board;
struct BoardDescription;
namespace os {
class HlProcess;
struct HlAppSpec;
}  // namespace os

/// Memory map constants (reference section 2.1).
constexpr std::uint32_t kA7RamBase = 0x8000'0000;
constexpr std::uint32_t kA7RamSize = 4 * 1024 * 1024;
constexpr std::uint32_t kM4LocalPeriphBase = 0x2000'0000;  // core-local blocks
constexpr std::uint32_t kM4LocalPeriphSize = 0x0200'0000;
constexpr std::uint32_t kSharedPeriphBase = 0x3000'0000;   // blocks shared by all cores
constexpr std::uint32_t kSharedPeriphSize = 0x1000'0000;
constexpr std::uint32_t kDebugUartBase = 0x2104'0000;
constexpr std::uint32_t kGptBase = 0x2103'0000;
constexpr std::uint32_t kClockControlBase = 0x2101'0000;
constexpr std::uint32_t kWatchdogBase = 0x2102'0000;
constexpr std::uint32_t kIrqConfigBase = 0x2100'0000;
constexpr std::uint32_t kM4DmaBase = 0x2108'0000;  // reference 4.11, IRQ 77
/// ISU (serial interface unit) n = 0..4 (reference 4.4): block at 0x38070000 + n * 0x10000, its
/// global control and GPIO registers at +0x000 (a GpioBlock), its I2C master at +0x200 with
/// IRQ 44 + 4n, its UART at +0x500 with IRQ 47 + 4n. The SPI (+0x300/+0x400) is not modelled yet.
constexpr unsigned kIsuCount = 5;
constexpr std::uint32_t kIsuUartSize = 0x100;
constexpr std::uint32_t isuBase(unsigned n) { return 0x3807'0000 + n * 0x1'0000; }
constexpr std::uint32_t isuUartBase(unsigned n) { return isuBase(n) + 0x500; }
constexpr unsigned isuUartIrq(unsigned n) { return 47 + 4 * n; }
constexpr std::uint32_t isuI2cBase(unsigned n) { return isuBase(n) + 0x200; }
constexpr unsigned isuI2cIrq(unsigned n) { return 44 + 4 * n; }
/// M4 DMA virtual-FIFO channels of ISU n's UART (reference 4.4).
constexpr unsigned isuUartDmaTx(unsigned n) { return 13 + 2 * n; }
constexpr unsigned isuUartDmaRx(unsigned n) { return 14 + 2 * n; }
/// M4 DMA half-size channels of ISU n's I2C and SPI masters (reference 4.4).
constexpr unsigned isuDmaTx(unsigned n) { return 2 * n; }
constexpr unsigned isuDmaRx(unsigned n) { return 2 * n + 1; }
/// ISU n's SPI master (reference 4.6): ISU base + 0x300, IRQ 45 + 4n.
constexpr std::uint32_t isuSpiBase(unsigned n) { return isuBase(n) + 0x300; }
constexpr unsigned isuSpiIrq(unsigned n) { return 45 + 4 * n; }

struct MachineConfig {
    std::shared_ptr<spdlog::logger> logger;  // null: warnings to stderr
    bool trace = false;                      // log every peripheral access
    Picos quantum = 200 * kPicosPerMicro;    // longest stretch one core runs before the next
};

/// Pin-level blocks at 0x38000000-0x380FFFFF that every core sees at the same address
/// ("Global for All CM4 and CA7", reference 2.2); the firewall decides who may use them.
struct SharedPeripherals {
    SharedPeripherals(Scheduler& scheduler, Log& log);
    ~SharedPeripherals();

    PinBank pins;
    std::vector<std::unique_ptr<GpioBlock>> gpio;
    std::vector<std::uint32_t> gpio_bases;
    std::array<std::unique_ptr<PwmController>, 3> pwm;
    std::unique_ptr<AdcController> adc;
    /// The ISU UARTs, named "ISU0".."ISU4" as in app manifests and board files.
    std::array<std::unique_ptr<MtkUart>, kIsuCount> isu_uart;
    /// Everything each ISU UART transmitted, for tests and scenarios.
    std::array<SerialCapture, kIsuCount> isu_capture;

    /// The ISU UART called `name` ("ISU0".."ISU4"), or null.
    MtkUart* uart(std::string_view name);
    /// Each ISU's I2C master (+0x200), named "ISU0-I2C".."ISU4-I2C"; its bus is "ISU0".."ISU4".
    std::array<std::unique_ptr<IsuI2c>, kIsuCount> isu_i2c;
    /// The I2C bus of ISU `name` ("ISU0".."ISU4"), or null.
    I2cBus* i2cBus(std::string_view name);
    /// The ISU SPI masters; each one's bus is named "ISU0".."ISU4" like the ISU.
    std::array<std::unique_ptr<IsuSpi>, kIsuCount> isu_spi;
    /// The SPI bus of the ISU called `name` ("ISU0".."ISU4"), or null.
    SpiBus* spiBus(std::string_view name);

    /// Maps every block into a core's bus and wires its interrupts to that core's NVIC.
    void attach(PeripheralBus& bus, Nvic& nvic);
    void reset();
};

/// One IO Cortex-M4 with everything private to it.
struct M4Subsystem {
    M4Subsystem(CoreId id, Scheduler& scheduler, Log& log, RamRegion& a7_ram, SharedPeripherals& shared);
    ~M4Subsystem();

    CoreId id;
    RamRegion tcm;
    RamRegion sysram;
    RamRegion xip;
    PeripheralBus bus;
    CortexM4 core;
    std::unique_ptr<MtkUart> debug_uart;
    std::unique_ptr<GptTimer> gpt;
    std::unique_ptr<ClockControl> clock;
    std::unique_ptr<Watchdog> watchdog;
    std::unique_ptr<IrqConfig> irq_config;
    std::unique_ptr<Eint> eint;  // EINT0-23 as this core's IRQ_CFG configures them
    std::unique_ptr<M4Dma> dma;  // this core's M4 DMA (reference 4.11)
    std::string restart_reason;  // set when the core must restart (watchdog, SYSRESETREQ)
    /// Runs after the core restarted its app (restartCore: watchdog, software reset, debugger,
    /// API), between core runs: the emulated OS sets up again what an app reads when it starts
    /// (the intercore buffers, IntercoreLink). One per core.
    std::function<void()> on_restart;
    SerialCapture debug_uart_capture;
    std::optional<RtAppImage> image;
    // A7 RAM as this core sees it: all of it (no manifest, or --firewall off) or only the
    // windows the OS opened (intercore buffers).
    bool a7_ram_whole = true;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> a7_windows;  // (address, size)
};

class Machine {
public:
    enum class StopReason {
        TimeLimit,   // the requested virtual duration elapsed
        Condition,   // the caller's condition became true
        Idle,        // every core sleeps or is empty and nothing is scheduled: nothing can happen
        Halted,      // every loaded core halted (fault or lockup)
        Debug,       // a core stopped for the debugger (all-stop: time stands still)
    };

    explicit Machine(MachineConfig config = {});
    ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    /// Loads an RTApp onto an M4 core and resets the core to its vector table. Without a
    /// manifest the core shares every peripheral no manifest claimed, and all of A7 RAM.
    void loadRtApp(CoreId core, const RtAppImage& image);
    /// Loads an RTApp with its manifest (MachineFirewall.cpp): the firewall assigns the core
    /// what the manifest names. Throws FirewallError, loading nothing, when the manifest is not
    /// a real-time capable app's or claims a peripheral another core holds.
    void loadRtApp(CoreId core, const RtAppImage& image, const AppManifest& manifest);
    /// Assigns what a high-level app's manifest names to the A7 (MachineFirewall.cpp), as the
    /// OS does when the app starts: the M4s lose access to those blocks. Throws FirewallError,
    /// changing nothing, when an RTApp's manifest holds one of them.
    void claimForHlApp(const AppManifest& manifest);
    /// --firewall fault|log|off (docs/firewall.md).
    void setFirewallMode(FirewallMode mode);
    /// Opens [addr, addr + size) of A7 RAM (page aligned) to an M4 core, as the OS does for an
    /// intercore buffer (reference §5, §6.2), and closes it again. Not from inside a core's run.
    void openA7Window(CoreId core, std::uint32_t addr, std::uint32_t size);
    void closeA7Window(CoreId core, std::uint32_t addr, std::uint32_t size);
    /// Wires a board (LEDs, buttons, analog inputs) to the chip's pins and ADC. One board per
    /// machine; call before running.
    Board& loadBoard(const BoardDescription& description);
    Board* board() { return board_.get(); }

    /// Restarts an M4 core's app from its image, as the OS does after a watchdog or software
    /// reset; the watchdog status survives so firmware can read the reset cause.
    void restartCore(CoreId core, const std::string& reason);

    /// Runs for `duration` of virtual time, or until `until` returns true (checked between
    /// quanta and after timer events).
    StopReason runFor(Picos duration, const std::function<bool()>& until = {});

    Picos now() const { return scheduler_.machineTime(); }
    /// Called between rounds of runFor (e.g. to serve attached debuggers, which may keep the
    /// machine stopped inside the hook: all-stop).
    void setRoundHook(std::function<void()> hook) { round_hook_ = std::move(hook); }
    /// Receives watchdog resets, firewall denials, crashes and the A7 app's end
    /// (MachineEvents.h); one listener.
    void setEventListener(MachineEventListener listener) { event_listener_ = std::move(listener); }
    Scheduler& scheduler() { return scheduler_; }
    Log& log() { return log_; }
    Firewall& firewall() { return firewall_; }
    /// The M4 <-> A7 mailbox of an M4 core (its A7 end is the emulated OS's), and the M4 <-> M4
    /// mailbox (end i belongs to M4 core i). Reference §6.1.
    Mailbox& a7Mailbox(CoreId core) { return *a7_mailbox_[core == CoreId::M4_1 ? 1 : 0]; }
    Mailbox& m4Mailbox() { return *m4_mailbox_; }
    RamRegion& a7Ram() { return a7_ram_; }
    SharedPeripherals& shared() { return *shared_; }
    PinBank& pins() { return shared_->pins; }

    /// Loads a high-level app (a Linux ARM ELF, DESIGN.md 3.5) onto the A7 and starts it; the
    /// A7 then takes part in the round-robin. Throws ImageError for an ELF the A7 cannot run.
    os::HlProcess& loadHlApp(const os::HlAppSpec& spec);
    /// The A7's app, or null if none was loaded.
    os::HlProcess* hlApp() { return a7_.get(); }
    /// Everything the A7 app wrote to stdout/stderr, as the serial-like stream "a7".
    SerialCapture& a7Capture() { return a7_capture_; }
    /// The A7 app's output stream (connect terminals and files before or after loading).
    ByteOutput& a7Output() { return a7_output_; }
    /// The Pluton RNG the OS hands to high-level apps (pluton/Rng.h); reseed it per device.
    pluton::Rng& rng() { return rng_; }

    /// The M4 subsystem of core M4_0 or M4_1.
    M4Subsystem& m4(CoreId core);
    /// Every core slot that exists (the A7 slot is reserved for high-level apps).
    std::vector<Core*> cores();

    static const char* stopReasonName(StopReason r);

private:
    void onTimerArmed(Picos deadline);
    void requestRestart(M4Subsystem& m, const char* reason);
    void processRestarts();
    void loadImage(M4Subsystem& m);
    void loadRtAppImage(CoreId core, const RtAppImage& image);
    // Firewall (MachineFirewall.cpp)
    void connectFirewall(M4Subsystem& m);
    void connectMailboxes();  // MachineMailboxes.cpp
    void startWithoutManifest(CoreId core);
    void applyFirewall();
    std::string describeDenial(CoreId core, std::uint32_t addr) const;

    MachineConfig config_;
    Log log_;
    Scheduler scheduler_;
    Firewall firewall_;
    RamRegion a7_ram_;
    std::unique_ptr<SharedPeripherals> shared_;
    std::unique_ptr<Board> board_;
    std::array<std::unique_ptr<M4Subsystem>, 2> m4_;
    SerialCapture a7_capture_;
    ByteOutput a7_output_;              // feeds a7_capture_ and the caller's sinks
    pluton::Rng rng_;
    std::unique_ptr<os::HlProcess> a7_;  // after its output: destroyed first
    std::array<std::unique_ptr<Mailbox>, 2> a7_mailbox_;
    std::unique_ptr<Mailbox> m4_mailbox_;
    Core* running_ = nullptr;
    Picos round_target_ = 0;  // where the current round of core runs ends
    std::function<void()> round_hook_;
    MachineEventListener event_listener_;
    void raise(MachineEvent::Kind kind, CoreId core, std::string detail);
    void raiseEnds();  // AppCrash/AppExit for cores that halted or an A7 app that ended
    std::array<bool, 2> halt_raised_{};  // per M4: its current halt was raised
    bool a7_end_raised_ = false;
};

}  // namespace mt3620
