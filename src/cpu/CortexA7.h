#pragma once
// The Cortex-A7 application core running one Linux user-space process (DESIGN.md 3.5): a
// Unicorn ARM engine (Cortex-A7 model, ARM and Thumb-2, VFPv4/NEON) in User mode, with the
// emulator as the kernel. SVC #0 comes to `on_syscall`; guest faults stop the core with a
// signal report. Time passes one instruction per cycle at 500 MHz, counted per translated
// block as on the M4s (DESIGN.md 3.3), and the core takes part in the machine's deterministic
// round-robin. A core waiting in a syscall (nanosleep, epoll_wait, a blocking read) sleeps
// like WFI: it does not execute and its time follows the machine's until wake().
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cpu/Core.h"
#include "machine/Scheduler.h"

struct uc_struct;
struct uc_context;

namespace mt3620 {

class CortexA7 : public Core {
public:
    static constexpr std::uint64_t kHz = 500'000'000;
    static constexpr Picos kPicosPerInstruction = kPicosPerSecond / kHz;

    CortexA7(Scheduler& scheduler, Log& log);
    ~CortexA7() override;
    CortexA7(const CortexA7&) = delete;
    CortexA7& operator=(const CortexA7&) = delete;

    uc_struct* engine() { return uc_; }

    /// Enters User mode with VFP/NEON usable (CPACR cp10/cp11 full access, FPEXC.EN, as the
    /// kernel leaves them), TPIDRURO 0, r0-r12 zero, and starts at `pc` (Thumb if bit 0).
    void start(std::uint32_t pc, std::uint32_t sp);

    std::uint32_t reg(int uc_reg) const;
    void setReg(int uc_reg, std::uint32_t value);
    /// TPIDRURO, the user read-only thread ID register musl reads for TLS (set_tls).
    void setThreadPointer(std::uint32_t value);
    std::uint32_t threadPointer() const;
    bool thumb() const;

    /// Called for SVC #0 with PC after the SVC instruction (r7 = number, r0-r6 = arguments).
    std::function<void()> on_syscall;
    /// Called when a sleeping core wakes (deadline, wake()), before it runs again.
    std::function<void()> on_wake;
    /// Called at the start of every quantum the core runs (the app's threads share the core).
    std::function<void()> on_quantum;
    /// Re-executes the SVC when the core next runs (a blocking syscall that must retry).
    void restartSyscall();
    /// Sleeps until `deadline` (kNever: until wake()), stopping the engine at once.
    void sleepUntil(Picos deadline);
    void wake();
    Picos wakeDeadline() const { return wake_.armed() ? wake_.deadline() : kNever; }
    /// Stops for good: the process exited or died of a signal (`report` says how).
    void halt(std::string report);
    /// A guest fault in the last run, as a signal number and a one-line description.
    struct Fault {
        int signal = 0;  // 0: none
        int code = 0;    // si_code: SEGV_MAPERR 1 / SEGV_ACCERR 2, BUS_ADRALN 1, ILL_ILLOPC 1, TRAP_BRKPT 1
        std::uint32_t address = 0;  // si_addr: the data address, or the instruction's for SIGILL/SIGTRAP
        std::uint32_t pc = 0;
        std::string what;
    };
    /// Called when the guest faults (SIGSEGV, SIGILL, SIGBUS, SIGTRAP) with the core's registers
    /// as they were before the faulting instruction, PC on it; the process decides (a signal
    /// handler, or the end of the app).
    std::function<void(const Fault&)> on_fault;
    /// A denied access reported by the address space's page table (it then stops the engine
    /// with UC_ERR_EXCEPTION): `type` is a UC_MEM_*_UNMAPPED / UC_MEM_*_PROT code.
    void recordBadAccess(int type, std::uint32_t address) { bad_access_ = {true, type, address}; }
    /// Lets the next accesses to the 4 KiB page at `page` through (nullopt: no longer), so the
    /// core can single-step an instruction the page table denied and learn its exact address.
    /// Set by the owner of the address space's page table.
    std::function<void(std::optional<std::uint32_t> page)> on_grant_page;
    /// Forgets cached instruction counts (code was unmapped or changed).
    void flushCode();

    // Core
    CoreId id() const override { return CoreId::A7; }
    CoreState state() const override { return state_; }
    void runUntil(Picos t) override;
    void shortenQuantum(Picos t) override;
    std::uint64_t instructions() const override { return cycles_; }
    const std::string& faultReport() const override { return report_; }
    Picos now() const override { return base_time_ + (cycles_ - base_cycles_) * kPicosPerInstruction; }

private:
    static void onBlock(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user);
    static void onInterrupt(uc_struct* uc, std::uint32_t intno, void* user);
    static bool onInvalidMemory(uc_struct* uc, int type, std::uint64_t address, int size, std::int64_t value,
                                void* user);
    std::uint32_t countBlock(std::uint32_t address, std::uint32_t size);
    void stopEngine();
    void updateStopCycles();
    void faultFromEngineError(int err);

    // Finding the faulting instruction of a memory fault (CortexA7Faults.cpp): Unicorn stops a
    // faulting block with every register exact except PC, which still names the block's start.
    struct Probe {
        int err = 0;
        bool faulted = false;  // an invalid access at the address the probe looks for
        std::uint32_t regs[15] = {};
    };
    std::optional<std::uint32_t> locateMemoryFault(int err, std::uint32_t address);
    /// The block's instruction addresses, and the Thumb IT state each one runs with.
    std::vector<std::uint32_t> blockInstructions(bool thumb, std::vector<std::uint8_t>& its);
    Probe probe(uc_context* base, std::uint32_t pc, std::uint8_t it, int err, std::uint32_t address, int reg = -1,
                std::uint32_t delta = 0);
    std::uint32_t addressRegisters(uc_context* base, std::uint32_t pc, std::uint8_t it, int err, std::uint32_t address);
    std::uint32_t exclusiveAddress(std::uint32_t pc, bool thumb);
    static void onProbeWrite(uc_struct* uc, int type, std::uint64_t address, int size, std::int64_t value, void* user);
    /// The exact address of a data access the page table denied in the 1 KiB page at `page`
    /// (PC is on the instruction): the instruction is single-stepped with the page let through,
    /// its writes undone. nullopt if it touched no byte of that page.
    std::optional<std::uint32_t> exactDeniedAddress(std::uint32_t page);
    static void onDeniedProbe(uc_struct* uc, int type, std::uint64_t address, int size, std::int64_t value, void* user);
    std::uint32_t denied_page_ = 0;
    std::optional<std::uint32_t> denied_address_;

    Scheduler& scheduler_;
    Log& log_;
    uc_struct* uc_ = nullptr;
    CoreState state_ = CoreState::Empty;
    EventTimer wake_;
    std::string report_;

    // Instruction counts per block: a direct-mapped cache of (block address, size) -> count,
    // filled on a miss by decoding ARM (4 bytes each) or Thumb-2 (2 or 4 bytes) instructions.
    struct CountEntry {
        std::uint32_t address = 0xffffffff;
        std::uint32_t size = 0;
        std::uint32_t count = 0;
    };
    static constexpr std::size_t kCountCacheSize = 1u << 14;
    std::vector<CountEntry> counts_;

    std::uint64_t cycles_ = 0;
    std::uint64_t base_cycles_ = 0;
    Picos base_time_ = 0;
    Picos target_ = 0;
    std::uint64_t stop_cycles_ = 0;
    bool executing_ = false;
    bool translated_ = false;  // the engine ran since the last code flush
    bool stop_requested_ = false;
    std::uint32_t block_addr_ = 0;
    std::uint32_t block_size_ = 0;
    bool probing_ = false;  // single-stepping to find a faulting instruction: no counting, no syscalls
    struct UndoWrite {
        std::uint32_t address;
        std::uint32_t size;
        std::uint64_t old;
    };
    std::vector<UndoWrite> probe_writes_;
    std::uint32_t reg_scratch_[15] = {};  // r0-r14 at the fault, while probing
    struct BadAccess {
        bool valid = false;
        int type = 0;
        std::uint32_t address = 0;
    } bad_access_;
    Fault pending_fault_;
};

}  // namespace mt3620
