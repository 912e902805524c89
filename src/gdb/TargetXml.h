#pragma once
// What GDB is told about an M4 core: the register set (target description) and the memory map.
#include <string>

namespace mt3620::gdb {

/// Remote register numbers, in the order of the 'g' packet (see targetXml()).
enum M4Reg : unsigned {
    kRegR0 = 0,
    kRegSp = 13,
    kRegLr = 14,
    kRegPc = 15,
    kRegXpsr = 16,
    kRegD0 = 17,      // d0-d15: 64 bits each
    kRegFpscr = 33,
    kRegMsp = 34,
    kRegPsp = 35,
    kRegPrimask = 36,
    kRegBasepri = 37,
    kRegFaultmask = 38,
    kRegControl = 39,
    kRegCount = 40,
};

/// Size of remote register `n` in bytes (0: no such register).
unsigned registerSize(unsigned n);

/// target.xml: org.gnu.gdb.arm.m-profile (r0-r12, sp, lr, pc, xpsr), org.gnu.gdb.arm.vfp
/// (d0-d15, fpscr) and org.gnu.gdb.arm.m-system (msp, psp, primask, basepri, faultmask, control).
const std::string& targetXml();

/// The memory map of an M4 core as GDB sees it: TCM, SYSRAM and A7 RAM as RAM, XIP as flash.
const std::string& memoryMapXml();

}  // namespace mt3620::gdb
