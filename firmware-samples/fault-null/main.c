/* fault-null: a write through a null pointer. No fault handler is installed and no
 * configurable fault is enabled, so the bus fault escalates to HardFault and the default
 * handler (startup.c) spins for ever. Prints "about to fault" and nothing after it.
 * (On the chip 0x00000000 is the boot jump area; the emulator leaves it unmapped.) */
#include "mt3620.h"

void rtcore_main(void)
{
    uart_init();
    uart_puts("about to fault\r\n");
    /* *(volatile uint32_t *)0 = 0x1234, with the null hidden from the optimiser: GCC would
     * otherwise follow the store with a UDF trap, and "not reached" would not be printed
     * even on a machine where the store does not fault. */
    volatile uint32_t *null_ptr = 0;
    __asm__("" : "+r"(null_ptr));
    *null_ptr = 0x1234;
    uart_puts("not reached\r\n");
    for (;;) {
        __wfi();
    }
}
