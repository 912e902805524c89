/* compute-bench-qemu: the compute-bench workload (compute/algorithm.h,
 * COMPUTE_BENCH_ROUNDS rounds) for QEMU's mps2-an386 board, so the emulator's
 * throughput can be compared with qemu-system-arm on the same code.
 *
 * Output goes to the CMSDK UART0 at 0x40004000: "bench start", then
 * "bench done 0x<8 hex digits>" (the same checksum as compute-bench). Then it
 * asks QEMU to exit through semihosting SYS_EXIT (needs
 * -semihosting-config enable=on); without semihosting it loops. */
#include <stdint.h>

#include "../compute/algorithm.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t*)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t*)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t*)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t*)(UART0_BASE + 0x10u))
#define UART_STATE_TXFULL 0x1u
#define UART_CTRL_TXEN 0x1u

static void uart_init(void)
{
    UART_BAUDDIV = 16u;
    UART_CTRL = UART_CTRL_TXEN;
}

static void uart_putc(char c)
{
    while (UART_STATE & UART_STATE_TXFULL) {
    }
    UART_DATA = (uint32_t)(uint8_t)c;
}

static void uart_puts(const char* s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

static void uart_put_hex(uint32_t v, int digits)
{
    for (int i = digits - 1; i >= 0; --i) {
        uart_putc("0123456789abcdef"[(v >> (4 * i)) & 0xFu]);
    }
}

/* Semihosting SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit (0x20026). */
static void semihosting_exit(void)
{
    register uint32_t r0 __asm__("r0") = 0x18u;
    register uint32_t r1 __asm__("r1") = 0x20026u;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}

int main(void)
{
    uart_init();
    uart_puts("bench start\r\n");

    const uint32_t sum = compute_checksum(COMPUTE_BENCH_ROUNDS);

    uart_puts("bench done 0x");
    uart_put_hex(sum, 8);
    uart_puts("\r\n");

    semihosting_exit();
    for (;;) {
        __asm__ volatile("wfi");
    }
}
