/* hello: the demo RTApp. Prints a banner, then one line per second of GPT3 time. */
#include "mt3620.h"

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    const uint32_t start = gpt3_now_us();

    uart_puts("mt3620-emu hello sample\r\n");

    for (uint32_t n = 1;; ++n) {
        /* Absolute deadlines: line n appears n seconds after start, no drift. */
        gpt3_wait_until(start + n * 1000000u);
        uart_puts("Hello from the M4 at ");
        uart_put_dec(n);
        uart_puts(" s\r\n");
    }
}
