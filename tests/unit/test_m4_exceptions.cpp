// The Cortex-M4 exception model on the real engine (ARMv7-M B1.5): small hand-assembled Thumb-2
// programs run on core M4_0 of a Machine, and the tests check what the architecture makes
// visible: registers, the stacked exception frame in memory, EXC_RETURN values, the SCB fault
// status registers, the order handlers run in, and the core's state.
//
// Each program is a flat image at 0x00100000 (start of TCM) beginning with its vector table.
// Handlers and Thread code write what they observe into the results area R at 0x00120000
// (R[i] = word at 0x00120000 + 4 i); some programs read a configuration word the test pokes
// into R before running. The bytes were produced with GNU as (arm-none-eabi-as 2.x) from the
// source shown next to them, assembled with this prologue (not repeated below):
//
//     .syntax unified
//     .cpu cortex-m4
//     .fpu fpv4-sp-d16
//     .thumb
//     .macro vec lbl                               @ a vector: handler address | 1 (Thumb)
//     .word \lbl - vectors + 0x00100001
//     .endm
//
// and checked to need no relocation (everything is PC-relative or absolute). The address of
// each line is shown; labels marked "@ export" are also given as constants. Interrupts pended
// by a store to the NVIC are followed by `isb`, after which the architecture guarantees the
// interrupt has been taken (the emulator takes it at the end of the translated block, which
// `isb` ends), so the stacked return address is the instruction after the `isb`.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "M4TestRig.h"

namespace mt3620 {
namespace {

using test::kResults;
using test::M4TestRig;

constexpr std::uint32_t kStackTop = 0x0013'0000;
constexpr std::uint32_t kXpsrT = 1u << 24;
constexpr std::uint32_t kXpsrAlignPad = 1u << 9;
// CFSR / HFSR bits (ARMv7-M B3.2.15, B3.2.16)
constexpr std::uint32_t kPreciseErr = 1u << 9, kBfarValid = 1u << 15, kUndefInstr = 1u << 16;
constexpr std::uint32_t kHfsrForced = 1u << 30, kHfsrDebugEvt = 1u << 31;
// SHCSR enables
constexpr std::uint32_t kBusFaultEna = 1u << 17, kUsgFaultEna = 1u << 18;

constexpr Picos us(std::uint64_t n) { return n * kPicosPerMicro; }
constexpr Picos ms(std::uint64_t n) { return n * kPicosPerMilli; }

// ---- program `irq_frame` (200 bytes at 0x00100000) ----
namespace irq_frame {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP (top of TCM)
    0x45, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x95, 0x00, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100044  ldr r7, =0x00120000         @ r7 = results area R
    0x1c, 0x48,                                      // 00100048  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x01, 0x21,                                      // 0010004a  movs r1, #1
    0x01, 0x60,                                      // 0010004c  str r1, [r0]                @ enable IRQ0
    0x1c, 0x4c,                                      // 0010004e  ldr r4, =0xE000E200         @ NVIC_ISPR0
    0x01, 0x25,                                      // 00100050  movs r5, #1
    0x4f, 0xf0, 0xa0, 0x30,                          // 00100052  ldr r0, =0xA0A0A0A0         @ recognisable r0-r3, r12, lr
    0x4f, 0xf0, 0xa1, 0x31,                          // 00100056  ldr r1, =0xA1A1A1A1
    0x4f, 0xf0, 0xa2, 0x32,                          // 0010005a  ldr r2, =0xA2A2A2A2
    0x4f, 0xf0, 0xa3, 0x33,                          // 0010005e  ldr r3, =0xA3A3A3A3
    0x4f, 0xf0, 0xac, 0x3c,                          // 00100062  ldr r12, =0xACACACAC
    0xdf, 0xf8, 0x5c, 0xe0,                          // 00100066  ldr lr, =0xAEAEAEAF
    0x4f, 0xf0, 0x10, 0x46,                          // 0010006a  ldr r6, =0x90000000
    0x86, 0xf3, 0x00, 0x88,                          // 0010006e  msr apsr_nzcvq, r6          @ N and V set
    0x25, 0x60,                                      // 00100072  str r5, [r4]                @ pend IRQ0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100074  isb
                                                     // after_pend:                     @ export
    0xef, 0xf3, 0x00, 0x86,                          // 00100078  mrs r6, apsr
    0xbe, 0x63,                                      // 0010007c  str r6, [r7, #0x38]         @ R[14] = APSR after return
    0x38, 0x62,                                      // 0010007e  str r0, [r7, #0x20]         @ R[8..13] = r0-r3, r12, lr after return
    0x79, 0x62,                                      // 00100080  str r1, [r7, #0x24]
    0xba, 0x62,                                      // 00100082  str r2, [r7, #0x28]
    0xfb, 0x62,                                      // 00100084  str r3, [r7, #0x2c]
    0xc7, 0xf8, 0x30, 0xc0,                          // 00100086  str r12, [r7, #0x30]
    0xc7, 0xf8, 0x34, 0xe0,                          // 0010008a  str lr, [r7, #0x34]
    0x6e, 0x46,                                      // 0010008e  mov r6, sp
    0xfe, 0x63,                                      // 00100090  str r6, [r7, #0x3c]         @ R[15] = SP after return
                                                     // spin:                           @ export
    0xfe, 0xe7,                                      // 00100092  b spin
                                                     // irq0:
    0xc7, 0xf8, 0x00, 0xe0,                          // 00100094  str lr, [r7, #0]            @ R[0] = LR (EXC_RETURN)
    0x68, 0x46,                                      // 00100098  mov r0, sp
    0x78, 0x60,                                      // 0010009a  str r0, [r7, #4]            @ R[1] = SP in the handler
    0xef, 0xf3, 0x05, 0x80,                          // 0010009c  mrs r0, ipsr
    0xb8, 0x60,                                      // 001000a0  str r0, [r7, #8]            @ R[2] = IPSR
    0xef, 0xf3, 0x14, 0x80,                          // 001000a2  mrs r0, control
    0xf8, 0x60,                                      // 001000a6  str r0, [r7, #12]           @ R[3] = CONTROL
    0x39, 0x69,                                      // 001000a8  ldr r1, [r7, #16]
    0x01, 0x31,                                      // 001000aa  adds r1, #1
    0x39, 0x61,                                      // 001000ac  str r1, [r7, #16]           @ R[4] = number of IRQ0 entries
    0x00, 0x20,                                      // 001000ae  movs r0, #0                 @ clobber the caller-saved registers and the flags
    0x00, 0x21,                                      // 001000b0  movs r1, #0
    0x00, 0x22,                                      // 001000b2  movs r2, #0
    0x00, 0x23,                                      // 001000b4  movs r3, #0
    0x84, 0x46,                                      // 001000b6  mov r12, r0
    0x01, 0x28,                                      // 001000b8  cmp r0, #1
    0x70, 0x47,                                      // 001000ba  bx lr
    0x00, 0xe1, 0x00, 0xe0, 0x00, 0xe2, 0x00, 0xe0,  // 001000bc  .ltorg
    0xaf, 0xae, 0xae, 0xae,
};
// clang-format on
constexpr std::uint32_t after_pend = 0x00100078;
constexpr std::uint32_t spin = 0x00100092;
}  // namespace irq_frame

// ---- program `nested` (188 bytes at 0x00100000) ----
namespace nested {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x49, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x69, 0x00, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0 (priority 0x40)
    0x87, 0x00, 0x10, 0x00,                          // 00100044  vec irq1                    @ 17: IRQ1 (priority 0x20)
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100048  ldr r7, =0x00120000         @ r7 = results area R
    0x16, 0x48,                                      // 0010004c  ldr r0, =0xE000E400         @ NVIC_IPR0
    0x40, 0x21,                                      // 0010004e  movs r1, #0x40
    0x01, 0x70,                                      // 00100050  strb r1, [r0, #0]           @ IRQ0 priority 0x40
    0x20, 0x21,                                      // 00100052  movs r1, #0x20
    0x41, 0x70,                                      // 00100054  strb r1, [r0, #1]           @ IRQ1 priority 0x20
    0x15, 0x48,                                      // 00100056  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x03, 0x21,                                      // 00100058  movs r1, #3
    0x01, 0x60,                                      // 0010005a  str r1, [r0]                @ enable IRQ0 and IRQ1
    0x14, 0x48,                                      // 0010005c  ldr r0, =0xE000EF00         @ STIR
    0x00, 0x21,                                      // 0010005e  movs r1, #0
    0x01, 0x60,                                      // 00100060  str r1, [r0]                @ pend IRQ0 through STIR
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100062  isb
                                                     // spin:
    0xfe, 0xe7,                                      // 00100066  b spin
                                                     // irq0:
    0x68, 0x46,                                      // 00100068  mov r0, sp
    0x38, 0x60,                                      // 0010006a  str r0, [r7, #0]            @ R[0] = SP in IRQ0
    0xc7, 0xf8, 0x04, 0xe0,                          // 0010006c  str lr, [r7, #4]            @ R[1] = LR in IRQ0
    0x0f, 0x48,                                      // 00100070  ldr r0, =0xE000EF00         @ STIR
    0x01, 0x21,                                      // 00100072  movs r1, #1
    0x01, 0x60,                                      // 00100074  str r1, [r0]                @ pend IRQ1 (higher priority): preempts IRQ0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100076  isb
                                                     // irq0_resume:                    @ export
    0x38, 0x69,                                      // 0010007a  ldr r0, [r7, #16]
    0x78, 0x61,                                      // 0010007c  str r0, [r7, #20]           @ R[5] = IRQ1 entries seen by IRQ0 after the isb
    0x0d, 0x48,                                      // 0010007e  ldr r0, =0xE000E300         @ NVIC_IABR0
    0x00, 0x68,                                      // 00100080  ldr r0, [r0]
    0x78, 0x62,                                      // 00100082  str r0, [r7, #36]           @ R[9] = active bits back in IRQ0
    0x70, 0x47,                                      // 00100084  bx lr
                                                     // irq1:
    0x68, 0x46,                                      // 00100086  mov r0, sp
    0xb8, 0x60,                                      // 00100088  str r0, [r7, #8]            @ R[2] = SP in IRQ1
    0xc7, 0xf8, 0x0c, 0xe0,                          // 0010008a  str lr, [r7, #12]           @ R[3] = LR in IRQ1
    0x38, 0x69,                                      // 0010008e  ldr r0, [r7, #16]
    0x01, 0x30,                                      // 00100090  adds r0, #1
    0x38, 0x61,                                      // 00100092  str r0, [r7, #16]           @ R[4] = IRQ1 entries
    0xef, 0xf3, 0x05, 0x80,                          // 00100094  mrs r0, ipsr
    0xb8, 0x61,                                      // 00100098  str r0, [r7, #24]           @ R[6] = IPSR in IRQ1
    0x06, 0x48,                                      // 0010009a  ldr r0, =0xE000E300         @ NVIC_IABR0
    0x00, 0x68,                                      // 0010009c  ldr r0, [r0]
    0xf8, 0x61,                                      // 0010009e  str r0, [r7, #28]           @ R[7] = active bits in IRQ1
    0x05, 0x48,                                      // 001000a0  ldr r0, =0xE000ED04         @ ICSR
    0x00, 0x68,                                      // 001000a2  ldr r0, [r0]
    0x38, 0x62,                                      // 001000a4  str r0, [r7, #32]           @ R[8] = ICSR in IRQ1
    0x70, 0x47,                                      // 001000a6  bx lr
    0x00, 0xe4, 0x00, 0xe0, 0x00, 0xe1, 0x00, 0xe0,  // 001000a8  .ltorg
    0x00, 0xef, 0x00, 0xe0, 0x00, 0xe3, 0x00, 0xe0,
    0x04, 0xed, 0x00, 0xe0,
};
// clang-format on
constexpr std::uint32_t irq0_resume = 0x0010007a;
}  // namespace nested

// ---- program `tailchain` (168 bytes at 0x00100000) ----
namespace tailchain {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x55, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100040  .word 0, 0                  @ 16, 17: IRQ0, IRQ1 unused
    0x7d, 0x00, 0x10, 0x00,                          // 00100048  vec logger                  @ 18: IRQ2 (priority 0x40)
    0x7d, 0x00, 0x10, 0x00,                          // 0010004c  vec logger                  @ 19: IRQ3 (priority 0x20)
    0x7d, 0x00, 0x10, 0x00,                          // 00100050  vec logger                  @ 20: IRQ4 (priority 0x40)
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100054  ldr r7, =0x00120000         @ r7 = results area R
    0x10, 0x48,                                      // 00100058  ldr r0, =0xE000E400         @ NVIC_IPR0: byte per IRQ
    0x4f, 0xf4, 0x01, 0x11,                          // 0010005a  ldr r1, =0x00204000         @ IRQ2 0x40, IRQ3 0x20
    0x01, 0x60,                                      // 0010005e  str r1, [r0]
    0x40, 0x21,                                      // 00100060  movs r1, #0x40
    0x01, 0x71,                                      // 00100062  strb r1, [r0, #4]           @ IRQ4 0x40
    0x0e, 0x48,                                      // 00100064  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x1c, 0x21,                                      // 00100066  movs r1, #0x1C
    0x01, 0x60,                                      // 00100068  str r1, [r0]                @ enable IRQ2-4
    0x0e, 0x48,                                      // 0010006a  ldr r0, =0xE000E200         @ NVIC_ISPR0
    0x01, 0x60,                                      // 0010006c  str r1, [r0]                @ pend IRQ2, IRQ3 and IRQ4 in one write
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010006e  isb
    0x38, 0x68,                                      // 00100072  ldr r0, [r7, #0]
    0x78, 0x60,                                      // 00100074  str r0, [r7, #4]            @ R[1] = handler entries when Thread mode resumed
    0x68, 0x46,                                      // 00100076  mov r0, sp
    0xb8, 0x60,                                      // 00100078  str r0, [r7, #8]            @ R[2] = SP in Thread mode afterwards
                                                     // spin:
    0xfe, 0xe7,                                      // 0010007a  b spin
                                                     // logger:                         @ appends (IPSR, LR, SP) to the log at R + 16 + 16 n
    0x4f, 0xf4, 0x90, 0x13,                          // 0010007c  ldr r3, =0x00120000
    0x18, 0x68,                                      // 00100080  ldr r0, [r3, #0]            @ n = R[0]
    0x41, 0x1c,                                      // 00100082  adds r1, r0, #1
    0x19, 0x60,                                      // 00100084  str r1, [r3, #0]            @ R[0] = n + 1
    0x03, 0xeb, 0x00, 0x13,                          // 00100086  add.w r3, r3, r0, lsl #4
    0xef, 0xf3, 0x05, 0x80,                          // 0010008a  mrs r0, ipsr
    0x18, 0x61,                                      // 0010008e  str r0, [r3, #16]
    0xc3, 0xf8, 0x14, 0xe0,                          // 00100090  str lr, [r3, #20]
    0x68, 0x46,                                      // 00100094  mov r0, sp
    0x98, 0x61,                                      // 00100096  str r0, [r3, #24]
    0x70, 0x47,                                      // 00100098  bx lr
    0x00, 0x00, 0x00, 0xe4, 0x00, 0xe0, 0x00, 0xe1,  // 0010009a  .ltorg
    0x00, 0xe0, 0x00, 0xe2, 0x00, 0xe0,
};
// clang-format on
}  // namespace tailchain

// ---- program `psp` (176 bytes at 0x00100000) ----
namespace psp {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x45, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x83, 0x00, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100044  ldr r7, =0x00120000         @ r7 = results area R
    0x16, 0x48,                                      // 00100048  ldr r0, =0x0012F000
    0x80, 0xf3, 0x09, 0x88,                          // 0010004a  msr psp, r0                 @ PSP = 0x0012F000
    0x02, 0x20,                                      // 0010004e  movs r0, #2
    0x80, 0xf3, 0x14, 0x88,                          // 00100050  msr control, r0             @ CONTROL.SPSEL = 1: Thread mode on PSP
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100054  isb
    0x68, 0x46,                                      // 00100058  mov r0, sp
    0x38, 0x60,                                      // 0010005a  str r0, [r7, #0]            @ R[0] = SP in Thread mode (PSP)
    0x12, 0x48,                                      // 0010005c  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x01, 0x21,                                      // 0010005e  movs r1, #1
    0x01, 0x60,                                      // 00100060  str r1, [r0]                @ enable IRQ0
    0x12, 0x48,                                      // 00100062  ldr r0, =0xE000E200         @ NVIC_ISPR0
    0x01, 0x60,                                      // 00100064  str r1, [r0]                @ pend IRQ0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100066  isb
    0x68, 0x46,                                      // 0010006a  mov r0, sp
    0x78, 0x60,                                      // 0010006c  str r0, [r7, #4]            @ R[1] = SP after return
    0xef, 0xf3, 0x14, 0x80,                          // 0010006e  mrs r0, control
    0xb8, 0x60,                                      // 00100072  str r0, [r7, #8]            @ R[2] = CONTROL after return
    0xef, 0xf3, 0x08, 0x80,                          // 00100074  mrs r0, msp
    0xf8, 0x60,                                      // 00100078  str r0, [r7, #12]           @ R[3] = MSP after return
    0xef, 0xf3, 0x09, 0x80,                          // 0010007a  mrs r0, psp
    0x38, 0x62,                                      // 0010007e  str r0, [r7, #32]           @ R[8] = PSP after return
                                                     // spin:
    0xfe, 0xe7,                                      // 00100080  b spin
                                                     // irq0:
    0xc7, 0xf8, 0x10, 0xe0,                          // 00100082  str lr, [r7, #16]           @ R[4] = LR (EXC_RETURN)
    0x68, 0x46,                                      // 00100086  mov r0, sp
    0x78, 0x61,                                      // 00100088  str r0, [r7, #20]           @ R[5] = SP in the handler
    0xef, 0xf3, 0x09, 0x80,                          // 0010008a  mrs r0, psp
    0xb8, 0x61,                                      // 0010008e  str r0, [r7, #24]           @ R[6] = PSP in the handler (the frame)
    0xef, 0xf3, 0x14, 0x80,                          // 00100090  mrs r0, control
    0xf8, 0x61,                                      // 00100094  str r0, [r7, #28]           @ R[7] = CONTROL in the handler
    0x10, 0xb5,                                      // 00100096  push {r4, lr}               @ the handler's own stack use goes to MSP
    0xef, 0xf3, 0x08, 0x80,                          // 00100098  mrs r0, msp
    0x78, 0x62,                                      // 0010009c  str r0, [r7, #36]           @ R[9] = MSP after a push in the handler
    0xbd, 0xe8, 0x10, 0x40,                          // 0010009e  pop {r4, lr}
    0x70, 0x47,                                      // 001000a2  bx lr
    0x00, 0xf0, 0x12, 0x00, 0x00, 0xe1, 0x00, 0xe0,  // 001000a4  .ltorg
    0x00, 0xe2, 0x00, 0xe0,
};
// clang-format on
}  // namespace psp

// ---- program `fp_frame` (324 bytes at 0x00100000) ----
namespace fp_frame {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x45, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x09, 0x01, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100044  ldr r7, =0x00120000         @ r7 = results area R
    0x3a, 0x48,                                      // 00100048  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x01, 0x21,                                      // 0010004a  movs r1, #1
    0x01, 0x60,                                      // 0010004c  str r1, [r0]                @ enable IRQ0
    0xef, 0xf3, 0x14, 0x80,                          // 0010004e  mrs r0, control
    0x38, 0x60,                                      // 00100052  str r0, [r7, #0]            @ R[0] = CONTROL before any FP instruction
    0x0c, 0xa0,                                      // 00100054  adr r0, fvals
    0x90, 0xec, 0x10, 0x0a,                          // 00100056  vldmia r0, {s0-s15}         @ s0-s15 = fvals (an FP instruction: sets CONTROL.FPCA)
    0x37, 0x48,                                      // 0010005a  ldr r0, =0xA0C00000         @ N, C, RMode = round towards zero
    0xe1, 0xee, 0x10, 0x0a,                          // 0010005c  vmsr fpscr, r0
    0xef, 0xf3, 0x14, 0x80,                          // 00100060  mrs r0, control
    0x78, 0x60,                                      // 00100064  str r0, [r7, #4]            @ R[1] = CONTROL after the FP instructions
    0x35, 0x48,                                      // 00100066  ldr r0, =0xE000E200         @ NVIC_ISPR0
    0x01, 0x60,                                      // 00100068  str r1, [r0]                @ pend IRQ0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010006a  isb
    0xef, 0xf3, 0x14, 0x80,                          // 0010006e  mrs r0, control
    0xb8, 0x60,                                      // 00100072  str r0, [r7, #8]            @ R[2] = CONTROL after return
    0xf1, 0xee, 0x10, 0x0a,                          // 00100074  vmrs r0, fpscr
    0xf8, 0x60,                                      // 00100078  str r0, [r7, #12]           @ R[3] = FPSCR after return
    0x68, 0x46,                                      // 0010007a  mov r0, sp
    0x38, 0x61,                                      // 0010007c  str r0, [r7, #16]           @ R[4] = SP after return
    0x07, 0xf1, 0x40, 0x00,                          // 0010007e  add.w r0, r7, #0x40
    0x80, 0xec, 0x10, 0x0a,                          // 00100082  vstmia r0, {s0-s15}         @ R[16..31] = s0-s15 after return
                                                     // spin:
    0xfe, 0xe7,                                      // 00100086  b spin
                                                     //           .align 2
                                                     // fvals:
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40,  // 00100088  .word 0x3f800000, 0x40000000, 0x40400000, 0x40800000
    0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x40,
    0x00, 0x00, 0xa0, 0xc0, 0x78, 0x56, 0x34, 0x12,  // 00100098  .word 0xc0a00000, 0x12345678, 0x7f7fffff, 0x00000001
    0xff, 0xff, 0x7f, 0x7f, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x80, 0xab, 0xaa, 0xaa, 0x3e,  // 001000a8  .word 0x80000000, 0x3eaaaaab, 0x447a0000, 0xbf800000
    0x00, 0x00, 0x7a, 0x44, 0x00, 0x00, 0x80, 0xbf,
    0x00, 0x00, 0xc8, 0x42, 0xdb, 0x0f, 0x49, 0x40,  // 001000b8  .word 0x42c80000, 0x40490fdb, 0x3dcccccd, 0x4b189680
    0xcd, 0xcc, 0xcc, 0x3d, 0x80, 0x96, 0x18, 0x4b,
                                                     // junk:
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,  // 001000c8  .fill 16, 4, 0x5a5a5a5a
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
                                                     // irq0:
    0xc7, 0xf8, 0x14, 0xe0,                          // 00100108  str lr, [r7, #20]           @ R[5] = LR (EXC_RETURN)
    0x68, 0x46,                                      // 0010010c  mov r0, sp
    0xb8, 0x61,                                      // 0010010e  str r0, [r7, #24]           @ R[6] = SP in the handler (the frame)
    0xef, 0xf3, 0x14, 0x80,                          // 00100110  mrs r0, control
    0xf8, 0x61,                                      // 00100114  str r0, [r7, #28]           @ R[7] = CONTROL in the handler
    0xaf, 0xf2, 0x50, 0x00,                          // 00100116  adr r0, junk
    0x90, 0xec, 0x10, 0x0a,                          // 0010011a  vldmia r0, {s0-s15}         @ clobber s0-s15
    0x00, 0x20,                                      // 0010011e  movs r0, #0
    0xe1, 0xee, 0x10, 0x0a,                          // 00100120  vmsr fpscr, r0              @ clobber FPSCR
    0xef, 0xf3, 0x14, 0x80,                          // 00100124  mrs r0, control
    0x38, 0x62,                                      // 00100128  str r0, [r7, #32]           @ R[8] = CONTROL after the handler used the FPU
    0x05, 0x48,                                      // 0010012a  ldr r0, =0xE000EF38         @ FPCAR
    0x00, 0x68,                                      // 0010012c  ldr r0, [r0]
    0x78, 0x62,                                      // 0010012e  str r0, [r7, #36]           @ R[9] = FPCAR
    0x70, 0x47,                                      // 00100130  bx lr
    0x00, 0x00, 0x00, 0xe1, 0x00, 0xe0, 0x00, 0x00,  // 00100132  .ltorg
    0xc0, 0xa0, 0x00, 0xe2, 0x00, 0xe0, 0x38, 0xef,
    0x00, 0xe0,
};
// clang-format on
}  // namespace fp_frame

// ---- program `stack_align` (120 bytes at 0x00100000) ----
namespace stack_align {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x45, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x63, 0x00, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100044  ldr r7, =0x00120000         @ r7 = results area R
    0x81, 0xb0,                                      // 00100048  sub sp, #4                  @ SP = 0x0012FFFC: 4 mod 8
    0x08, 0x48,                                      // 0010004a  ldr r0, =0xCAFEF00D
    0x00, 0x90,                                      // 0010004c  str r0, [sp]                @ a word of our own at the top of the stack
    0x08, 0x48,                                      // 0010004e  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x01, 0x21,                                      // 00100050  movs r1, #1
    0x01, 0x60,                                      // 00100052  str r1, [r0]                @ enable IRQ0
    0x07, 0x48,                                      // 00100054  ldr r0, =0xE000E200         @ NVIC_ISPR0
    0x01, 0x60,                                      // 00100056  str r1, [r0]                @ pend IRQ0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100058  isb
    0x68, 0x46,                                      // 0010005c  mov r0, sp
    0x38, 0x60,                                      // 0010005e  str r0, [r7, #0]            @ R[0] = SP after return
                                                     // spin:
    0xfe, 0xe7,                                      // 00100060  b spin
                                                     // irq0:
    0x68, 0x46,                                      // 00100062  mov r0, sp
    0x78, 0x60,                                      // 00100064  str r0, [r7, #4]            @ R[1] = SP in the handler (the frame)
    0x07, 0x98,                                      // 00100066  ldr r0, [sp, #28]
    0xb8, 0x60,                                      // 00100068  str r0, [r7, #8]            @ R[2] = stacked xPSR
    0x70, 0x47,                                      // 0010006a  bx lr
    0x0d, 0xf0, 0xfe, 0xca, 0x00, 0xe1, 0x00, 0xe0,  // 0010006c  .ltorg
    0x00, 0xe2, 0x00, 0xe0,
};
// clang-format on
}  // namespace stack_align

// ---- program `masking` (232 bytes at 0x00100000) ----
namespace masking {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x49, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xc7, 0x00, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0 (priority 0x40)
    0xd1, 0x00, 0x10, 0x00,                          // 00100044  vec irq1                    @ 17: IRQ1 (priority 0x20)
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100048  ldr r7, =0x00120000         @ r7 = results area R
    0x22, 0x48,                                      // 0010004c  ldr r0, =0xE000E400         @ NVIC_IPR0
    0x4f, 0xf4, 0x01, 0x51,                          // 0010004e  ldr r1, =0x00002040         @ IRQ0 0x40, IRQ1 0x20
    0x01, 0x60,                                      // 00100052  str r1, [r0]
    0x21, 0x48,                                      // 00100054  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x03, 0x21,                                      // 00100056  movs r1, #3
    0x01, 0x60,                                      // 00100058  str r1, [r0]                @ enable IRQ0 and IRQ1
    0x21, 0x4c,                                      // 0010005a  ldr r4, =0xE000E200         @ r4 = NVIC_ISPR0
    0x01, 0x25,                                      // 0010005c  movs r5, #1                 @ r5 = IRQ0 bit
    0x02, 0x26,                                      // 0010005e  movs r6, #2                 @ r6 = IRQ1 bit
    0x72, 0xb6,                                      // 00100060  cpsid i                     @ PRIMASK = 1
    0x25, 0x60,                                      // 00100062  str r5, [r4]                @ pend IRQ0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100064  isb
    0x38, 0x68,                                      // 00100068  ldr r0, [r7, #0]
    0x38, 0x61,                                      // 0010006a  str r0, [r7, #16]           @ R[4] = IRQ0 entries under PRIMASK
    0x1d, 0x48,                                      // 0010006c  ldr r0, =0xE000ED04         @ ICSR
    0x00, 0x68,                                      // 0010006e  ldr r0, [r0]
    0x78, 0x61,                                      // 00100070  str r0, [r7, #20]           @ R[5] = ICSR while IRQ0 waits
    0x62, 0xb6,                                      // 00100072  cpsie i                     @ PRIMASK = 0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100074  isb
    0x38, 0x68,                                      // 00100078  ldr r0, [r7, #0]
    0xb8, 0x61,                                      // 0010007a  str r0, [r7, #24]           @ R[6] = IRQ0 entries after cpsie
    0x40, 0x20,                                      // 0010007c  movs r0, #0x40
    0x80, 0xf3, 0x11, 0x88,                          // 0010007e  msr basepri, r0             @ BASEPRI = 0x40
    0x25, 0x60,                                      // 00100082  str r5, [r4]                @ pend IRQ0 (priority 0x40: masked)
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100084  isb
    0x38, 0x68,                                      // 00100088  ldr r0, [r7, #0]
    0xf8, 0x61,                                      // 0010008a  str r0, [r7, #28]           @ R[7] = IRQ0 entries
    0x26, 0x60,                                      // 0010008c  str r6, [r4]                @ pend IRQ1 (priority 0x20: not masked)
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010008e  isb
    0x78, 0x68,                                      // 00100092  ldr r0, [r7, #4]
    0x38, 0x62,                                      // 00100094  str r0, [r7, #32]           @ R[8] = IRQ1 entries
    0x38, 0x68,                                      // 00100096  ldr r0, [r7, #0]
    0x78, 0x62,                                      // 00100098  str r0, [r7, #36]           @ R[9] = IRQ0 entries
    0x00, 0x20,                                      // 0010009a  movs r0, #0
    0x80, 0xf3, 0x11, 0x88,                          // 0010009c  msr basepri, r0             @ BASEPRI = 0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 001000a0  isb
    0x38, 0x68,                                      // 001000a4  ldr r0, [r7, #0]
    0xb8, 0x62,                                      // 001000a6  str r0, [r7, #40]           @ R[10] = IRQ0 entries after BASEPRI cleared
    0x71, 0xb6,                                      // 001000a8  cpsid f                     @ FAULTMASK = 1
    0x26, 0x60,                                      // 001000aa  str r6, [r4]                @ pend IRQ1
    0xbf, 0xf3, 0x6f, 0x8f,                          // 001000ac  isb
    0x78, 0x68,                                      // 001000b0  ldr r0, [r7, #4]
    0xf8, 0x62,                                      // 001000b2  str r0, [r7, #44]           @ R[11] = IRQ1 entries under FAULTMASK
    0x61, 0xb6,                                      // 001000b4  cpsie f
    0xbf, 0xf3, 0x6f, 0x8f,                          // 001000b6  isb
    0x78, 0x68,                                      // 001000ba  ldr r0, [r7, #4]
    0x38, 0x63,                                      // 001000bc  str r0, [r7, #48]           @ R[12] = IRQ1 entries after cpsie f
    0xef, 0xf3, 0x13, 0x80,                          // 001000be  mrs r0, faultmask
    0x78, 0x63,                                      // 001000c2  str r0, [r7, #52]           @ R[13] = FAULTMASK after IRQ0 returned with it set
                                                     // spin:
    0xfe, 0xe7,                                      // 001000c4  b spin
                                                     // irq0:
    0x38, 0x68,                                      // 001000c6  ldr r0, [r7, #0]
    0x01, 0x30,                                      // 001000c8  adds r0, #1
    0x38, 0x60,                                      // 001000ca  str r0, [r7, #0]            @ R[0] = IRQ0 entries
    0x71, 0xb6,                                      // 001000cc  cpsid f                     @ FAULTMASK = 1: cleared by the exception return
    0x70, 0x47,                                      // 001000ce  bx lr
                                                     // irq1:
    0x78, 0x68,                                      // 001000d0  ldr r0, [r7, #4]
    0x01, 0x30,                                      // 001000d2  adds r0, #1
    0x78, 0x60,                                      // 001000d4  str r0, [r7, #4]            @ R[1] = IRQ1 entries
    0x70, 0x47,                                      // 001000d6  bx lr
    0x00, 0xe4, 0x00, 0xe0, 0x00, 0xe1, 0x00, 0xe0,  // 001000d8  .ltorg
    0x00, 0xe2, 0x00, 0xe0, 0x04, 0xed, 0x00, 0xe0,
};
// clang-format on
}  // namespace masking

// ---- program `svc` (148 bytes at 0x00100000) ----
namespace svc {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x31, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 9, 4, 0               @ 2-10: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
    0x5d, 0x00, 0x10, 0x00,                          // 0010002c  vec svc_handler             @ 11: SVCall
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100030  ldr r7, =0x00120000         @ r7 = results area R
    0x11, 0x20,                                      // 00100034  movs r0, #0x11              @ an argument in r0
    0x00, 0xdf,                                      // 00100036  svc #0
                                                     // after_svc0:                     @ export
    0x38, 0x60,                                      // 00100038  str r0, [r7, #0]            @ R[0] = r0 after the SVC (the handler's result)
    0x15, 0x48,                                      // 0010003a  ldr r0, =0x0012F000
    0x80, 0xf3, 0x09, 0x88,                          // 0010003c  msr psp, r0
    0x03, 0x20,                                      // 00100040  movs r0, #3
    0x80, 0xf3, 0x14, 0x88,                          // 00100042  msr control, r0             @ unprivileged Thread mode on PSP
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100046  isb
    0x22, 0x20,                                      // 0010004a  movs r0, #0x22
    0x42, 0xdf,                                      // 0010004c  svc #0x42
                                                     // after_svc42:                    @ export
    0x78, 0x60,                                      // 0010004e  str r0, [r7, #4]            @ R[1] = r0 after the second SVC
    0xef, 0xf3, 0x14, 0x80,                          // 00100050  mrs r0, control
    0xb8, 0x60,                                      // 00100054  str r0, [r7, #8]            @ R[2] = CONTROL after return
    0x68, 0x46,                                      // 00100056  mov r0, sp
    0xf8, 0x60,                                      // 00100058  str r0, [r7, #12]           @ R[3] = SP after return
                                                     // spin:
    0xfe, 0xe7,                                      // 0010005a  b spin
                                                     // svc_handler:                    @ logs (LR, frame, stacked PC, SVC number) at R + 16 + 16 n
    0x4f, 0xf4, 0x90, 0x13,                          // 0010005c  ldr r3, =0x00120000
    0x1e, 0xf0, 0x04, 0x0f,                          // 00100060  tst lr, #4                  @ which stack holds the frame
    0x0c, 0xbf,                                      // 00100064  ite eq
    0xef, 0xf3, 0x08, 0x81,                          // 00100066  mrseq r1, msp
    0xef, 0xf3, 0x09, 0x81,                          // 0010006a  mrsne r1, psp
    0xd8, 0x6b,                                      // 0010006e  ldr r0, [r3, #0x3c]
    0x42, 0x1c,                                      // 00100070  adds r2, r0, #1
    0xda, 0x63,                                      // 00100072  str r2, [r3, #0x3c]         @ R[15] = SVC count
    0x03, 0xeb, 0x00, 0x13,                          // 00100074  add.w r3, r3, r0, lsl #4
    0xc3, 0xf8, 0x10, 0xe0,                          // 00100078  str lr, [r3, #16]
    0x59, 0x61,                                      // 0010007c  str r1, [r3, #20]
    0x8a, 0x69,                                      // 0010007e  ldr r2, [r1, #24]           @ stacked PC
    0x9a, 0x61,                                      // 00100080  str r2, [r3, #24]
    0x12, 0xf8, 0x02, 0x2c,                          // 00100082  ldrb r2, [r2, #-2]          @ the SVC instruction's immediate
    0xda, 0x61,                                      // 00100086  str r2, [r3, #28]
    0x0a, 0x68,                                      // 00100088  ldr r2, [r1, #0]            @ stacked r0 (the argument)
    0x40, 0x32,                                      // 0010008a  adds r2, #0x40
    0x0a, 0x60,                                      // 0010008c  str r2, [r1, #0]            @ result = argument + 0x40, returned in r0
    0x70, 0x47,                                      // 0010008e  bx lr
    0x00, 0xf0, 0x12, 0x00,                          // 00100090  .ltorg
};
// clang-format on
constexpr std::uint32_t after_svc0 = 0x00100038;
constexpr std::uint32_t after_svc42 = 0x0010004e;
}  // namespace svc

// ---- program `pendsv` (204 bytes at 0x00100000) ----
namespace pendsv {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x45, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 12, 4, 0              @ 2-13: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x79, 0x00, 0x10, 0x00,                          // 00100038  vec pendsv                  @ 14: PendSV (priority 0xE0)
    0x00, 0x00, 0x00, 0x00,                          // 0010003c  .word 0                     @ 15: unused
    0xa5, 0x00, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0 (priority 0x00)
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100044  ldr r7, =0x00120000         @ r7 = results area R
    0x1c, 0x48,                                      // 00100048  ldr r0, =0xE000ED20         @ SHPR3
    0x4f, 0xf4, 0x60, 0x01,                          // 0010004a  ldr r1, =0x00E00000         @ PendSV priority 0xE0 (lowest)
    0x01, 0x60,                                      // 0010004e  str r1, [r0]
    0x00, 0x68,                                      // 00100050  ldr r0, [r0]
    0x78, 0x60,                                      // 00100052  str r0, [r7, #4]            @ R[1] = SHPR3 read back
    0x1a, 0x48,                                      // 00100054  ldr r0, =0xE000ED04         @ ICSR
    0x4f, 0xf0, 0x80, 0x51,                          // 00100056  mov.w r1, #0x10000000       @ PENDSVSET
    0x01, 0x60,                                      // 0010005a  str r1, [r0]
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010005c  isb
                                                     // after_pendsv:                   @ export
    0x38, 0x68,                                      // 00100060  ldr r0, [r7, #0]
    0xb8, 0x60,                                      // 00100062  str r0, [r7, #8]            @ R[2] = PendSV entries right after the isb
    0x17, 0x48,                                      // 00100064  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x01, 0x21,                                      // 00100066  movs r1, #1
    0x01, 0x60,                                      // 00100068  str r1, [r0]                @ enable IRQ0
    0x17, 0x48,                                      // 0010006a  ldr r0, =0xE000E200         @ NVIC_ISPR0
    0x01, 0x60,                                      // 0010006c  str r1, [r0]                @ pend IRQ0, which pends PendSV again
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010006e  isb
    0x38, 0x68,                                      // 00100072  ldr r0, [r7, #0]
    0xf8, 0x60,                                      // 00100074  str r0, [r7, #12]           @ R[3] = PendSV entries after IRQ0
                                                     // spin:
    0xfe, 0xe7,                                      // 00100076  b spin
                                                     // pendsv:                         @ logs (IPSR, LR, SP, stacked PC, ICSR, SHCSR) at R + 0x40 + 32 n
    0x4f, 0xf4, 0x90, 0x13,                          // 00100078  ldr r3, =0x00120000
    0x18, 0x68,                                      // 0010007c  ldr r0, [r3, #0]
    0x41, 0x1c,                                      // 0010007e  adds r1, r0, #1
    0x19, 0x60,                                      // 00100080  str r1, [r3, #0]            @ R[0] = PendSV entries
    0x03, 0xeb, 0x40, 0x13,                          // 00100082  add.w r3, r3, r0, lsl #5
    0xef, 0xf3, 0x05, 0x80,                          // 00100086  mrs r0, ipsr
    0x18, 0x64,                                      // 0010008a  str r0, [r3, #0x40]
    0xc3, 0xf8, 0x44, 0xe0,                          // 0010008c  str lr, [r3, #0x44]
    0x68, 0x46,                                      // 00100090  mov r0, sp
    0x98, 0x64,                                      // 00100092  str r0, [r3, #0x48]
    0x06, 0x98,                                      // 00100094  ldr r0, [sp, #24]
    0xd8, 0x64,                                      // 00100096  str r0, [r3, #0x4c]         @ stacked PC
    0x09, 0x49,                                      // 00100098  ldr r1, =0xE000ED04
    0x08, 0x68,                                      // 0010009a  ldr r0, [r1]
    0x18, 0x65,                                      // 0010009c  str r0, [r3, #0x50]         @ ICSR
    0x08, 0x6a,                                      // 0010009e  ldr r0, [r1, #0x20]
    0x58, 0x65,                                      // 001000a0  str r0, [r3, #0x54]         @ SHCSR (0xE000ED24)
    0x70, 0x47,                                      // 001000a2  bx lr
                                                     // irq0:
    0x06, 0x48,                                      // 001000a4  ldr r0, =0xE000ED04         @ ICSR
    0x4f, 0xf0, 0x80, 0x51,                          // 001000a6  mov.w r1, #0x10000000
    0x01, 0x60,                                      // 001000aa  str r1, [r0]                @ PENDSVSET from the IRQ handler
    0xbf, 0xf3, 0x6f, 0x8f,                          // 001000ac  isb
    0x38, 0x68,                                      // 001000b0  ldr r0, [r7, #0]
    0x38, 0x61,                                      // 001000b2  str r0, [r7, #16]           @ R[4] = PendSV entries while IRQ0 still runs
    0xc7, 0xf8, 0x14, 0xe0,                          // 001000b4  str lr, [r7, #20]           @ R[5] = IRQ0's LR
    0x70, 0x47,                                      // 001000b8  bx lr
    0x00, 0x00, 0x20, 0xed, 0x00, 0xe0, 0x04, 0xed,  // 001000ba  .ltorg
    0x00, 0xe0, 0x00, 0xe1, 0x00, 0xe0, 0x00, 0xe2,
    0x00, 0xe0,
};
// clang-format on
constexpr std::uint32_t after_pendsv = 0x00100060;
}  // namespace pendsv

// ---- program `systick` (112 bytes at 0x00100000) ----
namespace systick {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x41, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 13, 4, 0              @ 2-14: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
    0x65, 0x00, 0x10, 0x00,                          // 0010003c  vec systick                 @ 15: SysTick
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100040  ldr r7, =0x00120000         @ r7 = results area R
    0x09, 0x48,                                      // 00100044  ldr r0, =0xE000E010         @ SYST_CSR
    0x40, 0xf2, 0xe7, 0x31,                          // 00100046  ldr r1, =999
    0x41, 0x60,                                      // 0010004a  str r1, [r0, #4]            @ SYST_RVR = 999: a tick every 1000 cycles
    0x00, 0x21,                                      // 0010004c  movs r1, #0
    0x81, 0x60,                                      // 0010004e  str r1, [r0, #8]            @ SYST_CVR = 0
    0xf9, 0x6b,                                      // 00100050  ldr r1, [r7, #0x3c]         @ the test's choice of CSR value (7: ENABLE, TICKINT, CLKSOURCE)
    0x01, 0x60,                                      // 00100052  str r1, [r0]
    0xb9, 0x6b,                                      // 00100054  ldr r1, [r7, #0x38]         @ the test's choice of idle loop: 0 busy, 1 WFI
    0x01, 0xb9,                                      // 00100056  cbnz r1, sleep
                                                     // busy:
    0xfe, 0xe7,                                      // 00100058  b busy
                                                     // sleep:
    0x30, 0xbf,                                      // 0010005a  wfi
    0x79, 0x68,                                      // 0010005c  ldr r1, [r7, #4]
    0x01, 0x31,                                      // 0010005e  adds r1, #1
    0x79, 0x60,                                      // 00100060  str r1, [r7, #4]            @ R[1] = wake-ups
    0xfa, 0xe7,                                      // 00100062  b sleep
                                                     // systick:
    0x38, 0x68,                                      // 00100064  ldr r0, [r7, #0]
    0x01, 0x30,                                      // 00100066  adds r0, #1
    0x38, 0x60,                                      // 00100068  str r0, [r7, #0]            @ R[0] = SysTick entries
    0x70, 0x47,                                      // 0010006a  bx lr
    0x10, 0xe0, 0x00, 0xe0,                          // 0010006c  .ltorg
};
// clang-format on
}  // namespace systick

// ---- program `wfi_primask` (128 bytes at 0x00100000) ----
namespace wfi_primask {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x41, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 13, 4, 0              @ 2-14: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
    0x71, 0x00, 0x10, 0x00,                          // 0010003c  vec systick                 @ 15: SysTick
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100040  ldr r7, =0x00120000         @ r7 = results area R
    0x72, 0xb6,                                      // 00100044  cpsid i                     @ PRIMASK = 1
    0x0c, 0x4c,                                      // 00100046  ldr r4, =0xE000E010         @ SYST_CSR
    0x42, 0xf2, 0x0f, 0x71,                          // 00100048  ldr r1, =9999
    0x61, 0x60,                                      // 0010004c  str r1, [r4, #4]            @ SYST_RVR = 9999
    0x07, 0x21,                                      // 0010004e  movs r1, #7
    0x21, 0x60,                                      // 00100050  str r1, [r4]                @ SYST_CSR = ENABLE | TICKINT | CLKSOURCE
    0x30, 0xbf,                                      // 00100052  wfi                         @ wakes on the pending SysTick though PRIMASK masks it
    0x38, 0x68,                                      // 00100054  ldr r0, [r7, #0]
    0x78, 0x60,                                      // 00100056  str r0, [r7, #4]            @ R[1] = SysTick entries after waking (0)
    0x08, 0x48,                                      // 00100058  ldr r0, =0xE000ED04         @ ICSR
    0x00, 0x68,                                      // 0010005a  ldr r0, [r0]
    0xb8, 0x60,                                      // 0010005c  str r0, [r7, #8]            @ R[2] = ICSR after waking
    0x00, 0x21,                                      // 0010005e  movs r1, #0
    0x21, 0x60,                                      // 00100060  str r1, [r4]                @ SysTick off
    0x62, 0xb6,                                      // 00100062  cpsie i
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100064  isb
    0x38, 0x68,                                      // 00100068  ldr r0, [r7, #0]
    0xf8, 0x60,                                      // 0010006a  str r0, [r7, #12]           @ R[3] = SysTick entries after cpsie (1)
                                                     // idle:                           @ export
    0x30, 0xbf,                                      // 0010006c  wfi                         @ nothing enabled: sleeps for good
    0xfd, 0xe7,                                      // 0010006e  b idle
                                                     // systick:
    0x38, 0x68,                                      // 00100070  ldr r0, [r7, #0]
    0x01, 0x30,                                      // 00100072  adds r0, #1
    0x38, 0x60,                                      // 00100074  str r0, [r7, #0]            @ R[0] = SysTick entries
    0x70, 0x47,                                      // 00100076  bx lr
    0x10, 0xe0, 0x00, 0xe0, 0x04, 0xed, 0x00, 0xe0,  // 00100078  .ltorg
};
// clang-format on
constexpr std::uint32_t idle = 0x0010006c;
}  // namespace wfi_primask

// ---- program `faults` (156 bytes at 0x00100000) ----
namespace faults {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x1d, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00,                          // 00100008  .word 0                     @ 2: NMI
    0x5d, 0x00, 0x10, 0x00,                          // 0010000c  vec fault_handler           @ 3: HardFault
    0x00, 0x00, 0x00, 0x00,                          // 00100010  .word 0                     @ 4: MemManage
    0x5d, 0x00, 0x10, 0x00,                          // 00100014  vec fault_handler           @ 5: BusFault
    0x5d, 0x00, 0x10, 0x00,                          // 00100018  vec fault_handler           @ 6: UsageFault
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 0010001c  ldr r7, =0x00120000         @ r7 = results area R
    0x1c, 0x48,                                      // 00100020  ldr r0, =0xE000ED24         @ SHCSR
    0xf9, 0x6b,                                      // 00100022  ldr r1, [r7, #0x3c]         @ the test's SHCSR enable bits
    0x01, 0x60,                                      // 00100024  str r1, [r0]
    0xb8, 0x6b,                                      // 00100026  ldr r0, [r7, #0x38]         @ the test's choice of fault
    0x00, 0x22,                                      // 00100028  movs r2, #0
    0x4f, 0xf0, 0x80, 0x41,                          // 0010002a  ldr r1, =0x40000000         @ nothing is mapped there
    0x01, 0x28,                                      // 0010002e  cmp r0, #1
    0x06, 0xd0,                                      // 00100030  beq do_load
    0x02, 0x28,                                      // 00100032  cmp r0, #2
    0x08, 0xd0,                                      // 00100034  beq do_store
    0x03, 0x28,                                      // 00100036  cmp r0, #3
    0x09, 0xd0,                                      // 00100038  beq do_bkpt
                                                     // do_udf:
    0x05, 0x22,                                      // 0010003a  movs r2, #5
                                                     // udf_insn:                       @ export
    0x00, 0xde,                                      // 0010003c  udf #0
    0x09, 0xe0,                                      // 0010003e  b resumed
                                                     // do_load:
    0x06, 0x22,                                      // 00100040  movs r2, #6                 @ two instructions before the load in the same block
    0x01, 0x32,                                      // 00100042  adds r2, #1
                                                     // load_insn:                      @ export
    0x0b, 0x68,                                      // 00100044  ldr r3, [r1]
    0x05, 0xe0,                                      // 00100046  b resumed
                                                     // do_store:
    0x08, 0x22,                                      // 00100048  movs r2, #8
                                                     // store_insn:                     @ export
    0x4a, 0x60,                                      // 0010004a  str r2, [r1, #4]
    0x02, 0xe0,                                      // 0010004c  b resumed
                                                     // do_bkpt:
    0x09, 0x22,                                      // 0010004e  movs r2, #9
                                                     // bkpt_insn:                      @ export
    0x00, 0xbe,                                      // 00100050  bkpt #0
    0xff, 0xe7,                                      // 00100052  b resumed
                                                     // resumed:
    0x3a, 0x60,                                      // 00100054  str r2, [r7, #0]            @ R[0] = r2
    0x01, 0x20,                                      // 00100056  movs r0, #1
    0x78, 0x60,                                      // 00100058  str r0, [r7, #4]            @ R[1] = 1: Thread mode resumed
                                                     // spin:
    0xfe, 0xe7,                                      // 0010005a  b spin
                                                     // fault_handler:                  @ HardFault, BusFault and UsageFault
    0xef, 0xf3, 0x05, 0x80,                          // 0010005c  mrs r0, ipsr
    0xb8, 0x60,                                      // 00100060  str r0, [r7, #8]            @ R[2] = IPSR
    0xc7, 0xf8, 0x0c, 0xe0,                          // 00100062  str lr, [r7, #12]           @ R[3] = LR
    0x0c, 0x49,                                      // 00100066  ldr r1, =0xE000ED28         @ CFSR
    0x08, 0x68,                                      // 00100068  ldr r0, [r1]
    0x38, 0x61,                                      // 0010006a  str r0, [r7, #16]           @ R[4] = CFSR
    0x48, 0x68,                                      // 0010006c  ldr r0, [r1, #4]
    0x78, 0x61,                                      // 0010006e  str r0, [r7, #20]           @ R[5] = HFSR
    0x08, 0x69,                                      // 00100070  ldr r0, [r1, #16]
    0xb8, 0x61,                                      // 00100072  str r0, [r7, #24]           @ R[6] = BFAR
    0x06, 0x98,                                      // 00100074  ldr r0, [sp, #24]
    0xf8, 0x61,                                      // 00100076  str r0, [r7, #28]           @ R[7] = stacked PC
    0x02, 0x30,                                      // 00100078  adds r0, #2
    0x06, 0x90,                                      // 0010007a  str r0, [sp, #24]           @ return past the 16-bit faulting instruction
    0x08, 0x68,                                      // 0010007c  ldr r0, [r1]
    0x08, 0x60,                                      // 0010007e  str r0, [r1]                @ CFSR: write ones to clear
    0x48, 0x68,                                      // 00100080  ldr r0, [r1, #4]
    0x48, 0x60,                                      // 00100082  str r0, [r1, #4]            @ HFSR: write ones to clear
    0x08, 0x68,                                      // 00100084  ldr r0, [r1]
    0x38, 0x62,                                      // 00100086  str r0, [r7, #32]           @ R[8] = CFSR after clearing
    0x48, 0x68,                                      // 00100088  ldr r0, [r1, #4]
    0x78, 0x62,                                      // 0010008a  str r0, [r7, #36]           @ R[9] = HFSR after clearing
    0x01, 0x48,                                      // 0010008c  ldr r0, =0xE000ED24
    0x00, 0x68,                                      // 0010008e  ldr r0, [r0]
    0xb8, 0x62,                                      // 00100090  str r0, [r7, #40]           @ R[10] = SHCSR in the handler
    0x70, 0x47,                                      // 00100092  bx lr
    0x24, 0xed, 0x00, 0xe0, 0x28, 0xed, 0x00, 0xe0,  // 00100094  .ltorg
};
// clang-format on
constexpr std::uint32_t udf_insn = 0x0010003c;
constexpr std::uint32_t load_insn = 0x00100044;
constexpr std::uint32_t store_insn = 0x0010004a;
constexpr std::uint32_t bkpt_insn = 0x00100050;
}  // namespace faults

// ---- program `fault_spin` (36 bytes at 0x00100000) ----
namespace fault_spin {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x11, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00,                          // 00100008  .word 0                     @ 2: NMI
    0x23, 0x00, 0x10, 0x00,                          // 0010000c  vec hardfault               @ 3: HardFault
                                                     // reset:
    0x4f, 0xf0, 0x80, 0x41,                          // 00100010  ldr r1, =0x40000000
    0x4f, 0xf4, 0x90, 0x10,                          // 00100014  ldr r0, =0x00120000
    0x80, 0x6b,                                      // 00100018  ldr r0, [r0, #0x38]         @ the test's choice: 0 udf, 1 load from 0x40000000
    0x00, 0xb9,                                      // 0010001a  cbnz r0, do_load
                                                     // udf_insn:                       @ export
    0x00, 0xde,                                      // 0010001c  udf #0
                                                     // do_load:
                                                     // load_insn:                      @ export
    0x0a, 0x68,                                      // 0010001e  ldr r2, [r1]
                                                     // spin:
    0xfe, 0xe7,                                      // 00100020  b spin
                                                     // hardfault:                      @ export
    0xfe, 0xe7,                                      // 00100022  b hardfault                 @ default handler: spins
                                                     //           .ltorg
};
// clang-format on
constexpr std::uint32_t udf_insn = 0x0010001c;
constexpr std::uint32_t load_insn = 0x0010001e;
constexpr std::uint32_t hardfault = 0x00100022;
}  // namespace fault_spin

// ---- program `lockup` (32 bytes at 0x00100000) ----
namespace lockup {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x11, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00,                          // 00100008  .word 0                     @ 2: NMI
    0x15, 0x00, 0x10, 0x00,                          // 0010000c  vec hardfault               @ 3: HardFault
                                                     // reset:
    0x01, 0xde,                                      // 00100010  udf #1                      @ UsageFault disabled: escalates to HardFault
                                                     // spin:
    0xfe, 0xe7,                                      // 00100012  b spin
                                                     // hardfault:
    0x4f, 0xf4, 0x90, 0x10,                          // 00100014  ldr r0, =0x00120000
    0x01, 0x21,                                      // 00100018  movs r1, #1
    0x01, 0x60,                                      // 0010001a  str r1, [r0]                @ R[0] = 1: HardFault entered
                                                     // hardfault_udf:                  @ export
    0x02, 0xde,                                      // 0010001c  udf #2                      @ a fault in HardFault: lockup
    0xf9, 0xe7,                                      // 0010001e  b hardfault
                                                     //           .ltorg
};
// clang-format on
constexpr std::uint32_t hardfault_udf = 0x0010001c;
}  // namespace lockup

// ---- program `unpriv` (136 bytes at 0x00100000) ----
namespace unpriv {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x41, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 13, 4, 0              @ 2-14: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
    0x65, 0x00, 0x10, 0x00,                          // 0010003c  vec systick                 @ 15: SysTick
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100040  ldr r7, =0x00120000         @ r7 = results area R
    0x0d, 0x48,                                      // 00100044  ldr r0, =0x0012F000
    0x80, 0xf3, 0x09, 0x88,                          // 00100046  msr psp, r0                 @ PSP = 0x0012F000
    0x0d, 0x48,                                      // 0010004a  ldr r0, =0xE000E010         @ SYST_CSR
    0x40, 0xf2, 0xe7, 0x31,                          // 0010004c  ldr r1, =999
    0x41, 0x60,                                      // 00100050  str r1, [r0, #4]            @ SYST_RVR = 999
    0x07, 0x21,                                      // 00100052  movs r1, #7
    0x01, 0x60,                                      // 00100054  str r1, [r0]                @ SYST_CSR = ENABLE | TICKINT | CLKSOURCE
    0xf8, 0x6b,                                      // 00100056  ldr r0, [r7, #0x3c]         @ the test's CONTROL value: 1 unprivileged, 3 unprivileged on PSP
    0x80, 0xf3, 0x14, 0x88,                          // 00100058  msr control, r0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010005c  isb
    0x08, 0x4c,                                      // 00100060  ldr r4, =0x5EC0DE04         @ callee-saved registers the handler leaves alone
                                                     // spin:
    0xfe, 0xe7,                                      // 00100062  b spin
                                                     // systick:
    0x38, 0x68,                                      // 00100064  ldr r0, [r7, #0]
    0x01, 0x30,                                      // 00100066  adds r0, #1
    0x38, 0x60,                                      // 00100068  str r0, [r7, #0]            @ R[0] = SysTick entries
    0xc7, 0xf8, 0x04, 0xe0,                          // 0010006a  str lr, [r7, #4]            @ R[1] = LR
    0xef, 0xf3, 0x08, 0x80,                          // 0010006e  mrs r0, msp
    0xb8, 0x60,                                      // 00100072  str r0, [r7, #8]            @ R[2] = MSP in the handler
    0xef, 0xf3, 0x09, 0x80,                          // 00100074  mrs r0, psp
    0xf8, 0x60,                                      // 00100078  str r0, [r7, #12]           @ R[3] = PSP in the handler
    0x70, 0x47,                                      // 0010007a  bx lr
    0x00, 0xf0, 0x12, 0x00, 0x10, 0xe0, 0x00, 0xe0,  // 0010007c  .ltorg
    0x04, 0xde, 0xc0, 0x5e,
};
// clang-format on
}  // namespace unpriv

// ---- program `sleeponexit` (124 bytes at 0x00100000) ----
namespace sleeponexit {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x41, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 13, 4, 0              @ 2-14: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
    0x5f, 0x00, 0x10, 0x00,                          // 0010003c  vec systick                 @ 15: SysTick
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100040  ldr r7, =0x00120000         @ r7 = results area R
    0x0b, 0x48,                                      // 00100044  ldr r0, =0xE000ED10         @ SCR
    0x02, 0x21,                                      // 00100046  movs r1, #2
    0x01, 0x60,                                      // 00100048  str r1, [r0]                @ SCR.SLEEPONEXIT
    0x0b, 0x48,                                      // 0010004a  ldr r0, =0xE000E010         @ SYST_CSR
    0x40, 0xf2, 0xe7, 0x31,                          // 0010004c  ldr r1, =999
    0x41, 0x60,                                      // 00100050  str r1, [r0, #4]            @ SYST_RVR = 999
    0x07, 0x21,                                      // 00100052  movs r1, #7
    0x01, 0x60,                                      // 00100054  str r1, [r0]                @ SYST_CSR = ENABLE | TICKINT | CLKSOURCE
                                                     // count:
    0x78, 0x68,                                      // 00100056  ldr r0, [r7, #4]
    0x01, 0x30,                                      // 00100058  adds r0, #1
    0x78, 0x60,                                      // 0010005a  str r0, [r7, #4]            @ R[1] = Thread-mode loop iterations
    0xfb, 0xe7,                                      // 0010005c  b count
                                                     // systick:
    0x38, 0x68,                                      // 0010005e  ldr r0, [r7, #0]
    0x01, 0x30,                                      // 00100060  adds r0, #1
    0x38, 0x60,                                      // 00100062  str r0, [r7, #0]            @ R[0] = SysTick entries
    0x01, 0x28,                                      // 00100064  cmp r0, #1
    0x01, 0xd1,                                      // 00100066  bne 1f
    0x79, 0x68,                                      // 00100068  ldr r1, [r7, #4]
    0xb9, 0x60,                                      // 0010006a  str r1, [r7, #8]            @ R[2] = Thread iterations at the first tick
    0x79, 0x68,                                      // 0010006c  1:  ldr r1, [r7, #4]
    0xf9, 0x60,                                      // 0010006e  str r1, [r7, #12]           @ R[3] = Thread iterations at the latest tick
    0x70, 0x47,                                      // 00100070  bx lr
    0x00, 0x00, 0x10, 0xed, 0x00, 0xe0, 0x10, 0xe0,  // 00100072  .ltorg
    0x00, 0xe0,
};
// clang-format on
}  // namespace sleeponexit

// ---- program `vtor` (268 bytes at 0x00100000) ----
namespace vtor {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0xc5, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xef, 0x00, 0x10, 0x00,                          // 00100040  vec irq0_a                  @ 16: IRQ0 in the boot table
    0xaf, 0xf3, 0x00, 0x80, 0xaf, 0xf3, 0x00, 0x80,  // 00100044  .align 7                    @ a second table at 0x00100080 (VTOR needs 128-byte alignment)
    0xaf, 0xf3, 0x00, 0x80, 0xaf, 0xf3, 0x00, 0x80,
    0xaf, 0xf3, 0x00, 0x80, 0xaf, 0xf3, 0x00, 0x80,
    0xaf, 0xf3, 0x00, 0x80, 0xaf, 0xf3, 0x00, 0x80,
    0xaf, 0xf3, 0x00, 0x80, 0xaf, 0xf3, 0x00, 0x80,
    0xaf, 0xf3, 0x00, 0x80, 0xaf, 0xf3, 0x00, 0x80,
    0xaf, 0xf3, 0x00, 0x80, 0xaf, 0xf3, 0x00, 0x80,
    0xaf, 0xf3, 0x00, 0x80,
                                                     // table_b:                        @ export
    0x00, 0x00, 0x13, 0x00,                          // 00100080  .word 0x00130000
    0xc5, 0x00, 0x10, 0x00,                          // 00100084  vec reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100088  .fill 14, 4, 0
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xf7, 0x00, 0x10, 0x00,                          // 001000c0  vec irq0_b                  @ 16: IRQ0 in the second table
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 001000c4  ldr r7, =0x00120000         @ r7 = results area R
    0x0d, 0x48,                                      // 001000c8  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x01, 0x21,                                      // 001000ca  movs r1, #1
    0x01, 0x60,                                      // 001000cc  str r1, [r0]                @ enable IRQ0
    0x0d, 0x4a,                                      // 001000ce  ldr r2, =0xE000E200         @ NVIC_ISPR0
    0x11, 0x60,                                      // 001000d0  str r1, [r2]                @ pend IRQ0: boot table
    0xbf, 0xf3, 0x6f, 0x8f,                          // 001000d2  isb
    0x0c, 0x48,                                      // 001000d6  ldr r0, =0xE000ED08         @ VTOR
    0x03, 0x68,                                      // 001000d8  ldr r3, [r0]
    0xbb, 0x60,                                      // 001000da  str r3, [r7, #8]            @ R[2] = VTOR at reset
    0xaf, 0xf2, 0x60, 0x03,                          // 001000dc  adr r3, table_b
    0x03, 0x60,                                      // 001000e0  str r3, [r0]                @ VTOR = table_b
    0xbf, 0xf3, 0x4f, 0x8f,                          // 001000e2  dsb
    0x11, 0x60,                                      // 001000e6  str r1, [r2]                @ pend IRQ0: second table
    0xbf, 0xf3, 0x6f, 0x8f,                          // 001000e8  isb
                                                     // spin:
    0xfe, 0xe7,                                      // 001000ec  b spin
                                                     // irq0_a:
    0x38, 0x68,                                      // 001000ee  ldr r0, [r7, #0]
    0x01, 0x30,                                      // 001000f0  adds r0, #1
    0x38, 0x60,                                      // 001000f2  str r0, [r7, #0]            @ R[0] = entries through the boot table
    0x70, 0x47,                                      // 001000f4  bx lr
                                                     // irq0_b:
    0x78, 0x68,                                      // 001000f6  ldr r0, [r7, #4]
    0x01, 0x30,                                      // 001000f8  adds r0, #1
    0x78, 0x60,                                      // 001000fa  str r0, [r7, #4]            @ R[1] = entries through the second table
    0x70, 0x47,                                      // 001000fc  bx lr
    0x00, 0x00, 0x00, 0xe1, 0x00, 0xe0, 0x00, 0xe2,  // 001000fe  .ltorg
    0x00, 0xe0, 0x08, 0xed, 0x00, 0xe0,
};
// clang-format on
constexpr std::uint32_t table_b = 0x00100080;
}  // namespace vtor

// ---- program `prigroup` (156 bytes at 0x00100000) ----
namespace prigroup {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x49, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 00100008  .fill 14, 4, 0              @ 2-15: unused
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x71, 0x00, 0x10, 0x00,                          // 00100040  vec irq0                    @ 16: IRQ0 (priority 0x60)
    0x81, 0x00, 0x10, 0x00,                          // 00100044  vec irq1                    @ 17: IRQ1 (priority 0x40)
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100048  ldr r7, =0x00120000         @ r7 = results area R
    0x0f, 0x48,                                      // 0010004c  ldr r0, =0xE000ED0C         @ AIRCR
    0xf9, 0x6b,                                      // 0010004e  ldr r1, [r7, #0x3c]         @ the test's AIRCR value (VECTKEY | PRIGROUP << 8)
    0x01, 0x60,                                      // 00100050  str r1, [r0]
    0x01, 0x68,                                      // 00100052  ldr r1, [r0]
    0xb9, 0x60,                                      // 00100054  str r1, [r7, #8]            @ R[2] = AIRCR read back
    0x0e, 0x48,                                      // 00100056  ldr r0, =0xE000E400         @ NVIC_IPR0
    0x44, 0xf2, 0x60, 0x01,                          // 00100058  ldr r1, =0x00004060         @ IRQ0 0x60, IRQ1 0x40
    0x01, 0x60,                                      // 0010005c  str r1, [r0]
    0x0d, 0x48,                                      // 0010005e  ldr r0, =0xE000E100         @ NVIC_ISER0
    0x03, 0x21,                                      // 00100060  movs r1, #3
    0x01, 0x60,                                      // 00100062  str r1, [r0]                @ enable IRQ0 and IRQ1
    0x0c, 0x48,                                      // 00100064  ldr r0, =0xE000E200         @ NVIC_ISPR0
    0x01, 0x21,                                      // 00100066  movs r1, #1
    0x01, 0x60,                                      // 00100068  str r1, [r0]                @ pend IRQ0
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010006a  isb
                                                     // spin:
    0xfe, 0xe7,                                      // 0010006e  b spin
                                                     // irq0:
    0x09, 0x48,                                      // 00100070  ldr r0, =0xE000E200         @ NVIC_ISPR0
    0x02, 0x21,                                      // 00100072  movs r1, #2
    0x01, 0x60,                                      // 00100074  str r1, [r0]                @ pend IRQ1
    0xbf, 0xf3, 0x6f, 0x8f,                          // 00100076  isb
    0x78, 0x68,                                      // 0010007a  ldr r0, [r7, #4]
    0x38, 0x60,                                      // 0010007c  str r0, [r7, #0]            @ R[0] = IRQ1 entries seen by IRQ0 after the isb
    0x70, 0x47,                                      // 0010007e  bx lr
                                                     // irq1:
    0x78, 0x68,                                      // 00100080  ldr r0, [r7, #4]
    0x01, 0x30,                                      // 00100082  adds r0, #1
    0x78, 0x60,                                      // 00100084  str r0, [r7, #4]            @ R[1] = IRQ1 entries
    0xc7, 0xf8, 0x0c, 0xe0,                          // 00100086  str lr, [r7, #12]           @ R[3] = IRQ1's LR
    0x70, 0x47,                                      // 0010008a  bx lr
    0x0c, 0xed, 0x00, 0xe0, 0x00, 0xe4, 0x00, 0xe0,  // 0010008c  .ltorg
    0x00, 0xe1, 0x00, 0xe0, 0x00, 0xe2, 0x00, 0xe0,
};
// clang-format on
}  // namespace prigroup

// ---- program `scs_regs` (172 bytes at 0x00100000) ----
namespace scs_regs {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x09, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 00100008  ldr r7, =0x00120000         @ r7 = results area R
    0x4f, 0xf0, 0xe0, 0x26,                          // 0010000c  ldr r6, =0xE000E000         @ r6 = SCS base
    0xd6, 0xf8, 0x00, 0x0d,                          // 00100010  ldr r0, [r6, #0xd00]        @ CPUID
    0x38, 0x60,                                      // 00100014  str r0, [r7, #0]            @ R[0]
    0x06, 0xf5, 0x80, 0x65,                          // 00100016  add.w r5, r6, #0x400        @ NVIC_IPR0
    0x30, 0x21,                                      // 0010001a  movs r1, #0x30
    0x69, 0x71,                                      // 0010001c  strb r1, [r5, #5]           @ IRQ5 priority 0x30 (byte write)
    0x68, 0x79,                                      // 0010001e  ldrb r0, [r5, #5]
    0x78, 0x60,                                      // 00100020  str r0, [r7, #4]            @ R[1] = IRQ5 priority read back
    0x20, 0x49,                                      // 00100022  ldr r1, =0x80000024
    0xc6, 0xf8, 0x00, 0x11,                          // 00100024  str r1, [r6, #0x100]        @ NVIC_ISER0: IRQ2, IRQ5, IRQ31
    0x01, 0x21,                                      // 00100028  movs r1, #1
    0xc6, 0xf8, 0x04, 0x11,                          // 0010002a  str r1, [r6, #0x104]        @ NVIC_ISER1: IRQ32
    0xd6, 0xf8, 0x00, 0x01,                          // 0010002e  ldr r0, [r6, #0x100]
    0xb8, 0x60,                                      // 00100032  str r0, [r7, #8]            @ R[2] = ISER0
    0xd6, 0xf8, 0x04, 0x01,                          // 00100034  ldr r0, [r6, #0x104]
    0xf8, 0x60,                                      // 00100038  str r0, [r7, #12]           @ R[3] = ISER1
    0x04, 0x21,                                      // 0010003a  movs r1, #4
    0xc6, 0xf8, 0x80, 0x11,                          // 0010003c  str r1, [r6, #0x180]        @ NVIC_ICER0: disable IRQ2
    0xd6, 0xf8, 0x80, 0x01,                          // 00100040  ldr r0, [r6, #0x180]
    0x38, 0x61,                                      // 00100044  str r0, [r7, #16]           @ R[4] = ICER0 (reads the enables)
    0x72, 0xb6,                                      // 00100046  cpsid i
    0x4f, 0xf4, 0xa0, 0x71,                          // 00100048  ldr r1, =0x00000140
    0xc6, 0xf8, 0x00, 0x12,                          // 0010004c  str r1, [r6, #0x200]        @ NVIC_ISPR0: pend IRQ6 and IRQ8 (disabled)
    0xd6, 0xf8, 0x00, 0x02,                          // 00100050  ldr r0, [r6, #0x200]
    0x78, 0x61,                                      // 00100054  str r0, [r7, #20]           @ R[5] = ISPR0
    0x40, 0x21,                                      // 00100056  movs r1, #0x40
    0xc6, 0xf8, 0x80, 0x12,                          // 00100058  str r1, [r6, #0x280]        @ NVIC_ICPR0: clear IRQ6
    0xd6, 0xf8, 0x00, 0x02,                          // 0010005c  ldr r0, [r6, #0x200]
    0xb8, 0x61,                                      // 00100060  str r0, [r7, #24]           @ R[6] = ISPR0 after ICPR
    0xd6, 0xf8, 0x04, 0x0d,                          // 00100062  ldr r0, [r6, #0xd04]
    0xf8, 0x61,                                      // 00100066  str r0, [r7, #28]           @ R[7] = ICSR (IRQ8 pending but disabled)
    0x0f, 0x49,                                      // 00100068  ldr r1, =0x05FA0300
    0xc6, 0xf8, 0x0c, 0x1d,                          // 0010006a  str r1, [r6, #0xd0c]        @ AIRCR: VECTKEY, PRIGROUP 3
    0xd6, 0xf8, 0x0c, 0x0d,                          // 0010006e  ldr r0, [r6, #0xd0c]
    0x38, 0x62,                                      // 00100072  str r0, [r7, #32]           @ R[8] = AIRCR
    0x4f, 0xf4, 0xc0, 0x61,                          // 00100074  ldr r1, =0x00000600
    0xc6, 0xf8, 0x0c, 0x1d,                          // 00100078  str r1, [r6, #0xd0c]        @ AIRCR without the key: ignored
    0xd6, 0xf8, 0x0c, 0x0d,                          // 0010007c  ldr r0, [r6, #0xd0c]
    0x78, 0x62,                                      // 00100080  str r0, [r7, #36]           @ R[9] = AIRCR
    0x4f, 0xf0, 0xf0, 0x31,                          // 00100082  ldr r1, =0xF0F0F0F0
    0xc6, 0xf8, 0x20, 0x1d,                          // 00100086  str r1, [r6, #0xd20]        @ SHPR3
    0xd6, 0xf8, 0x20, 0x0d,                          // 0010008a  ldr r0, [r6, #0xd20]
    0xb8, 0x62,                                      // 0010008e  str r0, [r7, #40]           @ R[10] = SHPR3 (reserved byte and low bits read 0)
    0xd6, 0xf8, 0x14, 0x0d,                          // 00100090  ldr r0, [r6, #0xd14]
    0xf8, 0x62,                                      // 00100094  str r0, [r7, #44]           @ R[11] = CCR
    0x70, 0x68,                                      // 00100096  ldr r0, [r6, #0x004]
    0x38, 0x63,                                      // 00100098  str r0, [r7, #48]           @ R[12] = ICTR
    0xd6, 0xf8, 0x88, 0x0d,                          // 0010009a  ldr r0, [r6, #0xd88]
    0x78, 0x63,                                      // 0010009e  str r0, [r7, #52]           @ R[13] = CPACR
                                                     // spin:
    0xfe, 0xe7,                                      // 001000a0  b spin
    0x00, 0x00, 0x24, 0x00, 0x00, 0x80, 0x00, 0x03,  // 001000a2  .ltorg
    0xfa, 0x05,
};
// clang-format on
}  // namespace scs_regs

// ---- program `nmi` (60 bytes at 0x00100000) ----
namespace nmi {
// clang-format off
constexpr std::uint8_t code[] = {
                                                     // vectors:
    0x00, 0x00, 0x13, 0x00,                          // 00100000  .word 0x00130000            @ 0: initial MSP
    0x0d, 0x00, 0x10, 0x00,                          // 00100004  vec reset                   @ 1: Reset
    0x27, 0x00, 0x10, 0x00,                          // 00100008  vec nmi                     @ 2: NMI
                                                     // reset:
    0x4f, 0xf4, 0x90, 0x17,                          // 0010000c  ldr r7, =0x00120000         @ r7 = results area R
    0x72, 0xb6,                                      // 00100010  cpsid i                     @ PRIMASK = 1
    0x71, 0xb6,                                      // 00100012  cpsid f                     @ FAULTMASK = 1
    0x08, 0x48,                                      // 00100014  ldr r0, =0xE000ED04         @ ICSR
    0x4f, 0xf0, 0x00, 0x41,                          // 00100016  mov.w r1, #0x80000000       @ NMIPENDSET
    0x01, 0x60,                                      // 0010001a  str r1, [r0]
    0xbf, 0xf3, 0x6f, 0x8f,                          // 0010001c  isb
    0x38, 0x68,                                      // 00100020  ldr r0, [r7, #0]
    0xf8, 0x60,                                      // 00100022  str r0, [r7, #12]           @ R[3] = NMI entries seen by Thread mode
                                                     // spin:
    0xfe, 0xe7,                                      // 00100024  b spin
                                                     // nmi:
    0x38, 0x68,                                      // 00100026  ldr r0, [r7, #0]
    0x01, 0x30,                                      // 00100028  adds r0, #1
    0x38, 0x60,                                      // 0010002a  str r0, [r7, #0]            @ R[0] = NMI entries
    0xef, 0xf3, 0x05, 0x80,                          // 0010002c  mrs r0, ipsr
    0x78, 0x60,                                      // 00100030  str r0, [r7, #4]            @ R[1] = IPSR
    0xc7, 0xf8, 0x08, 0xe0,                          // 00100032  str lr, [r7, #8]            @ R[2] = LR
    0x70, 0x47,                                      // 00100036  bx lr
    0x04, 0xed, 0x00, 0xe0,                          // 00100038  .ltorg
};
// clang-format on
}  // namespace nmi

// ---------------------------------------------------------------------------------------------

TEST(M4ExceptionTest, IrqEntryStacksTheBasicFrameAndReturnRestoresIt) {
    M4TestRig rig(irq_frame::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(4), 1u) << "IRQ0 handler entries";
    EXPECT_EQ(rig.result(0), 0xFFFFFFF9u) << "LR in the handler: return to Thread mode, MSP, basic frame";
    const std::uint32_t frame = kStackTop - 0x20;
    EXPECT_EQ(rig.result(1), frame) << "SP in the handler";
    EXPECT_EQ(rig.result(2), 16u) << "IPSR = exception 16 (IRQ0)";
    EXPECT_EQ(rig.result(3), 0u) << "CONTROL in the handler";
    // The 8-word frame: r0-r3, r12, lr, return address, xPSR.
    EXPECT_EQ(rig.word(frame + 0x00), 0xA0A0A0A0u);
    EXPECT_EQ(rig.word(frame + 0x04), 0xA1A1A1A1u);
    EXPECT_EQ(rig.word(frame + 0x08), 0xA2A2A2A2u);
    EXPECT_EQ(rig.word(frame + 0x0C), 0xA3A3A3A3u);
    EXPECT_EQ(rig.word(frame + 0x10), 0xACACACACu);
    EXPECT_EQ(rig.word(frame + 0x14), 0xAEAEAEAFu);
    EXPECT_EQ(rig.word(frame + 0x18), irq_frame::after_pend) << "stacked PC: the next instruction of Thread code";
    const std::uint32_t xpsr = rig.word(frame + 0x1C);
    EXPECT_TRUE(xpsr & kXpsrT) << std::hex << xpsr;
    EXPECT_EQ(xpsr & 0xF8000000u, 0x90000000u) << "stacked flags N, V";
    EXPECT_EQ(xpsr & 0x1FFu, 0u) << "stacked IPSR: Thread mode";
    EXPECT_FALSE(xpsr & kXpsrAlignPad);
    // After the return: r0-r3, r12, lr and the flags are back although the handler clobbered
    // them, and SP is back at the top.
    EXPECT_EQ(rig.result(8), 0xA0A0A0A0u);
    EXPECT_EQ(rig.result(9), 0xA1A1A1A1u);
    EXPECT_EQ(rig.result(10), 0xA2A2A2A2u);
    EXPECT_EQ(rig.result(11), 0xA3A3A3A3u);
    EXPECT_EQ(rig.result(12), 0xACACACACu);
    EXPECT_EQ(rig.result(13), 0xAEAEAEAFu);
    EXPECT_EQ(rig.result(14) & 0xF8000000u, 0x90000000u) << std::hex << rig.result(14);
    EXPECT_EQ(rig.result(15), kStackTop);
    // Thread mode again, spinning, nothing active.
    EXPECT_EQ(rig.reg(UC_ARM_REG_IPSR) & 0x1FF, 0u);
    EXPECT_EQ(rig.reg(UC_ARM_REG_PC) & ~1u, irq_frame::spin);
    EXPECT_EQ(rig.reg(UC_ARM_REG_SP), kStackTop);
    EXPECT_EQ(rig.core().nvic().activeCount(), 0u);
    EXPECT_FALSE(rig.core().nvic().pending(exc::kFirstIrq));
}

TEST(M4ExceptionTest, HigherPriorityIrqPreemptsAHandler) {
    M4TestRig rig(nested::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    const std::uint32_t sp0 = kStackTop - 0x20;
    EXPECT_EQ(rig.result(0), sp0) << "SP in IRQ0";
    EXPECT_EQ(rig.result(1), 0xFFFFFFF9u) << "LR in IRQ0";
    EXPECT_EQ(rig.result(4), 1u) << "IRQ1 entries";
    EXPECT_EQ(rig.result(2), sp0 - 0x20) << "SP in IRQ1: a second frame on MSP";
    EXPECT_EQ(rig.result(3), 0xFFFFFFF1u) << "LR in IRQ1: return to Handler mode";
    EXPECT_EQ(rig.result(6), 17u) << "IPSR in IRQ1";
    EXPECT_EQ(rig.result(7), 3u) << "NVIC_IABR0 in IRQ1: both active";
    const std::uint32_t icsr = rig.result(8);
    EXPECT_EQ(icsr & 0x1FF, 17u) << "ICSR.VECTACTIVE";
    EXPECT_FALSE(icsr & (1u << 11)) << "ICSR.RETTOBASE: another exception is active";
    // The nested frame holds IRQ0's context: its next instruction and IPSR 16.
    EXPECT_EQ(rig.word(sp0 - 0x20 + 0x18), nested::irq0_resume);
    EXPECT_EQ(rig.word(sp0 - 0x20 + 0x1C) & 0x1FF, 16u);
    EXPECT_TRUE(rig.word(sp0 - 0x20 + 0x1C) & kXpsrT);
    EXPECT_EQ(rig.result(5), 1u) << "IRQ1 had run when IRQ0 continued after its isb";
    EXPECT_EQ(rig.result(9), 1u) << "NVIC_IABR0 back in IRQ0";
    EXPECT_EQ(rig.core().nvic().activeCount(), 0u);
    EXPECT_EQ(rig.reg(UC_ARM_REG_SP), kStackTop);
}

TEST(M4ExceptionTest, PendingIrqsTailChainInPriorityOrder) {
    M4TestRig rig(tailchain::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    ASSERT_EQ(rig.result(0), 3u) << "handler entries";
    EXPECT_EQ(rig.result(1), 3u) << "all three ran before Thread mode resumed";
    // Log entries at R + 16 + 16 n: IPSR, LR, SP.
    auto ipsr = [&](unsigned n) { return rig.word(kResults + 16 + 16 * n); };
    auto lr = [&](unsigned n) { return rig.word(kResults + 20 + 16 * n); };
    auto sp = [&](unsigned n) { return rig.word(kResults + 24 + 16 * n); };
    EXPECT_EQ(ipsr(0), 19u) << "IRQ3 (0x20) first";
    EXPECT_EQ(ipsr(1), 18u) << "then IRQ2 (0x40): same priority as IRQ4, lower number";
    EXPECT_EQ(ipsr(2), 20u) << "then IRQ4 (0x40)";
    for (unsigned n = 0; n < 3; ++n) {
        // Tail-chained handlers get the first one's EXC_RETURN and run on the same frame.
        EXPECT_EQ(lr(n), 0xFFFFFFF9u) << n;
        EXPECT_EQ(sp(n), kStackTop - 0x20) << n;
    }
    EXPECT_EQ(rig.result(2), kStackTop);
}

TEST(M4ExceptionTest, ThreadModeOnPspStacksOnPspAndHandlerRunsOnMsp) {
    M4TestRig rig(psp::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(0), 0x0012F000u) << "Thread SP is PSP";
    EXPECT_EQ(rig.result(4), 0xFFFFFFFDu) << "LR: return to Thread mode on PSP";
    EXPECT_EQ(rig.result(5), kStackTop) << "handler SP is MSP, untouched by the frame";
    EXPECT_EQ(rig.result(6), 0x0012F000u - 0x20) << "the frame is on PSP";
    EXPECT_EQ(rig.result(9), kStackTop - 8) << "a push in the handler goes to MSP";
    EXPECT_EQ(rig.word(0x0012F000u - 0x20 + 0x18) & 1u, 0u);
    EXPECT_TRUE(rig.word(0x0012F000u - 0x20 + 0x1C) & kXpsrT);
    EXPECT_EQ(rig.result(1), 0x0012F000u) << "SP after return: PSP restored";
    EXPECT_EQ(rig.result(2), 2u) << "CONTROL after return: SPSEL again";
    EXPECT_EQ(rig.result(3), kStackTop) << "MSP after return";
    EXPECT_EQ(rig.result(8), 0x0012F000u) << "PSP after return";
}

// BUG (src/cpu/M4Exceptions.cpp, CortexM4::enterException): on exception entry the architecture
// sets CONTROL.SPSEL = 0 (ARMv7-M B1.5.6 ExceptionTaken: "CONTROL.SPSEL = '0'"), so a handler
// entered from Thread mode on PSP reads CONTROL = 0. The emulator writes CONTROL with only FPCA
// cleared, and QEMU ignores SPSEL writes in Handler mode anyway, so the handler reads
// CONTROL = 2. Suggested fix: in enterException, when coming from Thread mode, write CONTROL
// with SPSEL (and FPCA, nPRIV) cleared *before* writing IPSR (QEMU honours SPSEL only in Thread
// mode), then IPSR, MSP, PSP, then CONTROL & ~(FPCA | SPSEL) to restore nPRIV.
TEST(M4ExceptionTest, ControlSpselReadsZeroInAHandlerEnteredFromPsp) {
    M4TestRig rig(psp::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(7), 0u) << "CONTROL in the handler (SPSEL must read 0 in Handler mode)";
}

TEST(M4ExceptionTest, FpContextIsStackedAndRestored) {
    M4TestRig rig(fp_frame::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    static constexpr std::uint32_t fvals[16] = {0x3f800000, 0x40000000, 0x40400000, 0x40800000,
                                                0xc0a00000, 0x12345678, 0x7f7fffff, 0x00000001,
                                                0x80000000, 0x3eaaaaab, 0x447a0000, 0xbf800000,
                                                0x42c80000, 0x40490fdb, 0x3dcccccd, 0x4b189680};
    // CONTROL is compared on its ARMv7-M bits [2:0] (nPRIV, SPSEL, FPCA): Unicorn's core also sets
    // bit 3 (the ARMv8-M SFPA bit, reserved RAZ on ARMv7-M) on the first FP instruction, and the
    // emulator carries it along (reported separately; not checked here).
    EXPECT_EQ(rig.result(0) & 7, 0u) << "CONTROL before any FP instruction";
    EXPECT_EQ(rig.result(1) & 7, 4u) << "CONTROL.FPCA set by the FP instructions";
    EXPECT_EQ(rig.result(5), 0xFFFFFFE9u) << "LR: Thread, MSP, extended frame";
    const std::uint32_t frame = kStackTop - 0x68;
    EXPECT_EQ(rig.result(6), frame) << "26-word frame";
    EXPECT_EQ(rig.result(7) & 7, 0u) << "CONTROL.FPCA clear on entry";
    EXPECT_EQ(rig.result(8) & 7, 4u) << "FPCA set again by the handler's FP use";
    EXPECT_EQ(rig.result(9), frame + 0x20) << "FPCAR: the FP part of the frame";
    EXPECT_TRUE(rig.word(frame + 0x1C) & kXpsrT);
    for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(rig.word(frame + 0x20 + 4 * i), fvals[i]) << "stacked s" << i;
    EXPECT_EQ(rig.word(frame + 0x60), 0xA0C00000u) << "stacked FPSCR";
    // After the return: s0-s15 and FPSCR as before the interrupt, FPCA still set.
    for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(rig.result(16 + i), fvals[i]) << "s" << i << " after return";
    EXPECT_EQ(rig.result(3), 0xA0C00000u) << "FPSCR after return";
    EXPECT_EQ(rig.result(2) & 7, 4u) << "CONTROL after return";
    EXPECT_EQ(rig.result(4), kStackTop) << "SP after return";
}

TEST(M4ExceptionTest, FrameIsEightByteAlignedWithPaddingFlag) {
    M4TestRig rig(stack_align::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    const std::uint32_t sp = kStackTop - 4;
    EXPECT_EQ(rig.result(1), (sp - 0x20) & ~7u) << "frame aligned down to 8";
    EXPECT_EQ(rig.result(1) % 8, 0u);
    EXPECT_TRUE(rig.result(2) & kXpsrAlignPad) << "stacked xPSR bit 9: padding inserted";
    EXPECT_EQ(rig.result(0), sp) << "SP restored exactly after return";
    EXPECT_EQ(rig.word(sp), 0xCAFEF00Du) << "the word above the frame is untouched";
}

TEST(M4ExceptionTest, PrimaskBasepriAndFaultmaskHoldPendingIrqs) {
    M4TestRig rig(masking::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(4), 0u) << "PRIMASK holds IRQ0";
    const std::uint32_t icsr = rig.result(5);
    EXPECT_EQ((icsr >> 12) & 0x1FF, 16u) << "ICSR.VECTPENDING = IRQ0";
    EXPECT_TRUE(icsr & (1u << 22)) << "ICSR.ISRPENDING";
    EXPECT_EQ(icsr & 0x1FF, 0u) << "ICSR.VECTACTIVE: Thread mode";
    EXPECT_EQ(rig.result(6), 1u) << "taken after cpsie i";
    EXPECT_EQ(rig.result(7), 1u) << "BASEPRI 0x40 masks a priority-0x40 IRQ";
    EXPECT_EQ(rig.result(8), 1u) << "BASEPRI 0x40 lets a priority-0x20 IRQ through";
    EXPECT_EQ(rig.result(9), 1u) << "IRQ0 still held";
    EXPECT_EQ(rig.result(10), 2u) << "IRQ0 taken once BASEPRI is 0";
    EXPECT_EQ(rig.result(11), 1u) << "FAULTMASK holds IRQ1";
    EXPECT_EQ(rig.result(12), 2u) << "taken after cpsie f";
    EXPECT_EQ(rig.result(13), 0u) << "FAULTMASK cleared by the return from IRQ0";
    EXPECT_EQ(rig.core().nvic().activeCount(), 0u);
}

TEST(M4ExceptionTest, SvcEntersSvcallWithTheNextInstructionStacked) {
    M4TestRig rig(svc::code);
    rig.run(us(100));
    ASSERT_GE(rig.result(15), 1u) << "SVC count";
    auto entry = [&](unsigned n, unsigned k) { return rig.word(kResults + 16 + 16 * n + 4 * k); };
    // svc #0 from privileged Thread mode on MSP.
    EXPECT_EQ(entry(0, 0), 0xFFFFFFF9u);
    EXPECT_EQ(entry(0, 1), kStackTop - 0x20);
    EXPECT_EQ(entry(0, 2), svc::after_svc0) << "stacked PC: the instruction after the svc";
    EXPECT_EQ(entry(0, 3), 0u) << "SVC number";
    EXPECT_EQ(rig.result(0), 0x51u) << "result returned through the stacked r0";
}

// BUG (src/cpu/M4Exceptions.cpp, CortexM4::enterException): exceptions taken from
// *unprivileged* Thread mode (CONTROL.nPRIV = 1) lock the core up. enterException reads
// UC_ARM_REG_MSP / UC_ARM_REG_PSP while still in unprivileged Thread mode; Unicorn serves those
// reads through QEMU's MRS helper, which returns 0 for MSP/PSP to unprivileged code, so the frame
// is computed at 0 - 0x20 = 0xFFFFFFE0, the stacking write fails and the core reports
// "LOCKUP: stacking error entering SVCall". The same happens for any interrupt or fault
// arriving while an unprivileged task runs (see the Unprivileged* tests below). Suggested fix:
// before reading MSP/PSP, lift nPRIV when Thread mode is unprivileged; CONTROL is itself only
// writable when privileged, so: IPSR = exception, CONTROL = control & ~nPRIV, IPSR = 0, then read
// both stack pointers (nPRIV is restored by the final CONTROL write in Handler mode).
TEST(M4ExceptionTest, SvcFromUnprivilegedThreadModeOnPsp) {
    M4TestRig rig(svc::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    ASSERT_EQ(rig.result(15), 2u) << "SVC count";
    auto entry = [&](unsigned n, unsigned k) { return rig.word(kResults + 16 + 16 * n + 4 * k); };
    EXPECT_EQ(entry(1, 0), 0xFFFFFFFDu);
    EXPECT_EQ(entry(1, 1), 0x0012F000u - 0x20);
    EXPECT_EQ(entry(1, 2), svc::after_svc42);
    EXPECT_EQ(entry(1, 3), 0x42u);
    EXPECT_EQ(rig.result(1), 0x62u);
    EXPECT_EQ(rig.result(2), 3u) << "CONTROL after return: nPRIV and SPSEL kept";
    EXPECT_EQ(rig.result(3), 0x0012F000u);
}

TEST(M4ExceptionTest, PendSvIsTakenAfterTheIcsrWriteAndTailChainsFromAnIrq) {
    M4TestRig rig(pendsv::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(1), 0x00E00000u) << "SHPR3 read back";
    EXPECT_EQ(rig.result(2), 1u) << "PendSV ran right after the ICSR write";
    auto entry = [&](unsigned n, unsigned k) { return rig.word(kResults + 0x40 + 32 * n + 4 * k); };
    EXPECT_EQ(entry(0, 0), 14u) << "IPSR";
    EXPECT_EQ(entry(0, 1), 0xFFFFFFF9u) << "LR";
    EXPECT_EQ(entry(0, 2), kStackTop - 0x20) << "SP";
    EXPECT_EQ(entry(0, 3), pendsv::after_pendsv) << "stacked PC";
    const std::uint32_t icsr = entry(0, 4);
    EXPECT_EQ(icsr & 0x1FF, 14u) << "ICSR.VECTACTIVE";
    EXPECT_TRUE(icsr & (1u << 11)) << "ICSR.RETTOBASE";
    EXPECT_FALSE(icsr & (1u << 28)) << "ICSR.PENDSVSET cleared on entry";
    EXPECT_TRUE(entry(0, 5) & (1u << 10)) << "SHCSR.PENDSVACT";
    // Pended from a higher-priority IRQ handler: waits for it, then tail-chains.
    EXPECT_EQ(rig.result(4), 1u) << "PendSV did not preempt IRQ0";
    EXPECT_EQ(rig.result(5), 0xFFFFFFF9u) << "IRQ0's LR";
    EXPECT_EQ(rig.result(3), 2u) << "PendSV ran before Thread mode resumed";
    EXPECT_EQ(entry(1, 1), 0xFFFFFFF9u) << "tail-chained PendSV gets IRQ0's EXC_RETURN";
    EXPECT_EQ(entry(1, 2), kStackTop - 0x20) << "on IRQ0's frame";
}

/// Runs the systick program for `duration` with the given idle loop.
struct SysTickRun {
    explicit SysTickRun(bool wfi, Picos duration) : rig(systick::code) {
        rig.setResult(15, 7);  // CSR: ENABLE | TICKINT | CLKSOURCE
        rig.setResult(14, wfi ? 1 : 0);
        stop = rig.run(duration);
    }
    M4TestRig rig;
    Machine::StopReason stop;
};

TEST(M4ExceptionTest, SysTickFiresEveryReloadPlusOneCycles) {
    SysTickRun run(false, ms(2));
    ASSERT_EQ(run.rig.core().state(), CoreState::Running) << run.rig.core().faultReport();
    EXPECT_EQ(run.stop, Machine::StopReason::TimeLimit);
    // 26 MHz, RVR 999: one tick per 1000 cycles, 26 per ms.
    const int expected = 2 * 26;
    EXPECT_NEAR(static_cast<int>(run.rig.result(0)), expected, 1);
    EXPECT_EQ(run.rig.result(1), 0u) << "no WFI in this variant";
}

TEST(M4ExceptionTest, WfiSleepsBetweenSysTicks) {
    SysTickRun run(true, ms(2));
    EXPECT_EQ(run.stop, Machine::StopReason::TimeLimit);
    const int expected = 2 * 26;
    EXPECT_NEAR(static_cast<int>(run.rig.result(0)), expected, 1);
    EXPECT_NEAR(static_cast<int>(run.rig.result(1)), expected, 1) << "one wake-up per tick";
    // Asleep most of the time: far fewer instructions than the 52000 cycles that passed.
    EXPECT_LT(run.rig.core().instructions(), 52'000u / 10);
    EXPECT_EQ(run.rig.core().state(), CoreState::Sleeping);
}

TEST(M4ExceptionTest, SysTickWithoutTickintDoesNotInterrupt) {
    M4TestRig rig(systick::code);
    rig.setResult(15, 5);  // ENABLE | CLKSOURCE
    rig.run(ms(1));
    EXPECT_EQ(rig.result(0), 0u);
    EXPECT_EQ(rig.core().state(), CoreState::Running);
}

TEST(M4ExceptionTest, WfiWakesOnAnInterruptMaskedByPrimaskWithoutTakingIt) {
    M4TestRig rig(wfi_primask::code);
    const auto stop = rig.run(ms(2));
    EXPECT_EQ(rig.result(1), 0u) << "SysTick not taken while PRIMASK is set";
    EXPECT_TRUE(rig.result(2) & (1u << 26)) << "ICSR.PENDSTSET after waking";
    EXPECT_EQ(rig.result(3), 1u) << "taken after cpsie i";
    EXPECT_EQ(rig.result(0), 1u);
    // Then a WFI with nothing enabled: asleep for good, and the machine stops as idle.
    EXPECT_EQ(rig.core().state(), CoreState::Sleeping);
    EXPECT_EQ(stop, Machine::StopReason::Idle);
    const std::uint32_t pc = rig.reg(UC_ARM_REG_PC) & ~1u;
    EXPECT_TRUE(pc == wfi_primask::idle || pc == wfi_primask::idle + 2) << std::hex << pc;
    EXPECT_LT(rig.machine().now(), ms(2));
}

/// Runs the faults program: `which` 0 udf, 1 load from 0x40000000, 2 store to 0x40000004, 3 bkpt.
struct FaultRun {
    FaultRun(std::uint32_t which, std::uint32_t shcsr) : rig(faults::code) {
        rig.setResult(14, which);
        rig.setResult(15, shcsr);
        rig.run(us(100));
    }
    M4TestRig rig;
};

TEST(M4ExceptionTest, UndefinedInstructionTakesUsageFaultWhenEnabled) {
    FaultRun f(0, kUsgFaultEna);
    ASSERT_EQ(f.rig.core().state(), CoreState::Running) << f.rig.core().faultReport();
    EXPECT_EQ(f.rig.result(2), 6u) << "IPSR: UsageFault";
    EXPECT_EQ(f.rig.result(3), 0xFFFFFFF9u);
    EXPECT_EQ(f.rig.result(4), kUndefInstr) << "CFSR.UNDEFINSTR";
    EXPECT_EQ(f.rig.result(5), 0u) << "HFSR";
    EXPECT_EQ(f.rig.result(7), faults::udf_insn) << "stacked PC: the udf itself";
    EXPECT_EQ(f.rig.result(8), 0u) << "CFSR cleared by writing ones";
    EXPECT_TRUE(f.rig.result(10) & (1u << 3)) << "SHCSR.USGFAULTACT";
    EXPECT_TRUE(f.rig.result(10) & kUsgFaultEna);
    EXPECT_EQ(f.rig.result(0), 5u) << "r2 kept";
    EXPECT_EQ(f.rig.result(1), 1u) << "Thread mode resumed after the udf";
}

TEST(M4ExceptionTest, UndefinedInstructionEscalatesToHardFaultWhenDisabled) {
    FaultRun f(0, 0);
    ASSERT_EQ(f.rig.core().state(), CoreState::Running) << f.rig.core().faultReport();
    EXPECT_EQ(f.rig.result(2), 3u) << "IPSR: HardFault";
    EXPECT_EQ(f.rig.result(4), kUndefInstr) << "CFSR.UNDEFINSTR";
    EXPECT_EQ(f.rig.result(5), kHfsrForced) << "HFSR.FORCED";
    EXPECT_EQ(f.rig.result(7), faults::udf_insn);
    EXPECT_EQ(f.rig.result(8), 0u);
    EXPECT_EQ(f.rig.result(9), 0u) << "HFSR cleared by writing ones";
    EXPECT_EQ(f.rig.result(1), 1u);
}

TEST(M4ExceptionTest, LoadFromNowhereIsAPreciseBusFault) {
    FaultRun f(1, kBusFaultEna);
    ASSERT_EQ(f.rig.core().state(), CoreState::Running) << f.rig.core().faultReport();
    EXPECT_EQ(f.rig.result(2), 5u) << "IPSR: BusFault";
    EXPECT_EQ(f.rig.result(4), kPreciseErr | kBfarValid);
    EXPECT_EQ(f.rig.result(5), 0u) << "HFSR";
    EXPECT_EQ(f.rig.result(6), 0x40000000u) << "BFAR";
    EXPECT_EQ(f.rig.result(7), faults::load_insn) << "stacked PC: the faulting ldr";
    EXPECT_EQ(f.rig.result(0), 7u) << "instructions before the ldr in its block completed";
    EXPECT_EQ(f.rig.result(1), 1u);
}

TEST(M4ExceptionTest, LoadFromNowhereEscalatesToHardFaultWhenBusFaultDisabled) {
    FaultRun f(1, 0);
    ASSERT_EQ(f.rig.core().state(), CoreState::Running) << f.rig.core().faultReport();
    EXPECT_EQ(f.rig.result(2), 3u) << "IPSR: HardFault";
    EXPECT_EQ(f.rig.result(4), kPreciseErr | kBfarValid);
    EXPECT_EQ(f.rig.result(5), kHfsrForced);
    EXPECT_EQ(f.rig.result(6), 0x40000000u);
    EXPECT_EQ(f.rig.result(7), faults::load_insn);
    EXPECT_EQ(f.rig.result(1), 1u);
}

TEST(M4ExceptionTest, StoreToNowhereIsAPreciseBusFault) {
    FaultRun f(2, kBusFaultEna);
    ASSERT_EQ(f.rig.core().state(), CoreState::Running) << f.rig.core().faultReport();
    EXPECT_EQ(f.rig.result(2), 5u);
    EXPECT_EQ(f.rig.result(4), kPreciseErr | kBfarValid);
    EXPECT_EQ(f.rig.result(6), 0x40000004u) << "BFAR";
    EXPECT_EQ(f.rig.result(7), faults::store_insn);
    EXPECT_EQ(f.rig.result(0), 8u);
    EXPECT_EQ(f.rig.result(1), 1u);
}

TEST(M4ExceptionTest, BkptWithoutDebuggerIsAHardFault) {
    FaultRun f(3, kUsgFaultEna | kBusFaultEna);
    ASSERT_EQ(f.rig.core().state(), CoreState::Running) << f.rig.core().faultReport();
    EXPECT_EQ(f.rig.result(2), 3u) << "IPSR: HardFault";
    EXPECT_EQ(f.rig.result(5), kHfsrDebugEvt) << "HFSR.DEBUGEVT";
    EXPECT_EQ(f.rig.result(7), faults::bkpt_insn);
    EXPECT_EQ(f.rig.result(1), 1u);
}

TEST(M4ExceptionTest, DefaultSpinHandlerHaltsTheCoreWithAReport_Undef) {
    M4TestRig rig(fault_spin::code);
    rig.setResult(14, 0);
    const auto stop = rig.run(ms(1));
    EXPECT_EQ(stop, Machine::StopReason::Halted);
    EXPECT_EQ(rig.core().state(), CoreState::Halted);
    const std::string& report = rig.core().faultReport();
    EXPECT_NE(report.find("HardFault"), std::string::npos) << report;
    EXPECT_NE(report.find("UNDEFINSTR"), std::string::npos) << report;
    EXPECT_NE(report.find("FORCED"), std::string::npos) << report;
}

TEST(M4ExceptionTest, DefaultSpinHandlerHaltsTheCoreWithAReport_BusError) {
    M4TestRig rig(fault_spin::code);
    rig.setResult(14, 1);
    const auto stop = rig.run(ms(1));
    EXPECT_EQ(stop, Machine::StopReason::Halted);
    EXPECT_EQ(rig.core().state(), CoreState::Halted);
    const std::string& report = rig.core().faultReport();
    EXPECT_NE(report.find("HardFault"), std::string::npos) << report;
    EXPECT_NE(report.find("PRECISERR"), std::string::npos) << report;
    EXPECT_NE(report.find("0x40000000"), std::string::npos) << report;
    // The report's stacked frame names the faulting instruction.
    char pc[16];
    std::snprintf(pc, sizeof pc, "%#010x", fault_spin::load_insn);
    EXPECT_NE(report.find(pc), std::string::npos) << report;
    // Halted in the handler, with the exception entered.
    EXPECT_EQ(rig.reg(UC_ARM_REG_IPSR) & 0x1FF, 3u);
    EXPECT_EQ(rig.reg(UC_ARM_REG_PC) & ~1u, fault_spin::hardfault);
}

TEST(M4ExceptionTest, FaultInHardFaultLocksUp) {
    M4TestRig rig(lockup::code);
    const auto stop = rig.run(ms(1));
    EXPECT_EQ(rig.result(0), 1u) << "HardFault handler entered once";
    EXPECT_EQ(rig.core().state(), CoreState::Halted);
    EXPECT_EQ(stop, Machine::StopReason::Halted);
    const std::string& report = rig.core().faultReport();
    EXPECT_NE(report.find("LOCKUP"), std::string::npos) << report;
    EXPECT_EQ(rig.reg(UC_ARM_REG_IPSR) & 0x1FF, 3u) << "still in HardFault";
}

TEST(M4ExceptionTest, SleepOnExitSleepsInsteadOfReturningToThreadMode) {
    M4TestRig rig(sleeponexit::code);
    rig.run(ms(1));
    ASSERT_NE(rig.core().state(), CoreState::Halted) << rig.core().faultReport();
    EXPECT_NEAR(static_cast<int>(rig.result(0)), 26, 1) << "SysTick entries in 1 ms";
    EXPECT_GT(rig.result(2), 0u) << "Thread mode ran before the first tick";
    EXPECT_EQ(rig.result(3), rig.result(2)) << "and never again after it";
    EXPECT_EQ(rig.result(1), rig.result(2));
    EXPECT_EQ(rig.core().state(), CoreState::Sleeping);
}

TEST(M4ExceptionTest, VtorSelectsTheVectorTable) {
    M4TestRig rig(vtor::code);
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(2), kTcmBase) << "VTOR = the image entry at reset";
    EXPECT_EQ(rig.result(0), 1u) << "first IRQ0 through the boot table";
    EXPECT_EQ(rig.result(1), 1u) << "second IRQ0 through the table VTOR points to";
    EXPECT_EQ(vtor::table_b, kTcmBase + 0x80);
}

TEST(M4ExceptionTest, HigherPriorityPreemptsWithoutPrigroup) {
    M4TestRig rig(prigroup::code);
    rig.setResult(15, 0x05FA0000);  // PRIGROUP 0
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(2), 0xFA050000u) << "AIRCR read back (VECTKEYSTAT)";
    EXPECT_EQ(rig.result(0), 1u) << "IRQ1 (0x40) preempted IRQ0 (0x60)";
    EXPECT_EQ(rig.result(3), 0xFFFFFFF1u);
}

TEST(M4ExceptionTest, SubpriorityDoesNotPreempt) {
    M4TestRig rig(prigroup::code);
    rig.setResult(15, 0x05FA0500);  // PRIGROUP 5: group bits [7:6]; 0x60 and 0x40 are both group 0x40
    rig.run(us(100));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(2), 0xFA050500u) << "AIRCR read back";
    EXPECT_EQ(rig.result(0), 0u) << "IRQ1 waited for IRQ0 to finish";
    EXPECT_EQ(rig.result(1), 1u) << "then ran";
    EXPECT_EQ(rig.result(3), 0xFFFFFFF9u) << "tail-chained from IRQ0, returning to Thread mode";
}

TEST(M4ExceptionTest, NmiIsTakenThroughPrimaskAndFaultmask) {
    M4TestRig rig(nmi::code);
    rig.run(us(50));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(0), 1u) << "NMI entries";
    EXPECT_EQ(rig.result(1), 2u) << "IPSR";
    EXPECT_EQ(rig.result(2), 0xFFFFFFF9u);
    EXPECT_EQ(rig.result(3), 1u) << "taken before Thread mode continued";
    EXPECT_EQ(rig.reg(UC_ARM_REG_FAULTMASK) & 1, 1u) << "FAULTMASK kept: returning from NMI does not clear it";
}

TEST(M4ExceptionTest, NvicAndScbRegistersFromCode) {
    M4TestRig rig(scs_regs::code);
    rig.run(us(50));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_EQ(rig.result(0), 0x410FC241u) << "CPUID";
    EXPECT_EQ(rig.result(1), 0x20u) << "IPR byte 0x30 keeps only the 3 implemented bits";
    EXPECT_EQ(rig.result(2), 0x80000024u) << "ISER0";
    EXPECT_EQ(rig.result(3), 1u) << "ISER1";
    EXPECT_EQ(rig.result(4), 0x80000020u) << "ICER0 after disabling IRQ2";
    EXPECT_EQ(rig.result(5), 0x140u) << "ISPR0";
    EXPECT_EQ(rig.result(6), 0x100u) << "ISPR0 after ICPR0";
    EXPECT_EQ((rig.result(7) >> 12) & 0x1FF, 0u) << "ICSR.VECTPENDING ignores disabled interrupts";
    EXPECT_EQ(rig.result(8), 0xFA050300u) << "AIRCR with PRIGROUP 3";
    EXPECT_EQ(rig.result(9), 0xFA050300u) << "AIRCR write without VECTKEY ignored";
    EXPECT_EQ(rig.result(10), 0xE0E000E0u) << "SHPR3";
    EXPECT_EQ(rig.result(11), 0x200u) << "CCR.STKALIGN";
    EXPECT_EQ(rig.result(12), 2u) << "ICTR: 80 interrupts = 3 banks of 32";
    EXPECT_EQ(rig.result(13), 0x00F00000u) << "CPACR: CP10/CP11 full access";
    Nvic& nvic = rig.core().nvic();
    EXPECT_EQ(nvic.priorityField(exc::kFirstIrq + 5), 0x20);
    EXPECT_EQ(nvic.priorityGrouping(), 3u);
    EXPECT_EQ(nvic.priority(exc::kSysTick), 0xE0);
    EXPECT_EQ(nvic.priority(exc::kPendSv), 0xE0);
    EXPECT_TRUE(nvic.enabled(exc::kFirstIrq + 32));
}

// Regression test (was a bug: fixed in enterException).
// from unprivileged Thread mode): the first SysTick after dropping privilege locks the core up.
TEST(M4ExceptionTest, UnprivilegedThreadOnMspIsInterrupted) {
    M4TestRig rig(unpriv::code);
    rig.setResult(15, 1);  // CONTROL: nPRIV
    rig.run(ms(1));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_NEAR(static_cast<int>(rig.result(0)), 26, 1) << "SysTick entries in 1 ms";
    EXPECT_EQ(rig.result(1), 0xFFFFFFF9u);
    EXPECT_EQ(rig.result(2), kStackTop - 0x20) << "frame on MSP";
    EXPECT_EQ(rig.reg(UC_ARM_REG_CONTROL) & 7, 1u) << "still unprivileged after the returns";
    EXPECT_EQ(rig.reg(UC_ARM_REG_R4), 0x5EC0DE04u);
}

// Regression test (was a bug: fixed in enterException).
TEST(M4ExceptionTest, UnprivilegedThreadOnPspIsInterrupted) {
    M4TestRig rig(unpriv::code);
    rig.setResult(15, 3);  // CONTROL: nPRIV | SPSEL
    rig.run(ms(1));
    ASSERT_EQ(rig.core().state(), CoreState::Running) << rig.core().faultReport();
    EXPECT_NEAR(static_cast<int>(rig.result(0)), 26, 1) << "SysTick entries in 1 ms";
    EXPECT_EQ(rig.result(1), 0xFFFFFFFDu);
    EXPECT_EQ(rig.result(2), kStackTop) << "MSP untouched";
    EXPECT_EQ(rig.result(3), 0x0012F000u - 0x20) << "frame on PSP";
    EXPECT_EQ(rig.reg(UC_ARM_REG_CONTROL) & 7, 3u);
    EXPECT_EQ(rig.reg(UC_ARM_REG_R4), 0x5EC0DE04u);
}

}  // namespace
}  // namespace mt3620
