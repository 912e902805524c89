/* tick-tock: exercises the register usage of Microsoft's published bare-metal
 * HelloWorld RTApp (debug-UART init sequence, VTOR write, GPT3 busy-wait that
 * reloads GPT3_INIT = 0, enables the timer, polls GPT3_CNT and disables it
 * again), with the project's own code. */
#include "mt3620.h"

/* One-shot wait: restart GPT3 from 0 at 1 MHz, wait for `us`, stop it. */
static void gpt3_restart_wait_us(uint32_t us)
{
    reg_write(GPT_BASE, GPT3_INIT, 0);
    reg_write(GPT_BASE, GPT3_CTRL, GPT3_CTRL_1MHZ_EN);
    while (reg_read(GPT_BASE, GPT3_CNT) < us) {
    }
    reg_write(GPT_BASE, GPT3_CTRL, 0);
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("UART Initialized\r\n");

    bool tick = true;
    for (;;) {
        uart_puts(tick ? "Tick\r\n" : "Tock\r\n");
        tick = !tick;
        gpt3_restart_wait_us(1000000u);
    }
}
