/* compute: a deterministic FPU-heavy workload (see algorithm.h). Prints its
 * checksum, which must equal compute/EXPECTED_CHECKSUM (host_check.c), then sleeps.
 * The FPU is enabled by the loader; this program does not touch CPACR. */
#include "mt3620.h"
#include "algorithm.h"

void rtcore_main(void)
{
    uart_init();

    const uint32_t sum = compute_checksum(COMPUTE_ROUNDS);

    uart_puts("compute checksum: 0x");
    uart_put_hex(sum, 8);
    uart_puts("\r\n");
    uart_puts("compute done\r\n");

    for (;;) {
        __asm__ volatile("wfi");
    }
}
