/* clock-switch: runs the same fixed loop at the 26 MHz crystal clock and at the 197.6 MHz PLL
 * (HCLK_CK_CTRL at 0x2101000C, field [9:8]: 0 = 26 MHz, 2 = 197.6 MHz; reference 4.12) and
 * prints how many GPT3 microseconds each took. On the chip (and in the emulator) the second
 * figure is about 7.6 times smaller. */
#include "mt3620.h"

#define HCLK_CK_CTRL_ADDR 0x2101000Cu
#define LOOP_COUNT 200000u

static uint32_t timed_loop(void)
{
    uint32_t start = gpt3_now_us();
    for (volatile uint32_t i = 0; i < LOOP_COUNT; ++i) {
    }
    return gpt3_now_us() - start;
}

void rtcore_main(void)
{
    uart_init();
    gpt3_init();

    uint32_t slow = timed_loop();
    uint32_t v = reg_read(HCLK_CK_CTRL_ADDR, 0);
    reg_write(HCLK_CK_CTRL_ADDR, 0, (v & 0xFFFFFCFFu) | (2u << 8));
    uint32_t fast = timed_loop();

    uart_puts("26 MHz loop: ");
    uart_put_dec(slow);
    uart_puts(" us\r\n197.6 MHz loop: ");
    uart_put_dec(fast);
    uart_puts(" us\r\n");
    for (;;) {
        __asm__ volatile("wfi");
    }
}
