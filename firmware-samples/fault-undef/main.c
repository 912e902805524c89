/* fault-undef: executes a permanently undefined instruction (UDF #0, encoding 0xDE00).
 * UsageFault is not enabled, so it escalates to HardFault (HFSR.FORCED, CFSR.UNDEFINSTR)
 * and the default handler spins for ever. Prints one line and nothing after it. */
#include "mt3620.h"

void rtcore_main(void)
{
    uart_init();
    uart_puts("about to execute an undefined instruction\r\n");
    __asm__ volatile("udf #0" ::: "memory"); /* 0xDE00 */
    uart_puts("not reached\r\n");
    for (;;) {
        __wfi();
    }
}
