/* uart-echo: echoes every byte received on ISU0's UART (0x38070500, NVIC IRQ 47, reference
 * 4.3 and 4.4) back on ISU0, from the RX interrupt. The app manifest would list
 * "Uart": ["ISU0"]; in the emulator a board file attaches something to ISU0 (a TCP socket,
 * for instance: `type: uart`, `uart: ISU0`, `endpoint: {tcp: 5555}`).
 *
 * Set-up: ISU0 at 115200-8-N-1 with the debug UART's register sequence, FIFOs on and
 * cleared (RX trigger at 1 byte), IER.ERBFI, IRQ 47 enabled in the NVIC. The handler reads
 * RBR while LSR.DR is set and writes each byte to THR once LSR.THRE is set. On every '\n'
 * it records the line's length; the main loop prints "echoed <n> bytes" for each line on
 * the debug UART and otherwise sleeps in WFI (race-free: PRIMASK set around the check). */
#include "mt3620.h"

#define ECHO_UART      ISU_UART_BASE(0)
#define ECHO_IRQ       ISU_UART_IRQ(0)
#define ECHO_IRQ_PRIO  2u
#define LINE_SLOTS     16u   /* lines the handler can finish before the main loop prints */

static volatile uint32_t g_line_len[LINE_SLOTS];
static volatile uint32_t g_lines_done;   /* written by the handler */
static uint32_t g_current;               /* bytes of the line being echoed (handler only) */

void IRQ47_Handler(void)
{
    (void)reg_read(ECHO_UART, UART_IIR); /* identify (RX data or RX timeout) */
    while (uart_rx_ready_at(ECHO_UART)) {
        uint8_t c = uart_getc_at(ECHO_UART);
        uart_putc_at(ECHO_UART, c);
        ++g_current;
        if (c == '\n') {
            uint32_t n = g_lines_done;
            g_line_len[n % LINE_SLOTS] = g_current;
            g_lines_done = n + 1u;
            g_current = 0;
        }
    }
    __dsb();
}

void rtcore_main(void)
{
    uart_init();

    uart_init_at(ECHO_UART);
    reg_write(ECHO_UART, UART_FCR, UART_FCR_FIFOE | UART_FCR_CLRR | UART_FCR_CLRT);
    reg_write(ECHO_UART, UART_IER, UART_IER_ERBFI);
    nvic_set_priority(ECHO_IRQ, ECHO_IRQ_PRIO);
    nvic_clear_pending(ECHO_IRQ);
    nvic_enable_irq(ECHO_IRQ);
    __enable_irq();

    uart_puts("uart-echo ready\r\n");

    uint32_t printed = 0;
    for (;;) {
        __disable_irq();
        uint32_t done = g_lines_done;
        if (done == printed) {
            __wfi();
            __enable_irq();
            continue;
        }
        __enable_irq();
        while (printed != done) {
            uint32_t len = g_line_len[printed % LINE_SLOTS];
            ++printed;
            uart_puts("echoed ");
            uart_put_dec(len);
            uart_puts(" bytes\r\n");
        }
    }
}
