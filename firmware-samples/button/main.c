/* button: button A of the reference board (GPIO12, active low, idle high) on external
 * interrupt EINT12 toggles LED1 green (GPIO9, active low).
 *   GPIO9:  DOUT_SET (LED off), OE_SET, IES_RESET in group 2 (0x38030000), bit 1.
 *   GPIO12: OE_RESET, IES_SET in group 3 (0x38040000), bit 0 (reference 4.1).
 *   IRQ_SENS[1] (0x21000204) b0 cleared: NVIC IRQ 32 edge-sensed, one interrupt per press.
 *   DBNC_CON[12] (0x21000030) = EN only (0x200): falling edge (POL = 0), single edge,
 *   debounce count and prescaler 0 (reference 4.10). EINT12 is NVIC IRQ 32 (= 20 + 12).
 * Prints "button start, level <0|1>" (GPIO12's DIN, 1 = released), then sleeps in WFI.
 * Each interrupt toggles the LED (press 1 on, press 2 off, ...) and counts; Thread mode
 * then prints "press <n>" for every counted press, n = 1, 2, 3, ... */
#include "mt3620.h"

#define LED_GREEN_GPIO  9u    /* group 2, bit 1 */
#define BUTTON_A_GPIO   12u   /* group 3, bit 0; EINT12 */
#define BUTTON_IRQ      EINT_IRQ(BUTTON_A_GPIO) /* 32 */
#define BUTTON_IRQ_PRIO 2u

static volatile uint32_t g_presses;

void IRQ32_Handler(void)
{
    uint32_t n = g_presses + 1u;
    g_presses = n;
    /* Odd presses switch the LED on (active low: drive low), even ones off. */
    gpio_write(LED_GREEN_GPIO, (n & 1u) == 0);
    __dsb();
}

void rtcore_main(void)
{
    uart_init();

    g_presses = 0;
    gpio_config_output(LED_GREEN_GPIO, true); /* LED off */
    gpio_config_input(BUTTON_A_GPIO);

    uart_puts("button start, level ");
    uart_putc(gpio_read(BUTTON_A_GPIO) ? '1' : '0');
    uart_puts("\r\n");

    /* IRQ 32 is bit 0 of IRQ_SENS[1]: 0 = edge. */
    uint32_t sens = reg_read(IRQ_CFG_BASE, IRQ_CFG_IRQ_SENS(BUTTON_IRQ / 32u));
    reg_write(IRQ_CFG_BASE, IRQ_CFG_IRQ_SENS(BUTTON_IRQ / 32u), sens & ~(1u << (BUTTON_IRQ % 32u)));
    /* Falling edge (button pressed), no debounce. */
    reg_write(IRQ_CFG_BASE, IRQ_CFG_DBNC_CON(BUTTON_A_GPIO), DBNC_EN);

    nvic_set_priority(BUTTON_IRQ, BUTTON_IRQ_PRIO);
    nvic_clear_pending(BUTTON_IRQ);
    nvic_enable_irq(BUTTON_IRQ);
    __enable_irq();

    uint32_t printed = 0;
    for (;;) {
        __disable_irq();
        uint32_t n = g_presses;
        if (n == printed) {
            __wfi();
            __enable_irq();
            continue;
        }
        __enable_irq();
        while (printed != n) {
            ++printed;
            uart_puts("press ");
            uart_put_dec(printed);
            uart_puts("\r\n");
        }
    }
}
