/* counter: prints "counter <n>" every 250 ms of GPT3 time, n = 0, 1, 2, ...
 * Meant for the second IO core in dual-core tests. */
#include "mt3620.h"

#define PERIOD_US 250000u

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    const uint32_t start = gpt3_now_us();

    for (uint32_t n = 0;; ++n) {
        /* "counter n" is printed n * 250 ms after start (counter 0 at once). */
        gpt3_wait_until(start + n * PERIOD_US);
        uart_puts("counter ");
        uart_put_dec(n);
        uart_puts("\r\n");
    }
}
