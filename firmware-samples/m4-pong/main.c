/* m4-pong: the echoing half of the M4-to-M4 pair (see m4-ping). Sleeps until the other core's
 * software interrupt (IRQ 17, M42M4_SW), pops every entry, prints it, and answers with the
 * command's top bit set and the data plus one. */
#include "mt3620.h"

#define MBOX_M4 0x21060000u
#define IRQ_M4M4_SW 17u

static volatile uint32_t kicks;

void IRQ17_Handler(void)
{
    reg_write(MBOX_M4, 0x1C, reg_read(MBOX_M4, 0x1C)); /* SW_RX_INT_STS: write 1 to clear */
    ++kicks;
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("m4-pong: waiting\r\n");
    reg_write(MBOX_M4, 0x18, 0x1); /* SW_RX_INT_EN */
    nvic_set_priority(IRQ_M4M4_SW, 2);
    nvic_enable_irq(IRQ_M4M4_SW);
    for (;;) {
        __disable_irq();
        if (reg_read(MBOX_M4, 0x58) == 0) __wfi();
        __enable_irq();
        while (reg_read(MBOX_M4, 0x58) != 0) {
            uint32_t data = reg_read(MBOX_M4, 0x54);
            uint32_t cmd = reg_read(MBOX_M4, 0x50);
            uart_puts("m4-pong: got ");
            uart_put_hex32(cmd);
            uart_puts(" ");
            uart_put_dec(data);
            uart_puts("\r\n");
            reg_write(MBOX_M4, 0x44, data + 1u);
            reg_write(MBOX_M4, 0x40, cmd | 0x80000000u);
        }
    }
}
