/* watchdog-irq: the per-core watchdog (reference 4.9) in interrupt mode (WDT_MODE b3):
 * on expiry it raises NVIC IRQ 3 instead of resetting the core.
 *   watchdog-irq start, status 0x00000000
 *   watchdog enabled, 1 s timeout, IRQ mode    (t ~ 0, then WFI)
 *   watchdog interrupt                         (t ~ 1 s, printed by the IRQ 3 handler)
 *   done                                       (Thread mode), then WFI for ever.
 * The handler disables the watchdog, kicks it, and also disables and un-pends IRQ 3 in the
 * NVIC, so it runs once whatever the line does after the watchdog is disabled. */
#include "mt3620.h"

#define WDT_IRQ       3u
#define WDT_IRQ_PRIO  2u
#define TIMEOUT_S     1u

static volatile bool fired;

void IRQ3_Handler(void)
{
    reg_write(WDT_BASE, WDT_MODE, WDT_MODE_KEY); /* disable */
    reg_write(WDT_BASE, WDT_RESTART, WDT_RESTART_KEY);
    nvic_disable_irq(WDT_IRQ);
    nvic_clear_pending(WDT_IRQ);
    if (!fired) {
        fired = true;
        uart_puts("watchdog interrupt\r\n");
    }
}

void rtcore_main(void)
{
    uart_init();
    uint32_t status = reg_read(WDT_BASE, WDT_STA);
    uart_puts("watchdog-irq start, status ");
    uart_put_hex32(status);
    uart_puts("\r\n");

    fired = false;
    reg_write(WDT_BASE, WDT_MODE, WDT_MODE_KEY); /* disabled while configuring */
    reg_write(WDT_BASE, WDT_LENGTH, ((TIMEOUT_S * 32u - 1u) << 5) | WDT_LENGTH_KEY);
    reg_write(WDT_BASE, WDT_RESTART, WDT_RESTART_KEY);
    nvic_set_priority(WDT_IRQ, WDT_IRQ_PRIO);
    nvic_clear_pending(WDT_IRQ);
    nvic_enable_irq(WDT_IRQ);
    __enable_irq();
    reg_write(WDT_BASE, WDT_MODE, WDT_MODE_KEY | WDT_MODE_IRQ | WDT_MODE_ENABLE);
    uart_puts("watchdog enabled, 1 s timeout, IRQ mode\r\n");

    for (;;) {
        __disable_irq();
        if (fired) {
            __enable_irq();
            break;
        }
        __wfi();
        __enable_irq();
    }
    uart_puts("done\r\n");
    for (;;) {
        __wfi();
    }
}
