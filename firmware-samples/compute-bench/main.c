/* compute-bench: the compute workload run for many rounds, for measuring guest
 * instructions per host second. Prints "bench done <checksum>" and sleeps.
 * `host_check bench` computes the same checksum on the host. */
#include "mt3620.h"
#include "../compute/algorithm.h"

void rtcore_main(void)
{
    uart_init();
    uart_puts("bench start\r\n");

    const uint32_t sum = compute_checksum(COMPUTE_BENCH_ROUNDS);

    uart_puts("bench done 0x");
    uart_put_hex(sum, 8);
    uart_puts("\r\n");

    for (;;) {
        __asm__ volatile("wfi");
    }
}
