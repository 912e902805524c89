/* watchdog: the per-core watchdog (0x21020000, reference 4.9) in reset mode.
 *
 * First boot (WDT_STA bit 15 clear):
 *   watchdog start, status 0x00000000
 *   watchdog enabled, 1 s timeout          (t ~ 0)
 *   kick 1 .. kick 4                       (t = 250, 500, 750, 1000 ms of GPT3 time)
 *   stopped kicking                        (t ~ 1000 ms), then a busy loop
 * The watchdog expires about 1 s after the last kick (t ~ 2 s) and resets the core, which
 * starts this sample again from its reset vector:
 *   watchdog start, status 0x00008000
 *   rebooted by watchdog
 * and it disables the watchdog and sleeps in WFI for ever.
 * The sample keeps no state in RAM across the reset: only WDT_STA tells the boots apart. */
#include "mt3620.h"

#define TIMEOUT_S     1u
#define KICK_US       250000u
#define KICKS         4u

static void wdt_mode(uint32_t bits)
{
    reg_write(WDT_BASE, WDT_MODE, WDT_MODE_KEY | bits);
}

static void wdt_kick(void)
{
    reg_write(WDT_BASE, WDT_RESTART, WDT_RESTART_KEY);
}

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    uint32_t status = reg_read(WDT_BASE, WDT_STA);
    uart_puts("watchdog start, status ");
    uart_put_hex32(status);
    uart_puts("\r\n");

    if (status & WDT_STA_HW_TIMEOUT) {
        wdt_mode(0); /* disabled */
        uart_puts("rebooted by watchdog\r\n");
        for (;;) {
            __wfi();
        }
    }

    wdt_mode(0);
    reg_write(WDT_BASE, WDT_LENGTH, ((TIMEOUT_S * 32u - 1u) << 5) | WDT_LENGTH_KEY);
    wdt_kick();
    wdt_mode(WDT_MODE_ENABLE); /* reset mode (IRQ bit clear) */
    uart_puts("watchdog enabled, 1 s timeout\r\n");

    const uint32_t start = gpt3_now_us();
    for (uint32_t n = 1; n <= KICKS; ++n) {
        gpt3_wait_until(start + n * KICK_US);
        wdt_kick();
        uart_puts("kick ");
        uart_put_dec(n);
        uart_puts("\r\n");
    }
    uart_puts("stopped kicking\r\n");
    for (;;) {
        /* busy: wait for the watchdog reset */
    }
}
