/* fault-handler: a HardFault handler that reports the fault. A load from 0x40000000 (not
 * in the MT3620 memory map) is a precise bus fault; BusFault is not enabled in SHCSR, so it
 * escalates to HardFault. The handler finds the exception frame (MSP or PSP, from
 * EXC_RETURN bit 2), reads CFSR, HFSR, BFAR (and MMFAR if CFSR.MMARVALID) and prints
 *   HardFault: CFSR=0x00008200 HFSR=0x40000000 BFAR=0x40000000 PC=0x<address of the ldr>
 * (CFSR = BFARVALID | PRECISERR, HFSR = FORCED), then sleeps in WFI for ever. Before the
 * fault it prints the expected PC: "bad read at PC=0x..." */
#include "mt3620.h"

#define BAD_ADDRESS 0x40000000u

/* uint32_t bad_read(uint32_t address): one ldr, the faulting instruction is its first. */
uint32_t bad_read(uint32_t address);
__asm__(".section .text.bad_read,\"ax\",%progbits\n"
        ".global bad_read\n"
        ".type bad_read, %function\n"
        ".thumb_func\n"
        "bad_read:\n"
        "    ldr r0, [r0]\n"
        "    bx lr\n"
        ".size bad_read, . - bad_read\n"
        ".text\n");

void hardfault_report(const uint32_t *frame);
void hardfault_report(const uint32_t *frame)
{
    uint32_t cfsr = reg_read(SCB_CFSR, 0);
    uint32_t hfsr = reg_read(SCB_HFSR, 0);
    uint32_t bfar = reg_read(SCB_BFAR, 0);
    uint32_t mmfar = reg_read(SCB_MMFAR, 0);
    uint32_t pc = frame[6]; /* r0 r1 r2 r3 r12 lr pc xpsr */

    uart_puts("HardFault: CFSR=");
    uart_put_hex32(cfsr);
    uart_puts(" HFSR=");
    uart_put_hex32(hfsr);
    uart_puts(" BFAR=");
    uart_put_hex32(bfar);
    uart_puts(" PC=");
    uart_put_hex32(pc);
    uart_puts("\r\n");
    if (cfsr & (1u << 7)) { /* MMARVALID */
        uart_puts("HardFault: MMFAR=");
        uart_put_hex32(mmfar);
        uart_puts("\r\n");
    }
    for (;;) {
        __wfi();
    }
}

__attribute__((naked)) void HardFault_Handler(void)
{
    __asm__ volatile(
        "tst     lr, #4\n\t"     /* EXC_RETURN bit 2: 0 = frame on MSP, 1 = on PSP */
        "ite     eq\n\t"
        "mrseq   r0, msp\n\t"
        "mrsne   r0, psp\n\t"
        "b       hardfault_report\n\t");
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("fault-handler start\r\n");
    uart_puts("bad read at PC=");
    uart_put_hex32((uint32_t)(uintptr_t)bad_read & ~1u);
    uart_puts(" from ");
    uart_put_hex32(BAD_ADDRESS);
    uart_puts("\r\n");
    uint32_t v = bad_read(BAD_ADDRESS);
    uart_puts("not reached, read ");
    uart_put_hex32(v);
    uart_puts("\r\n");
    for (;;) {
        __wfi();
    }
}
