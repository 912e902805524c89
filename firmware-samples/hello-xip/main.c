/* hello-xip: like hello, but linked with linker-xip.ld so the vector table,
 * code and read-only data execute in place from the flash window at 0x10000000. */
#include "mt3620.h"

/* Initialised data and bss live in TCM (the loader places them there directly);
 * they are deliberately global so they stay in memory rather than in registers. */
uint32_t hello_xip_period_us = 1000000u; /* .data */
uint32_t hello_xip_lines;                /* .bss */

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    const uint32_t start = gpt3_now_us();

    uart_puts("mt3620-emu hello-xip sample\r\n");

    for (uint32_t n = 1;; ++n) {
        gpt3_wait_until(start + n * hello_xip_period_us);
        ++hello_xip_lines;
        uart_puts("Hello from XIP flash at ");
        uart_put_dec(n);
        uart_puts(" s\r\n");
    }
}
