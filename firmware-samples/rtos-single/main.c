/* rtos-single: the two rtos-switch workloads (../rtos-switch/float_work.h) run one after
 * the other, without threads or interrupts. Prints the same checksum lines as rtos-switch;
 * the two samples' values must be equal. */
#include "mt3620.h"
#include "../rtos-switch/float_work.h"

void rtcore_main(void)
{
    uart_init();
    uart_puts("rtos-single start\r\n");
    uint32_t a = work_a();
    uint32_t b = work_b();
    uart_puts("thread A checksum: ");
    uart_put_hex32(a);
    uart_puts("\r\nthread B checksum: ");
    uart_put_hex32(b);
    uart_puts("\r\nrtos-single done\r\n");
    for (;;) {
        __wfi();
    }
}
