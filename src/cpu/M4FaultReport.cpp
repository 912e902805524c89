// Fault reports for the Cortex-M4 cores: what a developer would read off a debugger after a
// crash on the chip: the exception, decoded CFSR/HFSR bits, faulting PC and address, registers,
// the stacked frame and the instructions around the PC (Capstone).
#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "cpu/CortexM4.h"
#include "trace/Disassembler.h"

namespace mt3620 {

namespace {
struct Bit {
    std::uint32_t mask;
    const char* name;
    const char* meaning;
};
constexpr Bit kCfsrBits[] = {
    {1u << 0, "IACCVIOL", "instruction access violation"}, {1u << 1, "DACCVIOL", "data access violation"},
    {1u << 3, "MUNSTKERR", "MemManage fault on unstacking"}, {1u << 4, "MSTKERR", "MemManage fault on stacking"},
    {1u << 5, "MLSPERR", "MemManage fault in lazy FP stacking"}, {1u << 7, "MMARVALID", "MMFAR holds the address"},
    {1u << 8, "IBUSERR", "bus error on instruction fetch"}, {1u << 9, "PRECISERR", "precise data bus error"},
    {1u << 10, "IMPRECISERR", "imprecise data bus error"}, {1u << 11, "UNSTKERR", "bus error on unstacking"},
    {1u << 12, "STKERR", "bus error on stacking"}, {1u << 13, "LSPERR", "bus error in lazy FP stacking"},
    {1u << 15, "BFARVALID", "BFAR holds the address"}, {1u << 16, "UNDEFINSTR", "undefined instruction"},
    {1u << 17, "INVSTATE", "invalid state (Thumb bit clear)"}, {1u << 18, "INVPC", "invalid EXC_RETURN"},
    {1u << 19, "NOCP", "no coprocessor"}, {1u << 24, "UNALIGNED", "unaligned access"},
    {1u << 25, "DIVBYZERO", "division by zero"},
};
constexpr Bit kHfsrBits[] = {
    {1u << 1, "VECTTBL", "vector table read fault"}, {1u << 30, "FORCED", "escalated from a configurable fault"},
    {1u << 31, "DEBUGEVT", "debug event (BKPT) with no debugger"},
};

std::string decode(std::uint32_t value, const Bit* bits, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        if (value & bits[i].mask) out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", bits[i].name, bits[i].meaning);
    return out.empty() ? "none" : out;
}
}  // namespace

std::string CortexM4::describeFault(const std::string& headline, std::optional<std::uint32_t> frame_sp) const {
    std::string r = headline + "\n";
    r += fmt::format("  CFSR {:#010x}: {}\n", scs_.cfsr(), decode(scs_.cfsr(), kCfsrBits, std::size(kCfsrBits)));
    r += fmt::format("  HFSR {:#010x}: {}\n", scs_.hfsr(), decode(scs_.hfsr(), kHfsrBits, std::size(kHfsrBits)));
    if (scs_.cfsr() & (1u << 15)) r += fmt::format("  BFAR {:#010x}\n", scs_.bfar());
    if (scs_.cfsr() & (1u << 7)) r += fmt::format("  MMFAR {:#010x}\n", scs_.mmfar());

    std::uint32_t fault_pc = readReg(UC_ARM_REG_PC);
    if (frame_sp) {
        // The frame the exception entry pushed: the interrupted context.
        std::uint32_t w[8] = {};
        if (uc_mem_read(uc_, *frame_sp, w, sizeof w) == UC_ERR_OK) {
            r += fmt::format("  stacked frame at {:#010x}:\n", *frame_sp);
            r += fmt::format("     r0 {:#010x}   r1 {:#010x}   r2 {:#010x}   r3 {:#010x}\n", w[0], w[1], w[2], w[3]);
            r += fmt::format("    r12 {:#010x}   lr {:#010x}   pc {:#010x} xpsr {:#010x}\n", w[4], w[5], w[6], w[7]);
            fault_pc = w[6];
        }
    }
    static const int regs[] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
                               UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
                               UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
                               UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};
    static const char* names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
                                  "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
    r += "  registers now:\n";
    for (int i = 0; i < 16; ++i)
        r += fmt::format("  {:>5} {:#010x}{}", names[i], readReg(regs[i]), i % 4 == 3 ? "\n" : "");
    r += fmt::format("   xPSR {:#010x}  MSP {:#010x}  PSP {:#010x}  CONTROL {:#x}\n", readReg(UC_ARM_REG_XPSR),
                     readReg(UC_ARM_REG_MSP), readReg(UC_ARM_REG_PSP), readReg(UC_ARM_REG_CONTROL));
    r += fmt::format("  code at the faulting PC {:#010x}:\n", fault_pc);
    std::uint8_t code[16] = {};
    if (uc_mem_read(uc_, fault_pc & ~1u, code, sizeof code) == UC_ERR_OK) {
        Disassembler dis;
        for (const std::string& line : dis.lines(code, sizeof code, fault_pc & ~1u, 4)) r += "    " + line + "\n";
    } else {
        r += "    (not readable)\n";
    }
    r.pop_back();
    return r;
}

std::optional<std::uint32_t> CortexM4::locateFaultingInstruction(std::uint32_t address) const {
    // Unicorn leaves the PC at the start of the translated block when a data access faults,
    // with every register as the faulting instruction saw it. Walk the block's loads and
    // stores and return the first whose effective address range covers the fault address.
    if (block_size_ == 0 || block_size_ > 4096) return std::nullopt;
    std::vector<std::uint8_t> code(block_size_);
    if (uc_mem_read(uc_, block_addr_, code.data(), code.size()) != UC_ERR_OK) return std::nullopt;
    csh h;
    if (cs_open(CS_ARCH_ARM, cs_mode(CS_MODE_THUMB | CS_MODE_MCLASS), &h) != CS_ERR_OK) return std::nullopt;
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn* insn = nullptr;
    std::size_t n = cs_disasm(h, code.data(), code.size(), block_addr_, 0, &insn);
    std::optional<std::uint32_t> found;
    auto reg_value = [this](unsigned cs_reg, std::uint32_t insn_addr) -> std::uint32_t {
        if (cs_reg == ARM_REG_PC) return (insn_addr + 4) & ~3u;
        if (cs_reg == ARM_REG_SP) return readReg(UC_ARM_REG_SP);
        if (cs_reg == ARM_REG_LR) return readReg(UC_ARM_REG_LR);
        if (cs_reg >= ARM_REG_R0 && cs_reg <= ARM_REG_R12) return readReg(UC_ARM_REG_R0 + (cs_reg - ARM_REG_R0));
        return 0;
    };
    for (std::size_t i = 0; i < n && !found; ++i) {
        const cs_arm& arm = insn[i].detail->arm;
        for (int k = 0; k < arm.op_count; ++k) {
            const cs_arm_op& op = arm.operands[k];
            if (op.type != ARM_OP_MEM) continue;
            std::uint32_t base = reg_value(op.mem.base, static_cast<std::uint32_t>(insn[i].address));
            std::uint32_t index = op.mem.index != ARM_REG_INVALID ? reg_value(op.mem.index, 0) << op.shift.value : 0;
            // Post-indexed forms access at the base; a window around the EA covers multi-word
            // accesses (LDRD/STRD, PUSH/POP-like) and pre-index writeback.
            std::uint32_t ea = base + static_cast<std::uint32_t>(op.mem.disp) + (op.subtracted ? -index : index);
            for (std::uint32_t candidate : {ea, base}) {
                if (address >= candidate && address - candidate < 64) found = static_cast<std::uint32_t>(insn[i].address);
                if (found) break;
            }
            if (found) break;
        }
        // LDM/STM/PUSH/POP: register lists at SP or a base register.
        if (!found && (insn[i].id == ARM_INS_PUSH || insn[i].id == ARM_INS_POP || insn[i].id == ARM_INS_STMDB ||
                       insn[i].id == ARM_INS_STM || insn[i].id == ARM_INS_LDM)) {
            std::uint32_t sp = readReg(UC_ARM_REG_SP);
            if ((address <= sp && sp - address <= 64) || (address >= sp && address - sp < 64))
                found = static_cast<std::uint32_t>(insn[i].address);
        }
    }
    if (n) cs_free(insn, n);
    cs_close(&h);
    return found;
}

}  // namespace mt3620
