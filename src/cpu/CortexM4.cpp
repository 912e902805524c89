#include "cpu/CortexM4.h"

#include <unicorn/unicorn.h>

#include <stdexcept>

#include "machine/Scheduler.h"
#include "trace/Disassembler.h"

namespace mt3620 {

namespace {
constexpr std::uint16_t kThumbWfi = 0xBF30;
constexpr std::uint16_t kThumbWfe = 0xBF20;

void check(uc_err err, const char* what) {
    if (err != UC_ERR_OK) throw std::runtime_error(std::string(what) + ": " + uc_strerror(err));
}
}  // namespace

CortexM4::CortexM4(CoreId id, Scheduler& scheduler, Log& log)
    : id_(id), name_(coreName(id)), scheduler_(scheduler), log_(log) {
    check(uc_open(UC_ARCH_ARM, static_cast<uc_mode>(UC_MODE_THUMB | UC_MODE_MCLASS), &uc_), "uc_open");
    check(uc_ctl_set_cpu_model(uc_, UC_CPU_ARM_CORTEX_M4), "select Cortex-M4");
    // Unicorn reserves a 1 GiB translation buffer by default; a few MiB hold any RTApp.
    check(uc_ctl(uc_, UC_CTL_WRITE(UC_CTL_TCG_BUFFER_SIZE, 1), 32u * 1024 * 1024), "set TCG buffer size");
    uc_hook h;
    check(uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&CortexM4::onBlock), this, 1, 0),
          "block hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&CortexM4::onInterrupt), this, 1, 0),
          "interrupt hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&CortexM4::onInvalidMemory),
                      this, 1, 0),
          "memory hook");

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
    bus.attach(uc_);
    bus.setPcSource([this] { return readReg(UC_ARM_REG_PC); });
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
    for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; ++r) writeReg(r, 0);
    writeReg(UC_ARM_REG_CONTROL, 0);
    writeReg(UC_ARM_REG_MSP, initial_sp);
    writeReg(UC_ARM_REG_SP, initial_sp);
    writeReg(UC_ARM_REG_LR, 0xFFFFFFFF);
    writeReg(UC_ARM_REG_XPSR, 0x01000000);  // Thumb state
    writeReg(UC_ARM_REG_PC, reset_pc & ~1u);
    vtor_ = vtor;
    fault_report_.clear();
    state_ = CoreState::Running;
    log_.debug(name_, "reset: VTOR {:#010x} MSP {:#010x} PC {:#010x}", vtor, initial_sp, reset_pc);
}

void CortexM4::setClockHz(std::uint64_t hz) {
    if (hz == hz_ || hz == 0) return;
    Picos t = now();
    base_time_ = t;
    base_cycles_ = cycles_;
    hz_ = hz;
    updateStopCycles();
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

void CortexM4::runUntil(Picos t) {
    if (state_ != CoreState::Running) {
        // A core that does not execute still keeps time with the machine.
        if (t > now()) {
            base_time_ = t;
            base_cycles_ = cycles_;
        }
        return;
    }
    target_ = t;
    updateStopCycles();
    scheduler_.setLocalTime(this);
    while (state_ == CoreState::Running && cycles_ < stop_cycles_) {
        stop_requested_ = false;
        bad_access_.valid = false;
        std::uint32_t pc = readReg(UC_ARM_REG_PC);
        uc_err err = uc_emu_start(uc_, pc | 1u, 0xFFFFFFFFull, 0, 0);
        if (err != UC_ERR_OK) {
            halt(std::string(uc_strerror(err)));
            break;
        }
        if (state_ != CoreState::Running) break;
        if (!stop_requested_) {
            pc = readReg(UC_ARM_REG_PC);
            if (stoppedAtWfi(pc)) {
                state_ = CoreState::Sleeping;
                log_.debug(name_, "sleeping (WFI/WFE at {:#010x})", pc - 2);
            }
        }
    }
    scheduler_.setLocalTime(nullptr);
    if (state_ != CoreState::Running && target_ > now()) {
        base_time_ = target_;
        base_cycles_ = cycles_;
    }
}

bool CortexM4::stoppedAtWfi(std::uint32_t pc) {
    std::uint16_t hw = 0;
    if (uc_mem_read(uc_, pc - 2, &hw, 2) != UC_ERR_OK) return false;
    return hw == kThumbWfi || hw == kThumbWfe;
}

void CortexM4::onBlock(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    self->cycles_ += self->counter_.count(static_cast<std::uint32_t>(address), size);
    if (self->cycles_ >= self->stop_cycles_ && !self->stop_requested_) {
        self->stop_requested_ = true;
        uc_emu_stop(uc);
    }
}

void CortexM4::onInterrupt(uc_struct* uc, std::uint32_t intno, void* user) {
    auto* self = static_cast<CortexM4*>(user);
    const char* what = intno == 2 ? "SVC" : intno == 7 ? "BKPT" : intno == 8 ? "exception return" : "exception";
    self->halt(fmt::format("{} (Unicorn exception {}) with no exception model", what, intno));
    uc_emu_stop(uc);
}

bool CortexM4::onInvalidMemory(uc_struct*, int type, std::uint64_t address, int size, std::int64_t,
                               void* user) {
    auto* self = static_cast<CortexM4*>(user);
    self->bad_access_ = {true, type, address, size};
    return false;  // let Unicorn stop with the matching error
}

void CortexM4::halt(const std::string& reason) {
    state_ = CoreState::Halted;
    std::uint32_t pc = readReg(UC_ARM_REG_PC);
    std::string report = fmt::format("{} fault: {}\n", name_, reason);
    if (bad_access_.valid) {
        const char* kind = "access";
        switch (bad_access_.type) {
            case UC_MEM_READ_UNMAPPED: case UC_MEM_READ_PROT: kind = "read"; break;
            case UC_MEM_WRITE_UNMAPPED: case UC_MEM_WRITE_PROT: kind = "write"; break;
            case UC_MEM_FETCH_UNMAPPED: case UC_MEM_FETCH_PROT: kind = "instruction fetch"; break;
            default: break;
        }
        report += fmt::format("  faulting {} of {} bytes at address {:#010x}\n", kind, bad_access_.size,
                              bad_access_.address);
    }
    static const int regs[] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
                               UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
                               UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
                               UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};
    static const char* names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
                                  "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
    for (int i = 0; i < 16; ++i)
        report += fmt::format("  {:>3} {:#010x}{}", names[i], readReg(regs[i]), i % 4 == 3 ? "\n" : "");
    report += fmt::format("  xPSR {:#010x}\n", readReg(UC_ARM_REG_XPSR));
    std::uint8_t code[16] = {};
    if (uc_mem_read(uc_, pc, code, sizeof code) == UC_ERR_OK) {
        Disassembler dis;
        for (const std::string& line : dis.lines(code, sizeof code, pc, 4)) report += "  " + line + "\n";
    }
    fault_report_ = report;
    log_.error(name_, "{}", report.substr(0, report.size() - 1));
}

}  // namespace mt3620
