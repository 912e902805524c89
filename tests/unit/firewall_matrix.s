    .syntax unified
    .cpu cortex-m4
    .thumb
    .org 0
vectors:
    .word 0x00110000        @ MSP
    .word reset + 1
    .word spin + 1          @ NMI
    .word spin + 1          @ HardFault
    .word spin + 1          @ MemManage
    .word busfault + 1      @ BusFault
    .word spin + 1          @ UsageFault
    .org 0x40
reset:
    ldr r3, =0xE000ED24     @ SHCSR: enable BusFault
    ldr r2, [r3]
    orr r2, r2, #(1 << 17)
    str r2, [r3]
    ldr r4, =0x00120000     @ results
    ldr r0, [r4, #0]        @ R0: address to access
    ldr r1, [r4, #4]        @ R1: 1 = write, 0 = read
    ldr r2, [r4, #8]        @ R2: value to write
    cbnz r1, dowrite
    .global read_access
read_access:
    ldr r5, [r0]
    str r5, [r4, #12]       @ R3: value read
    b done
dowrite:
    .global write_access
write_access:
    str r2, [r0]
done:
    movw r5, #0xD0E
    str r5, [r4, #16]       @ R4: done marker
spin:
    b spin
busfault:
    ldr r4, =0x00120000
    ldr r3, =0xE000ED28     @ CFSR
    ldr r2, [r3]
    str r2, [r4, #20]       @ R5: CFSR
    str r2, [r3]            @ W1C
    ldr r3, =0xE000ED38     @ BFAR
    ldr r2, [r3]
    str r2, [r4, #24]       @ R6: BFAR
    ldr r2, [sp, #24]       @ stacked PC
    str r2, [r4, #28]       @ R7: stacked PC
    adds r2, r2, #2         @ skip the 16-bit access
    str r2, [sp, #24]
    ldr r2, [r4, #32]
    adds r2, r2, #1
    str r2, [r4, #32]       @ R8: BusFault count
    bx lr
    .ltorg
