/* blink: LED1 red of the reference board (GPIO8, active low) toggled by GPT0 interrupts.
 * GPIO8 is bit 0 of GPIO group 2 (0x38030000, reference 4.1): DOUT_SET first (LED off,
 * pin high), then OE_SET and IES_RESET make it an output. GPT0 runs in repeat mode at
 * 32768 Hz with ICNT = 16384, so it interrupts (NVIC IRQ 1, reference 3 and 4.8) every
 * 500 ms. Each interrupt toggles the pin: toggle 1 (at 500 ms) turns the LED on
 * (DOUT_RESET, pin low), toggle 2 (at 1 s) turns it off (DOUT_SET, pin high), and so on.
 * Prints "blink start" once, then "toggle <n>" from Thread mode for every tenth toggle
 * (n = 10, 20, ...: every 5 s, LED off each time). The core sleeps in WFI otherwise. */
#include "mt3620.h"

#define LED_RED_GPIO    8u       /* group 2, bit 0 */
#define GPT_IRQ         1u
#define GPT_IRQ_PRIO    2u
#define HALF_SECOND_32K 16384u   /* 32768 Hz ticks */
#define PRINT_EVERY     10u

static volatile uint32_t g_toggles;

void IRQ1_Handler(void)
{
    uint32_t isr = reg_read(GPT_BASE, GPT_ISR);
    reg_write(GPT_BASE, GPT_ISR, isr & 1u); /* write 1 to clear GPT0's bit */
    if (isr & 1u) {
        uint32_t n = g_toggles + 1u;
        g_toggles = n;
        /* Odd toggles switch the LED on (active low: drive low), even ones off. */
        gpio_write(LED_RED_GPIO, (n & 1u) == 0);
    }
    __dsb();
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("blink start\r\n");

    g_toggles = 0;
    gpio_config_output(LED_RED_GPIO, true); /* LED off */

    reg_write(GPT_BASE, GPT0_CTRL, 0);
    reg_write(GPT_BASE, GPT_ISR, 1u);
    reg_write(GPT_BASE, GPT0_ICNT, HALF_SECOND_32K);
    reg_write(GPT_BASE, GPT_IER, reg_read(GPT_BASE, GPT_IER) | 1u);
    nvic_set_priority(GPT_IRQ, GPT_IRQ_PRIO);
    nvic_clear_pending(GPT_IRQ);
    nvic_enable_irq(GPT_IRQ);
    __enable_irq();
    reg_write(GPT_BASE, GPT0_CTRL, GPT01_CTRL_EN | GPT01_CTRL_REPEAT | GPT01_CTRL_32K);

    uint32_t seen = 0;
    for (;;) {
        __disable_irq();
        uint32_t n = g_toggles;
        if (n == seen) {
            __wfi();
            __enable_irq();
            continue;
        }
        __enable_irq();
        while (seen != n) {
            ++seen;
            if (seen % PRINT_EVERY == 0) {
                uart_puts("toggle ");
                uart_put_dec(seen);
                uart_puts("\r\n");
            }
        }
    }
}
