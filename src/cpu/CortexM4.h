#pragma once
// One Cortex-M4F real-time core: a Unicorn engine (M-class, Thumb) with its own memory map,
// peripheral bus and virtual clock. Time passes per executed instruction at the core clock
// (one cycle per instruction: the emulator is instruction-accurate, not cycle-accurate).
#include <cstdint>
#include <memory>
#include <string>

#include "bus/PeripheralBus.h"
#include "bus/RamRegion.h"
#include "cpu/BlockCounter.h"
#include "cpu/Core.h"

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
    /// Routes the bus's windows into the engine. Call after every mapMemory.
    void attachBus(PeripheralBus& bus);

    /// Resets the core to run from a vector table: MSP = word 0, PC = word 1, VTOR = `vtor`.
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
    Picos now() const override { return base_time_ + cyclesToPicos(cycles_ - base_cycles_, hz_); }

    std::uint32_t readReg(int uc_reg) const;
    void writeReg(int uc_reg, std::uint32_t value);
    uc_struct* engine() { return uc_; }

private:
    static void onBlock(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user);
    static void onInterrupt(uc_struct* uc, std::uint32_t intno, void* user);
    static bool onInvalidMemory(uc_struct* uc, int type, std::uint64_t address, int size,
                                std::int64_t value, void* user);
    void updateStopCycles();
    void halt(const std::string& reason);
    bool stoppedAtWfi(std::uint32_t pc);

    CoreId id_;
    std::string name_;
    Scheduler& scheduler_;
    Log& log_;
    uc_struct* uc_ = nullptr;
    BlockCounter counter_;
    CoreState state_ = CoreState::Empty;

    std::uint64_t hz_ = kDefaultHz;
    std::uint64_t cycles_ = 0;       // instructions executed since reset
    std::uint64_t base_cycles_ = 0;  // cycles_ when base_time_ was set
    Picos base_time_ = 0;            // virtual time at base_cycles_
    Picos target_ = 0;               // end of the current quantum
    std::uint64_t stop_cycles_ = 0;  // cycles_ at which the quantum ends
    bool stop_requested_ = false;

    std::uint32_t vtor_ = 0;
    std::string fault_report_;
    struct BadAccess {
        bool valid = false;
        int type = 0;
        std::uint64_t address = 0;
        int size = 0;
    } bad_access_;
};

}  // namespace mt3620
