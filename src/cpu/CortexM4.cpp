#include "cpu/CortexM4.h"

#include <unicorn/unicorn.h>

#include <cstring>
#include <numeric>
#include <stdexcept>

#include "machine/Scheduler.h"

namespace mt3620 {

namespace {
constexpr std::uint16_t kThumbWfi = 0xBF30;
constexpr std::uint16_t kThumbWfe = 0xBF20;

void check(uc_err err, const char* what) {
    if (err != UC_ERR_OK) throw std::runtime_error(std::string(what) + ": " + uc_strerror(err));
}
}  // namespace

CortexM4::CortexM4(CoreId id, Scheduler& scheduler, Log& log)
    : id_(id), name_(coreName(id)), scheduler_(scheduler), log_(log),
      systick_(name_ + ".SysTick", scheduler, log, [this] { return hz_; }),
      scs_(name_ + ".SCS", nvic_, systick_) {
    check(uc_open(UC_ARCH_ARM, static_cast<uc_mode>(UC_MODE_THUMB | UC_MODE_MCLASS), &uc_), "uc_open");
    check(uc_ctl_set_cpu_model(uc_, UC_CPU_ARM_CORTEX_M4), "select Cortex-M4");
    // Unicorn reserves a 1 GiB translation buffer by default; a few MiB hold any RTApp, and
    // the default costs about a second of kernel time per engine.
    check(uc_ctl(uc_, UC_CTL_WRITE(UC_CTL_TCG_BUFFER_SIZE, 1), 32u * 1024 * 1024), "set TCG buffer size");
    uc_hook h;
    check(uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&CortexM4::onBlock), this, 1, 0),
          "block hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&CortexM4::onInterrupt), this, 1, 0),
          "interrupt hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&CortexM4::onInvalidMemory),
                      this, 1, 0),
          "memory hook");
    updateTimeFraction();
    nvic_.on_change = [this] { onNvicChange(); };
    systick_.on_tick = [this] { nvic_.setPending(exc::kSysTick); };
    scs_.current_exception = [this] { return currentException(); };
    scs_.on_ccr_change = [this](std::uint32_t) {
        trap_hooks_dirty_ = true;  // hooks change translations: apply between runs
        requestStop();
    };
    scs_.on_system_reset = [this] {
        log_.info(name_, "system reset requested (AIRCR.SYSRESETREQ)");
        if (on_reset_request) on_reset_request("AIRCR.SYSRESETREQ");
        requestStop();
    };
}

CortexM4::~CortexM4() {
    if (uc_) uc_close(uc_);
}

void CortexM4::mapMemory(RamRegion& region, bool writable, bool executable) {
    std::uint32_t perms = UC_PROT_READ | (writable ? UC_PROT_WRITE : 0) | (executable ? UC_PROT_EXEC : 0);
    std::uint32_t size = (region.size() + 4095) & ~4095u;
    check(uc_mem_map_ptr(uc_, region.base(), size, perms, region.data()), "map memory");
    if (executable) counter_.addRegion(region.base(), region.size(), region.data());
}

void CortexM4::attachBus(PeripheralBus& bus) {
    bus_ = &bus;
    bus.map(SystemControlSpace::kBase, scs_, coreBit(id_));
    bus.attach(uc_);
    bus.setPcSource([this] { return block_addr_; });
    bus.setDenialHandler([this](std::uint32_t addr, bool is_write) { busErrorFromBus(addr, is_write); });
}

void CortexM4::setPeripheralAccess(std::uint32_t base, std::uint32_t size, bool allowed) {
    const std::uint32_t perms = allowed ? (UC_PROT_READ | UC_PROT_WRITE) : UC_PROT_NONE;
    check(uc_mem_protect(uc_, base, size, perms), "firewall: protect peripheral range");
}

void CortexM4::mapWindow(RamRegion& region, std::uint32_t offset, std::uint32_t size, bool writable) {
    const std::uint32_t perms = UC_PROT_READ | (writable ? UC_PROT_WRITE : 0);
    check(uc_mem_map_ptr(uc_, region.base() + offset, size, perms, region.data() + offset), "map window");
}

void CortexM4::unmapWindow(std::uint32_t base, std::uint32_t size) {
    check(uc_mem_unmap(uc_, base, size), "unmap window");
}

void CortexM4::unmapMemory(const RamRegion& region) {
    check(uc_mem_unmap(uc_, region.base(), (region.size() + 4095) & ~4095u), "unmap memory");
}

std::uint32_t CortexM4::readReg(int uc_reg) const {
    std::uint32_t v = 0;
    uc_reg_read(uc_, uc_reg, &v);
    return v;
}

void CortexM4::writeReg(int uc_reg, std::uint32_t value) { uc_reg_write(uc_, uc_reg, &value); }

void CortexM4::reset(std::uint32_t vtor, std::uint32_t initial_sp, std::uint32_t reset_pc) {
    counter_.clear();
    uc_ctl_flush_tb(uc_);
    nvic_.reset();
    systick_.reset();
    scs_.reset();
    // Leave Handler mode and any stacked state behind: IPSR 0, privileged, main stack.
    writeReg(UC_ARM_REG_IPSR, 0);
    writeReg(UC_ARM_REG_CONTROL, 0);
    writeReg(UC_ARM_REG_PRIMASK, 0);
    writeReg(UC_ARM_REG_FAULTMASK, 0);
    writeReg(UC_ARM_REG_BASEPRI, 0);
    for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; ++r) writeReg(r, 0);
    writeReg(UC_ARM_REG_PSP, 0);
    writeReg(UC_ARM_REG_MSP, initial_sp & ~3u);
    writeReg(UC_ARM_REG_LR, 0xFFFFFFFF);
    writeReg(UC_ARM_REG_APSR_NZCVQG, 0);
    writeReg(UC_ARM_REG_PC, reset_pc | 1u);
    scs_.setVtor(vtor);
    scs_.setCpacr(0x00F00000);  // CP10/CP11 full access (reference 2.4)
    fault_report_.clear();
    bad_access_ = {};
    bus_error_ = {};
    poll_masks_ = false;
    check_exceptions_ = false;
    trap_fault_ = {};
    trap_hooks_dirty_ = true;  // CCR is back to its reset value
    state_ = CoreState::Running;
    log_.debug(name_, "reset: VTOR {:#010x} MSP {:#010x} PC {:#010x}", vtor, initial_sp, reset_pc);
}

void CortexM4::updateTimeFraction() {
    const std::uint64_t g = std::gcd(kPicosPerSecond, hz_);
    ps_num_ = kPicosPerSecond / g;
    ps_den_ = hz_ / g;
    fast_limit_ = ~std::uint64_t{0} / ps_num_;
}

void CortexM4::setClockHz(std::uint64_t hz) {
    if (hz == hz_ || hz == 0) return;
    Picos t = now();
    base_time_ = t;
    base_cycles_ = cycles_;
    hz_ = hz;
    updateTimeFraction();
    updateStopCycles();
    systick_.clockChanged();
}

void CortexM4::updateStopCycles() {
    stop_cycles_ = target_ <= base_time_ ? base_cycles_
                                         : base_cycles_ + picosToCyclesCeil(target_ - base_time_, hz_);
}

void CortexM4::shortenQuantum(Picos t) {
    if (t >= target_) return;
    target_ = t;
    updateStopCycles();
}

void CortexM4::requestStop() {
    // Never uc_emu_stop() from an MMIO callback: Unicorn would return mid-block with PC at the
    // block start and the block's earlier instructions already done. The block hook stops at
    // the next block boundary instead.
    if (executing_) stop_pending_ = true;
}

void CortexM4::runUntil(Picos t) {
    target_ = t;
    updateStopCycles();
    scheduler_.setLocalTime(this);
    if (state_ == CoreState::Sleeping && wakeupPending()) {
        state_ = CoreState::Running;
        log_.trace(name_, "woken by a pending interrupt");
    }
    while (state_ == CoreState::Running && cycles_ < stop_cycles_ && debug_stop_ == DebugStop::None) {
        if (debug_halt_requested_) {
            debug_halt_requested_ = false;
            debug_stop_ = DebugStop::Halt;
            break;
        }
        if (trap_hooks_dirty_) applyTrapHooks();
        if (trap_fault_.valid) {
            trap_fault_.valid = false;
            raiseFault(exc::kUsageFault, trap_fault_.cfsr, trap_fault_.pc,
                       trap_fault_.cfsr & (1u << 25)
                           ? std::string("division by zero (CCR.DIV_0_TRP)")
                           : fmt::format("unaligned access to {:#010x} (CCR.UNALIGN_TRP)", trap_fault_.address));
            continue;
        }
        if (check_exceptions_ || poll_masks_) deliverPendingException();
        if (state_ != CoreState::Running) break;
        stop_requested_ = false;
        stop_pending_ = false;
        bad_access_.valid = false;
        std::uint32_t pc = readReg(UC_ARM_REG_PC);
        executing_ = true;
        uc_err err = uc_emu_start(uc_, pc | 1u, 0xFFFFFFFFull, 0, 0);
        executing_ = false;
        if (err != UC_ERR_OK) {
            faultFromEngineError(err);
            continue;
        }
        if (bus_error_.valid) {
            // Taken at the end of the block that made the access (see docs/exceptions.md).
            bus_error_.valid = false;
            scs_.setBfar(bus_error_.address);
            raiseFault(exc::kBusFault, (1u << 9) | (1u << 15), readReg(UC_ARM_REG_PC),
                       fmt::format("firewall denied {} at {:#010x}", bus_error_.is_write ? "write" : "read",
                                   bus_error_.address));
            continue;
        }
        if (state_ != CoreState::Running || stop_requested_ || debug_stop_ != DebugStop::None) continue;
        // Stopped without our request: WFI/WFE (Unicorn returns with PC after the instruction).
        pc = readReg(UC_ARM_REG_PC);
        if (stoppedAtWfi(pc)) {
            if (deliverPendingException() || wakeupPending()) continue;
            state_ = CoreState::Sleeping;
            log_.trace(name_, "sleeping (WFI/WFE at {:#010x})", pc - 2);
        }
    }
    scheduler_.setLocalTime(nullptr);
    if (state_ != CoreState::Running && target_ > now()) {
        // A core that does not execute keeps time with the machine.
        base_time_ = target_;
        base_cycles_ = cycles_;
    }
}

// --- CCR trap bits ------------------------------------------------------------------------------

void CortexM4::applyTrapHooks() {
    trap_hooks_dirty_ = false;
    const std::uint32_t ccr = scs_.ccr();
    const bool want_div = ccr & SystemControlSpace::kCcrDiv0Trp;
    const bool want_align = ccr & SystemControlSpace::kCcrUnalignTrp;
    if (want_div != (div_hook_ != 0)) {
        if (want_div) uc_hook_add(uc_, &div_hook_, UC_HOOK_CODE, reinterpret_cast<void*>(&CortexM4::onDivideCheck), this, 1, 0);
        else { uc_hook_del(uc_, div_hook_); div_hook_ = 0; }
    }
    if (want_align != (align_hook_ != 0)) {
        if (want_align)
            uc_hook_add(uc_, &align_hook_, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                        reinterpret_cast<void*>(&CortexM4::onAlignmentCheck), this, 1, 0);
        else { uc_hook_del(uc_, align_hook_); align_hook_ = 0; }
    }
    uc_ctl_flush_tb(uc_);
}

void CortexM4::onDivideCheck(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    if (size != 4) return;
    std::uint16_t hw[2];
    if (uc_mem_read(uc, address, hw, 4) != UC_ERR_OK) return;
    // SDIV (0xFB9n 0xFdFm) and UDIV (0xFBBn 0xFdFm), Thumb-2 encoding T1.
    if (((hw[0] & 0xFFF0) != 0xFB90 && (hw[0] & 0xFFF0) != 0xFBB0) || (hw[1] & 0xF0F0) != 0xF0F0) return;
    const unsigned rm = hw[1] & 0xF;
    if (rm > 12 || self->readReg(UC_ARM_REG_R0 + static_cast<int>(rm)) != 0) return;
    // A code hook runs before its instruction: stopping here leaves the division undone.
    self->trap_fault_ = {true, 1u << 25, static_cast<std::uint32_t>(address), 0};
    uc_emu_stop(uc);
}

void CortexM4::onAlignmentCheck(uc_struct* uc, int, std::uint64_t address, int size, std::int64_t, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    if (size <= 1 || address % static_cast<unsigned>(size) == 0 || self->trap_fault_.valid) return;
    // Unicorn's PC is the block start here (measured); find the accessing instruction in the
    // block. The access itself still completes (a difference from silicon, docs/exceptions.md).
    const auto addr = static_cast<std::uint32_t>(address);
    const std::uint32_t pc = self->locateFaultingInstruction(addr).value_or(self->readReg(UC_ARM_REG_PC));
    self->trap_fault_ = {true, 1u << 24, pc, addr};
    uc_emu_stop(uc);
}

// --- Debugging --------------------------------------------------------------------------------

void CortexM4::requestDebugHalt() {
    if (!executing_ && state_ != CoreState::Running) {
        debug_stop_ = DebugStop::Halt;  // asleep (WFI) or halted: stop right here
        return;
    }
    debug_halt_requested_ = true;
    requestStop();
}

void CortexM4::debugResume() {
    if (debug_stop_ == DebugStop::None) return;
    std::uint32_t pc = readReg(UC_ARM_REG_PC);
    if (breakpoints_.count(pc)) skip_breakpoint_at_ = pc;
    debug_stop_ = DebugStop::None;
    debug_halt_requested_ = false;
}

void CortexM4::debugStep(bool take_interrupts) {
    if (state_ == CoreState::Halted || state_ == CoreState::Empty) return;
    debug_stop_ = DebugStop::None;
    if (state_ == CoreState::Sleeping) state_ = CoreState::Running;  // a step past WFI
    if (take_interrupts && deliverPendingException()) {
        debug_stop_ = DebugStop::Step;  // the exception entry is the step: at the handler now
        return;
    }
    scheduler_.setLocalTime(this);
    stepping_ = true;
    stop_requested_ = false;
    stop_pending_ = false;
    std::uint32_t pc = readReg(UC_ARM_REG_PC);
    if (breakpoints_.count(pc)) skip_breakpoint_at_ = pc;
    executing_ = true;
    uc_err err = uc_emu_start(uc_, pc | 1u, 0xFFFFFFFFull, 0, 1);
    executing_ = false;
    stepping_ = false;
    skip_breakpoint_at_.reset();
    // The one-instruction block translated for a counted run must not be reused by normal
    // runs (seen with GDB: stepping over a breakpoint then continuing misbehaved). Evicting
    // just that block keeps a step cheap; a full flush costs about a millisecond.
    uc_ctl_remove_cache(uc_, pc, pc + 4);
    ++cycles_;
    scheduler_.setLocalTime(nullptr);
    if (err != UC_ERR_OK) faultFromEngineError(err);
    if (debug_stop_ == DebugStop::None || debug_stop_ == DebugStop::Breakpoint) debug_stop_ = DebugStop::Step;
}

void CortexM4::addBreakpoint(std::uint32_t address) {
    address &= ~1u;
    if (breakpoints_.count(address)) return;
    uc_hook h = 0;
    if (uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&CortexM4::onBreakpoint), this, address,
                    address) != UC_ERR_OK)
        return;
    breakpoints_[address] = h;
    uc_ctl_remove_cache(uc_, address, address + 4);  // no stale translation skips the hook
}

void CortexM4::removeBreakpoint(std::uint32_t address) {
    address &= ~1u;
    auto it = breakpoints_.find(address);
    if (it == breakpoints_.end()) return;
    uc_hook_del(uc_, it->second);
    breakpoints_.erase(it);
    uc_ctl_flush_tb(uc_);  // the hook was compiled into every block that contains the address
}

void CortexM4::onBreakpoint(uc_struct* uc, std::uint64_t address, std::uint32_t, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    if (self->skip_breakpoint_at_ && *self->skip_breakpoint_at_ == address) {
        self->skip_breakpoint_at_.reset();  // resuming from here: execute it once
        return;
    }
    if (self->stepping_) return;
    // A code hook runs before its instruction, with PC exact: stopping here leaves it unexecuted.
    self->debug_stop_ = DebugStop::Breakpoint;
    uc_emu_stop(uc);
}

void CortexM4::addWatchpoint(std::uint32_t address, std::uint32_t length, WatchKind kind) {
    int type = 0;
    if (static_cast<int>(kind) & static_cast<int>(WatchKind::Write)) type |= UC_HOOK_MEM_WRITE;
    if (static_cast<int>(kind) & static_cast<int>(WatchKind::Read)) type |= UC_HOOK_MEM_READ;
    uc_hook h = 0;
    if (uc_hook_add(uc_, &h, type, reinterpret_cast<void*>(&CortexM4::onWatch), this, address,
                    address + std::max(length, 1u) - 1) != UC_ERR_OK)
        return;
    watches_.push_back(Watch{address, length, kind, h});
    uc_ctl_flush_tb(uc_);  // memory hooks change how accesses are translated
}

void CortexM4::removeWatchpoint(std::uint32_t address, std::uint32_t length, WatchKind kind) {
    for (auto it = watches_.begin(); it != watches_.end(); ++it) {
        if (it->address == address && it->length == length && it->kind == kind) {
            uc_hook_del(uc_, it->hook);
            watches_.erase(it);
            uc_ctl_flush_tb(uc_);
            return;
        }
    }
}

void CortexM4::onWatch(uc_struct*, int type, std::uint64_t address, int, std::int64_t, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    if (self->debug_stop_ != DebugStop::None) return;
    // Stopping inside a memory hook would re-run the access: stop at the next block boundary.
    self->debug_stop_ = DebugStop::Watchpoint;
    self->watch_hit_address_ = static_cast<std::uint32_t>(address);
    self->watch_hit_kind_ = type == UC_MEM_WRITE ? WatchKind::Write : WatchKind::Read;
    self->requestStop();
}

bool CortexM4::debugRead(std::uint32_t address, void* out, std::size_t size) {
    if (uc_mem_read(uc_, address, out, size) == UC_ERR_OK) return true;
    // Peripheral registers: word by word through the bus (no firewall for the debugger).
    if (!bus_ || (address % 4) || (size % 4)) return false;
    auto* bytes = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < size; i += 4) {
        if (!bus_->deviceAt(address + i)) return false;
        std::uint32_t v = bus_->debugRead(address + static_cast<std::uint32_t>(i), 4);
        std::memcpy(bytes + i, &v, 4);
    }
    return true;
}

bool CortexM4::debugWrite(std::uint32_t address, const void* data, std::size_t size) {
    // Writes to read-only flash are allowed for the debugger (loading breakpoints, patches).
    if (uc_mem_write(uc_, address, data, size) != UC_ERR_OK) {
        if (!bus_ || (address % 4) || (size % 4)) return false;
        auto* bytes = static_cast<const std::uint8_t*>(data);
        for (std::size_t i = 0; i < size; i += 4) {
            if (!bus_->deviceAt(address + i)) return false;
            std::uint32_t v;
            std::memcpy(&v, bytes + i, 4);
            bus_->debugWrite(address + static_cast<std::uint32_t>(i), 4, v);
        }
    }
    uc_ctl_remove_cache(uc_, address, address + size);
    counter_.clear();
    return true;
}

bool CortexM4::stoppedAtWfi(std::uint32_t pc) {
    std::uint16_t hw = 0;
    if (uc_mem_read(uc_, pc - 2, &hw, 2) != UC_ERR_OK) return false;
    return hw == kThumbWfi || hw == kThumbWfe;
}

void CortexM4::onBlock(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    if (self->stepping_) return;  // a single step counts its one instruction itself
    // Stopping here (measured on Unicorn 2.1) returns before the block executes, with every
    // register exact and PC at the block: so a stop is decided before the block is counted.
    // A pending interrupt masked by PRIMASK/BASEPRI becomes takeable when firmware lowers the
    // mask (CPSIE, MSR): no hook sees that, so poll while such an interrupt waits.
    if (self->stop_pending_ || self->cycles_ >= self->stop_cycles_ ||
        (self->poll_masks_ && self->nvic_.exceptionToTake(self->executionPriority()))) {
        self->stop_pending_ = false;
        self->stop_requested_ = true;
        uc_emu_stop(uc);
        return;
    }
    self->block_addr_ = static_cast<std::uint32_t>(address);
    self->block_size_ = size;
    self->cycles_ += self->counter_.count(static_cast<std::uint32_t>(address), size);
}

bool CortexM4::onInvalidMemory(uc_struct*, int type, std::uint64_t address, int size, std::int64_t,
                               void* user) {
    auto* self = static_cast<CortexM4*>(user);
    self->bad_access_ = {true, type, static_cast<std::uint32_t>(address), size};
    return false;  // let Unicorn stop with the matching error; runUntil turns it into a fault
}

}  // namespace mt3620
