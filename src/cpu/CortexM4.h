#pragma once
// One Cortex-M4F real-time core: a Unicorn engine (M-class, Thumb) with its own memory map,
// peripheral bus, virtual clock and the parts of the core Unicorn does not model (DESIGN.md
// 3.4): the NVIC, SysTick, the System Control Block, exception entry and return, faults,
// sleep. Time passes per executed instruction at the core clock (one cycle per instruction:
// the emulator is instruction-accurate, not cycle-accurate).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>
#include <optional>
#include <string>

#include "bus/PeripheralBus.h"
#include "bus/RamRegion.h"
#include "cpu/BlockCounter.h"
#include "cpu/Core.h"
#include "cpu/Nvic.h"
#include "cpu/SysTick.h"
#include "cpu/SystemControlSpace.h"

struct uc_struct;

namespace mt3620 {

class Scheduler;

class CortexM4 : public Core {
public:
    static constexpr std::uint64_t kDefaultHz = 26'000'000;  // reference 4.12: HCLK field 0

    CortexM4(CoreId id, Scheduler& scheduler, Log& log);
    ~CortexM4() override;

    /// Maps a RAM/flash buffer into this core. `executable` regions get instruction counting.
    void mapMemory(RamRegion& region, bool writable, bool executable);
    /// Routes the bus's windows into the engine (and places the SCS on it).
    void attachBus(PeripheralBus& bus);
    /// Firewall: allows or denies every access to [base, base + size) (page aligned, whole
    /// peripheral regions, see PeripheralBus::addBoundary). A denied access never reaches the
    /// bus: Unicorn refuses it before the instruction completes, which makes it a precise
    /// BusFault (docs/firewall.md).
    void setPeripheralAccess(std::uint32_t base, std::uint32_t size, bool allowed);
    /// Maps [offset, offset + size) of `region` (page aligned) at region.base() + offset, or
    /// removes such a mapping: how the firewall opens parts of the A7 RAM to this core.
    void mapWindow(RamRegion& region, std::uint32_t offset, std::uint32_t size, bool writable);
    void unmapWindow(std::uint32_t base, std::uint32_t size);
    /// Unmaps a whole region mapped with mapMemory (non-executable regions only).
    void unmapMemory(const RamRegion& region);
    /// Says why an access to `address` was refused when the firewall refused it ("ISU0 belongs
    /// to m4-1"), or returns an empty string when the firewall has nothing to do with it.
    std::function<std::string(std::uint32_t address)> explain_denial;

    /// Resets the core to run from a vector table: MSP = word 0, PC = word 1, VTOR = `vtor`,
    /// FPU enabled (CPACR CP10/CP11 full access, as the Azure Sphere loader leaves it).
    void reset(std::uint32_t vtor, std::uint32_t initial_sp, std::uint32_t reset_pc);

    /// Changes the core clock (HCLK_CK_CTRL); time already elapsed is kept.
    void setClockHz(std::uint64_t hz);
    std::uint64_t clockHz() const { return hz_; }

    // Core
    CoreId id() const override { return id_; }
    CoreState state() const override { return state_; }
    void runUntil(Picos t) override;
    void shortenQuantum(Picos t) override;
    std::uint64_t instructions() const override { return cycles_; }
    const std::string& faultReport() const override { return fault_report_; }
    Picos now() const override {
        // Hot (every timer register read): the reduced fraction keeps this in 64-bit math.
        const std::uint64_t delta = cycles_ - base_cycles_;
        if (delta <= fast_limit_) return base_time_ + delta * ps_num_ / ps_den_;
        return base_time_ + cyclesToPicos(delta, hz_);
    }

    std::uint32_t readReg(int uc_reg) const;
    void writeReg(int uc_reg, std::uint32_t value);
    uc_struct* engine() { return uc_; }
    Nvic& nvic() { return nvic_; }
    SystemControlSpace& scs() { return scs_; }
    SysTick& sysTick() { return systick_; }

    /// Asks a running engine to return soon (between translated blocks).
    void stopSoon() { requestStop(); }
    // --- Debugging (the GDB stub) ---
    enum class DebugStop { None, Halt, Breakpoint, Watchpoint, Step };
    enum class WatchKind { Write = 1, Read = 2, Access = 3 };
    /// Stops the core at the next block boundary and keeps it stopped until resumed.
    void requestDebugHalt();
    bool debugHalted() const override { return debug_stop_ != DebugStop::None; }
    DebugStop debugStop() const { return debug_stop_; }
    /// The data address that triggered the last watchpoint stop.
    std::uint32_t watchHitAddress() const { return watch_hit_address_; }
    WatchKind watchHitKind() const { return watch_hit_kind_; }
    /// Leaves the debug stop; the next run continues (stepping over a breakpoint at PC).
    void debugResume();
    /// Executes exactly one instruction, then stays halted with DebugStop::Step. By default
    /// interrupts stay pending during a step (OpenOCD's default); with `take_interrupts` a
    /// pending interrupt is taken first, so the step lands on its handler's first instruction.
    void debugStep(bool take_interrupts = false);
    void addBreakpoint(std::uint32_t address);
    void removeBreakpoint(std::uint32_t address);
    void addWatchpoint(std::uint32_t address, std::uint32_t length, WatchKind kind);
    void removeWatchpoint(std::uint32_t address, std::uint32_t length, WatchKind kind);
    /// Reads/writes guest memory as the debugger sees it (RAM, flash, and peripherals through
    /// the bus). Returns false where nothing answers.
    bool debugRead(std::uint32_t address, void* out, std::size_t size);
    bool debugWrite(std::uint32_t address, const void* data, std::size_t size);

    /// What a firewall denial (or other bus error from a model) reports: a precise BusFault.
    void busErrorFromBus(std::uint32_t address, bool is_write);
    /// Called when firmware resets the core (AIRCR.SYSRESETREQ); the machine reloads the app.
    std::function<void(const char* reason)> on_reset_request;
    /// Halt the core when a fault has no real handler (default spin) or locks up (default),
    /// or keep going like the silicon does (spinning in the handler / locked up).
    bool halt_on_unhandled_fault = true;

private:
    // Engine callbacks (CortexM4.cpp)
    static void onBlock(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user);
    static void onInterrupt(uc_struct* uc, std::uint32_t intno, void* user);
    static bool onInvalidMemory(uc_struct* uc, int type, std::uint64_t address, int size,
                                std::int64_t value, void* user);
    static void onBreakpoint(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user);
    static void onWatch(uc_struct* uc, int type, std::uint64_t address, int size, std::int64_t value, void* user);
    // CCR.DIV_0_TRP / UNALIGN_TRP: Unicorn's own CCR cannot be set, so while a trap bit is on,
    // hooks watch divisions and memory accesses (slower, only for firmware that opts in).
    static void onDivideCheck(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user);
    static void onAlignmentCheck(uc_struct* uc, int type, std::uint64_t address, int size, std::int64_t value, void* user);
    void applyTrapHooks();
    void updateStopCycles();
    bool stoppedAtWfi(std::uint32_t pc);
    void requestStop();

    // Exception model (M4Exceptions.cpp)
    struct Masks {
        bool primask;
        bool faultmask;
        std::uint8_t basepri;
    };
    Masks readMasks() const;
    unsigned currentException() const;
    int executionPriority() const;
    /// Takes the highest pending exception if it may preempt; returns true if one was taken.
    bool deliverPendingException();
    bool wakeupPending() const;
    void onNvicChange();
    void enterException(unsigned exception, std::uint32_t return_address);
    void exceptionReturn(std::uint32_t exc_return);
    void tailChain(unsigned exception, std::uint32_t exc_return);
    /// Raises a synchronous fault (with escalation to HardFault and lockup).
    void raiseFault(unsigned exception, std::uint32_t cfsr_bits, std::uint32_t return_address,
                    const std::string& what);
    void faultFromEngineError(int uc_error);
    void lockup(const std::string& why);
    bool handlerSpinsForever(unsigned exception) const;
    std::optional<std::uint32_t> locateFaultingInstruction(std::uint32_t address) const;
    void halt(const std::string& reason);
    std::string describeFault(const std::string& headline, std::optional<std::uint32_t> frame_sp) const;

    CoreId id_;
    std::string name_;
    Scheduler& scheduler_;
    Log& log_;
    uc_struct* uc_ = nullptr;
    BlockCounter counter_;
    CoreState state_ = CoreState::Empty;
    Nvic nvic_;
    SysTick systick_;
    SystemControlSpace scs_;

    void updateTimeFraction();
    std::uint64_t hz_ = kDefaultHz;
    std::uint64_t ps_num_ = 1, ps_den_ = 1;  // picoseconds per cycle = ps_num_ / ps_den_ (reduced)
    std::uint64_t fast_limit_ = 0;           // largest delta for which delta * ps_num_ fits 64 bits
    std::uint64_t cycles_ = 0;       // instructions executed since reset
    std::uint64_t base_cycles_ = 0;  // cycles_ when base_time_ was set
    Picos base_time_ = 0;            // virtual time at base_cycles_
    Picos target_ = 0;               // end of the current quantum
    std::uint64_t stop_cycles_ = 0;  // cycles_ at which the quantum ends
    bool executing_ = false;         // inside uc_emu_start
    bool stop_requested_ = false;    // uc_emu_stop already called for this run
    bool stop_pending_ = false;      // stop at the next block boundary (requestStop)
    bool check_exceptions_ = false;  // NVIC changed: look for an exception to take
    bool poll_masks_ = false;        // pending exception masked by PRIMASK/BASEPRI/FAULTMASK
    std::uint32_t block_addr_ = 0;   // start of the block being executed
    std::uint32_t block_size_ = 0;

    bool trap_hooks_dirty_ = false;
    std::size_t div_hook_ = 0, align_hook_ = 0;
    struct TrapFault {
        bool valid = false;
        std::uint32_t cfsr = 0;
        std::uint32_t pc = 0;
        std::uint32_t address = 0;
    } trap_fault_;
    DebugStop debug_stop_ = DebugStop::None;
    bool debug_halt_requested_ = false;
    bool stepping_ = false;
    std::optional<std::uint32_t> skip_breakpoint_at_;  // resuming from this breakpoint
    std::map<std::uint32_t, std::size_t> breakpoints_;  // address -> uc_hook
    struct Watch {
        std::uint32_t address;
        std::uint32_t length;
        WatchKind kind;
        std::size_t hook;
    };
    std::vector<Watch> watches_;
    std::uint32_t watch_hit_address_ = 0;
    WatchKind watch_hit_kind_ = WatchKind::Write;
    PeripheralBus* bus_ = nullptr;

    std::string fault_report_;
    struct BadAccess {
        bool valid = false;
        int type = 0;
        std::uint32_t address = 0;
        int size = 0;
    } bad_access_;
    struct PendingBusError {
        bool valid = false;
        std::uint32_t address = 0;
        bool is_write = false;
    } bus_error_;
};

}  // namespace mt3620
