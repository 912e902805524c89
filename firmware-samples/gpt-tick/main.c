/* gpt-tick: GPT0 in repeat mode at 32768 Hz with ICNT = 32768 interrupts once a second on
 * NVIC IRQ 1 (GPT0/GPT1, reference sections 3 and 4.8). The handler acknowledges GPT_ISR
 * and counts; the main loop sleeps in WFI between interrupts and prints "tick <n>" from
 * Thread mode for every interrupt, so tick n appears n seconds after the timer starts.
 *
 * The sleep uses the race-free idiom: with PRIMASK set, check the counter and execute
 * WFI (a pending interrupt still wakes the core although it cannot be taken yet), then
 * clear PRIMASK so the interrupt is taken. */
#include "mt3620.h"

#define GPT_IRQ       1u
#define GPT_IRQ_PRIO  2u
#define TICKS_PER_S   32768u

static volatile uint32_t g_ticks;

void IRQ1_Handler(void)
{
    uint32_t isr = reg_read(GPT_BASE, GPT_ISR);
    reg_write(GPT_BASE, GPT_ISR, isr & 1u); /* write 1 to clear GPT0's bit */
    if (isr & 1u) {
        g_ticks = g_ticks + 1u;
    }
    __dsb(); /* the acknowledge reaches the timer before the exception returns */
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("gpt-tick: GPT0 repeat, 1 s period, IRQ 1\r\n");

    g_ticks = 0; /* .bss is zeroed by the loader; be explicit anyway */
    reg_write(GPT_BASE, GPT0_CTRL, 0);
    reg_write(GPT_BASE, GPT_ISR, 1u);
    reg_write(GPT_BASE, GPT0_ICNT, TICKS_PER_S);
    reg_write(GPT_BASE, GPT_IER, reg_read(GPT_BASE, GPT_IER) | 1u);
    nvic_set_priority(GPT_IRQ, GPT_IRQ_PRIO);
    nvic_clear_pending(GPT_IRQ);
    nvic_enable_irq(GPT_IRQ);
    __enable_irq();
    reg_write(GPT_BASE, GPT0_CTRL, GPT01_CTRL_EN | GPT01_CTRL_REPEAT | GPT01_CTRL_32K);

    uint32_t printed = 0;
    for (;;) {
        __disable_irq();
        uint32_t ticks = g_ticks;
        if (ticks == printed) {
            __wfi();
            __enable_irq();
            continue;
        }
        __enable_irq();
        while (printed != ticks) {
            ++printed;
            uart_puts("tick ");
            uart_put_dec(printed);
            uart_puts("\r\n");
        }
    }
}
