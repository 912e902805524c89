/* m4-ping: the sending half of an M4-to-M4 pair over the M4 <-> M4 mailbox (0x21060000,
 * reference §6.1). Run on m4-0 with m4-pong on m4-1. Posts five (command, data) pairs, raises
 * software interrupt 0x1 at the other core after each, and prints each reply it pops. */
#include "mt3620.h"

#define MBOX_M4 0x21060000u

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    uart_puts("m4-ping: start\r\n");
    for (uint32_t i = 1; i <= 5; ++i) {
        reg_write(MBOX_M4, 0x44, i * i);     /* DATA_PUSH */
        reg_write(MBOX_M4, 0x40, 0x100u + i); /* CMD_PUSH: pushes the pair */
        reg_write(MBOX_M4, 0x14, 0x1);        /* SW_TX_INT_PORT: wake the other core */
        while (reg_read(MBOX_M4, 0x58) == 0) { /* FIFO_POP_CNT */
        }
        uint32_t data = reg_read(MBOX_M4, 0x54); /* DATA_POP first: reading CMD pops */
        uint32_t cmd = reg_read(MBOX_M4, 0x50);
        uart_puts("m4-ping: sent ");
        uart_put_hex32(0x100u + i);
        uart_puts(" ");
        uart_put_dec(i * i);
        uart_puts(", reply ");
        uart_put_hex32(cmd);
        uart_puts(" ");
        uart_put_dec(data);
        uart_puts("\r\n");
    }
    uart_puts("m4-ping: done\r\n");
    for (;;) __wfi();
}
