// Which instruction of a block faulted (docs/hl-apps.md, "Faults and signals").
//
// Unicorn 2.1 ends uc_emu_start with UC_ERR_{READ,WRITE}_{UNMAPPED,PROT} when an access fails,
// but it leaves the block without QEMU's state restore: every general-purpose register, flag
// and memory byte is as it was just before the faulting instruction, yet PC still names the
// start of the translated block (measured, also inside UC_HOOK_MEM_*_UNMAPPED/PROT hooks).
// Linux reports the faulting instruction itself, and a handler that fixes the cause and returns
// needs to run it again, so the core finds it:
//
//   1. The candidates are the block's instructions (ARM: 4 bytes each; Thumb-2 lengths decoded).
//   2. Each candidate is single-stepped (uc_emu_start with count 1) from the state at the fault,
//      with its memory writes undone afterwards (a write hook saves the old bytes) and the
//      register state restored from a saved context. A candidate "matches" when it fails with
//      the same error at the same address. The faulting instruction always matches, since its
//      inputs are the registers as they are now.
//   3. An earlier instruction can match too, when a register it addresses through was changed
//      by a later instruction of the block before the real fault (`ldr r2,[r1]; mov r1,#0;
//      ldr r3,[r1]`). Starting from the first match, a later match takes over when some
//      instruction from the current choice up to it writes one of the current choice's
//      address registers (found by moving each register by 1 MiB and seeing whether the fault
//      moves with it; writes found by stepping each instruction from the state and from the
//      state with every register moved by 4). Otherwise the earlier match would have faulted
//      first, so it is the one.
//
// One exception, measured on Unicorn 2.1.1: a store that faults inside a Thumb IT block does not
// stop its block; the instructions after it run (the store itself does not). The instruction is
// still found (its address registers are usually unchanged), but the registers are those at the
// block's end; a warning says so (docs/hl-apps.md).
//
// Thumb IT blocks: the IT state is not restored either (CPSR shows the block start's), so it is
// replayed from the block's start (an IT instruction loads it, every other instruction in a
// block advances it, ARM ARM ITAdvance), for each probe and for the state a handler gets.
//
// This runs only when a fault happens, so the hot path stays as it is. Limits: instructions a
// condition skipped are judged with the flags at the fault. If nothing matches (not seen), PC
// stays at the block's start and a warning says so.
#include <unicorn/unicorn.h>

#include <cstring>

#include "cpu/CortexA7.h"

namespace mt3620 {

namespace {
constexpr std::uint32_t kMovedBy = 4;             // keeps word alignment of moved addresses
constexpr std::uint32_t kAddressMove = 1u << 20;  // far enough to leave the faulting page

/// Reads r0-r14.
void readRegisters(uc_struct* uc, std::uint32_t (&out)[15]) {
    for (int r = 0; r < 13; ++r) uc_reg_read(uc, UC_ARM_REG_R0 + r, &out[r]);
    uc_reg_read(uc, UC_ARM_REG_SP, &out[13]);
    uc_reg_read(uc, UC_ARM_REG_LR, &out[14]);
}

int registerId(int r) { return r < 13 ? UC_ARM_REG_R0 + r : r == 13 ? UC_ARM_REG_SP : UC_ARM_REG_LR; }

// ITSTATE in the CPSR: IT[1:0] at bits 26:25, IT[7:2] at bits 15:10.
std::uint8_t itState(std::uint32_t cpsr) {
    return static_cast<std::uint8_t>(((cpsr >> 25) & 0x3) | ((cpsr >> 8) & 0xfc));
}
std::uint32_t withItState(std::uint32_t cpsr, std::uint8_t it) {
    return (cpsr & ~0x0600fc00u) | ((it & 0x3u) << 25) | ((it & 0xfcu) << 8);
}
}  // namespace

void CortexA7::onProbeWrite(uc_struct* uc, int, std::uint64_t address, int size, std::int64_t, void* user) {
    auto* self = static_cast<CortexA7*>(user);
    UndoWrite u{static_cast<std::uint32_t>(address), static_cast<std::uint32_t>(size), 0};
    if (u.size <= sizeof u.old && uc_mem_read(uc, address, &u.old, u.size) == UC_ERR_OK) self->probe_writes_.push_back(u);
}

std::vector<std::uint32_t> CortexA7::blockInstructions(bool thumb_code, std::vector<std::uint8_t>& its) {
    std::vector<std::uint32_t> pcs;
    std::uint8_t it = thumb_code ? itState(reg(UC_ARM_REG_CPSR)) : 0;
    const std::uint32_t end = block_addr_ + block_size_;
    for (std::uint32_t pc = block_addr_; pc < end;) {
        if (!thumb_code) {
            pcs.push_back(pc);
            its.push_back(0);
            pc += 4;
            continue;
        }
        std::uint16_t hw = 0;
        if (uc_mem_read(uc_, pc, &hw, 2) != UC_ERR_OK) break;
        if ((it & 0xf) == 0 && (hw & 0xff00) == 0xbf00 && (hw & 0xf)) {
            // An IT instruction is no candidate: it touches no memory, and a single step from
            // it runs the next instruction too (Unicorn does not count it).
            it = static_cast<std::uint8_t>(hw);
            pc += 2;
            continue;
        }
        pcs.push_back(pc);
        its.push_back(it);
        if ((it & 0x7) == 0) it = 0;
        else it = static_cast<std::uint8_t>((it & 0xe0) | ((it << 1) & 0x1f));
        pc += ((hw >> 11) >= 0x1d) ? 4 : 2;  // 0b11101, 0b11110, 0b11111: a 32-bit instruction
    }
    return pcs;
}

CortexA7::Probe CortexA7::probe(uc_context* base, std::uint32_t pc, std::uint8_t it, int err, std::uint32_t address,
                                int reg, std::uint32_t delta) {
    uc_context_restore(uc_, base);
    if (pc & 1) setReg(UC_ARM_REG_CPSR, withItState(this->reg(UC_ARM_REG_CPSR), it));
    if (reg == -2) {  // every register moved
        for (int r = 0; r < 15; ++r) setReg(registerId(r), reg_scratch_[r] + delta);
    } else if (reg >= 0) {
        setReg(registerId(reg), reg_scratch_[reg] + delta);
    }
    probe_writes_.clear();
    bad_access_.valid = false;
    uc_hook write_hook;
    uc_hook_add(uc_, &write_hook, UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(&CortexA7::onProbeWrite), this, 1, 0);
    probing_ = true;
    const uc_err e = uc_emu_start(uc_, pc, 0xFFFFFFFFull, 0, 1);
    probing_ = false;
    uc_hook_del(uc_, write_hook);
    for (auto it = probe_writes_.rbegin(); it != probe_writes_.rend(); ++it)
        uc_mem_write(uc_, it->address, &it->old, it->size);
    Probe p;
    p.err = e;
    p.faulted = e == err && bad_access_.valid && bad_access_.address == address;
    readRegisters(uc_, p.regs);
    return p;
}

std::uint32_t CortexA7::addressRegisters(uc_context* base, std::uint32_t pc, std::uint8_t it, int err,
                                         std::uint32_t address) {
    std::uint32_t mask = 0;
    for (int r = 0; r < 15; ++r)
        if (!probe(base, pc, it, err, address, r, kAddressMove).faulted) mask |= 1u << r;
    return mask;
}

std::optional<std::uint32_t> CortexA7::locateMemoryFault(int err, std::uint32_t address) {
    if (block_size_ == 0) return std::nullopt;
    const bool t = thumb();
    const std::uint32_t tbit = t ? 1u : 0u;
    uc_context* base = nullptr;
    if (uc_context_alloc(uc_, &base) != UC_ERR_OK) return std::nullopt;
    uc_context_save(uc_, base);
    readRegisters(uc_, reg_scratch_);

    // Probes must run fresh translations: ones with Unicorn's count hook and the write hook.
    uc_ctl_flush_tb(uc_);
    std::vector<std::uint8_t> its;
    const std::vector<std::uint32_t> pcs = blockInstructions(t, its);
    std::vector<std::uint32_t> writes(pcs.size(), 0);
    std::vector<std::size_t> matches;
    for (std::size_t i = 0; i < pcs.size(); ++i) {
        const Probe as_is = probe(base, pcs[i] | tbit, its[i], err, address);
        if (as_is.faulted) {
            matches.push_back(i);
            continue;
        }
        if (as_is.err != UC_ERR_OK) continue;
        const Probe moved = probe(base, pcs[i] | tbit, its[i], err, address, -2, kMovedBy);
        for (int r = 0; r < 15; ++r) {
            if (as_is.regs[r] != reg_scratch_[r]) writes[i] |= 1u << r;
            if (moved.err == UC_ERR_OK && moved.regs[r] != reg_scratch_[r] + kMovedBy) writes[i] |= 1u << r;
        }
    }

    std::optional<std::size_t> found;
    if (!matches.empty()) {
        std::size_t cur = matches[0];
        std::uint32_t inputs = addressRegisters(base, pcs[cur] | tbit, its[cur], err, address);
        for (std::size_t k = 1; k < matches.size(); ++k) {
            std::uint32_t written = 0;
            for (std::size_t m = cur; m < matches[k]; ++m) written |= writes[m];
            if (written & inputs) {
                cur = matches[k];
                inputs = addressRegisters(base, pcs[cur] | tbit, its[cur], err, address);
            }
        }
        found = cur;
    }
    uc_context_restore(uc_, base);
    uc_context_free(base);
    bad_access_ = {true, 0, address};
    log_.debug("a7", "fault at {:#010x}: block {:#010x} ({} bytes, {} instructions), {} matching, chosen {:#010x}",
               address, block_addr_, block_size_, pcs.size(), matches.size(), found ? pcs[*found] : 0);
    if (found && t) setReg(UC_ARM_REG_CPSR, withItState(reg(UC_ARM_REG_CPSR), its[*found]));
    const bool write = err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_WRITE_PROT;
    if (found && t && write && (its[*found] & 0xf))
        log_.warn("a7", "a store at {:#010x} inside a Thumb IT block faulted: Unicorn runs the rest of the block "
                        "after such a store, so the registers a handler sees are those at the block's end",
                  pcs[*found]);
    setReg(UC_ARM_REG_PC, (found ? pcs[*found] : block_addr_) | tbit);
    // The probes ran with Unicorn's instruction counting hook: start from fresh translations.
    uc_ctl_flush_tb(uc_);
    if (!found) return std::nullopt;
    return pcs[*found];
}

std::uint32_t CortexA7::exclusiveAddress(std::uint32_t pc, bool thumb_code) {
    std::uint32_t insn = 0;
    if (uc_mem_read(uc_, pc, &insn, 4) != UC_ERR_OK) return 0;
    if (!thumb_code) {
        // LDREX/STREX{,B,H,D}: cond 0001 1xxx Rn .... .... 1001 ....; the address is Rn.
        if ((insn & 0x0f8000f0u) == 0x01800090u) return reg(registerId((insn >> 16) & 0xf));
        return 0;
    }
    const std::uint32_t hw1 = insn & 0xffff, hw2 = insn >> 16;
    const std::uint32_t rn = reg(registerId(hw1 & 0xf));
    if ((hw1 & 0xfff0) == 0xe850 || (hw1 & 0xfff0) == 0xe840) return rn + (hw2 & 0xff) * 4;  // LDREX/STREX T1
    if ((hw1 & 0xfff0) == 0xe8d0 || (hw1 & 0xfff0) == 0xe8c0) return rn;                     // B/H/D forms
    return 0;
}

}  // namespace mt3620
