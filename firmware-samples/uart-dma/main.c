/* uart-dma: echoes every byte received on ISU0's UART back on ISU0, with the M4 DMA's
 * virtual-FIFO (VFF) channels doing the data movement (reference 4.3, 4.4, 4.11). Like
 * uart-echo, a board file attaches something to ISU0 (`type: uart`, `uart: ISU0`,
 * `endpoint: {tcp: 5555}`); the app manifest would list "Uart": ["ISU0"].
 *
 * Set-up: ISU0 at 115200-8-N-1, FIFOs on, VFIFO_EN = 1 and EXTEND_ADD = RX | TX DMA handshake.
 * DMA channel 13 (ISU0 TX) runs a 64-byte TX ring, channel 14 (ISU0 RX) a 32-byte RX ring that
 * interrupts (IRQ 77) once it holds RX_THRESHOLD bytes or RX_TIMEOUT ticks after the last byte
 * arrived with fewer. The handler moves the received bytes from the RX ring into the TX ring
 * and advances both software pointers; the DMA then feeds the UART at the baud rate. On every
 * '\n' the handler records the line's length; the main loop prints
 * "echoed <n> bytes (<t> threshold, <o> timeout interrupts)" on the debug UART and otherwise
 * sleeps in WFI. */
#include "mt3620.h"

#define ECHO_UART        ISU_UART_BASE(0)
#define UART_VFIFO_EN    0x4Cu
#define UART_EXTEND_ADD  0x64u   /* b0 RX DMA handshake, b1 TX DMA handshake */

/* M4 DMA (reference 4.11): channel c at DMA_BASE + 0x100 c, global registers at + 0x4000. */
#define DMA_BASE         0x21080000u
#define DMA_IRQ          77u
#define DMA_CH(c)        (DMA_BASE + 0x100u * (uint32_t)(c))
#define DMA_COUNT        0x10u   /* VFF: interrupt threshold */
#define DMA_CON          0x14u
#define DMA_START        0x18u
#define DMA_INTSTA       0x1Cu
#define DMA_ACKINT       0x20u
#define DMA_PGMADDR      0x2Cu
#define DMA_FFCNT        0x38u
#define DMA_FFSIZE       0x44u
#define DMA_TO           0x50u
#define DMA_SWPTR        0x5Cu
#define DMA_FIXADDR      0x60u
#define DMA_GLBSTA0      0x4000u
#define DMA_CH_EN_SET    0x4024u
#define DMA_CON_DREQ     (1u << 4)
#define DMA_CON_TOEN     (1u << 14)
#define DMA_CON_ITEN     (1u << 15)
#define DMA_CON_DIR_RX   (1u << 18)
#define DMA_START_STR    (1u << 15)
#define DMA_INT_DONE     (1u << 15)   /* VFF: threshold reached */
#define DMA_INT_TIMEOUT  (1u << 16)
#define DMA_PTR_WRAP     0x10000u

#define TX_CH            13u     /* ISU0 UART TX (reference 4.4) */
#define RX_CH            14u     /* ISU0 UART RX */
#define TX_RING_SIZE     64u
#define RX_RING_SIZE     32u
#define RX_THRESHOLD     8u
#define RX_TIMEOUT       9100u   /* 26 MHz ticks: 350 us, about 4 characters at 115200 */
#define LINE_SLOTS       16u

static volatile uint8_t g_tx_ring[TX_RING_SIZE];
static volatile uint8_t g_rx_ring[RX_RING_SIZE];

static volatile uint32_t g_line_len[LINE_SLOTS];
static volatile uint32_t g_lines_done;
static volatile uint32_t g_threshold_irqs;
static volatile uint32_t g_timeout_irqs;
static uint32_t g_current;

/* One step of a VFF pointer: offset + 1, back to 0 with the wrap bit flipped at the end. */
static uint32_t ptr_next(uint32_t ptr, uint32_t size)
{
    uint32_t offset = (ptr & 0xFFFFu) + 1u;
    uint32_t wrap = ptr & DMA_PTR_WRAP;
    if (offset == size) {
        offset = 0;
        wrap ^= DMA_PTR_WRAP;
    }
    return wrap | offset;
}

void IRQ77_Handler(void)
{
    uint32_t glbsta = reg_read(DMA_BASE, DMA_GLBSTA0);
    if ((glbsta & (2u << (2u * RX_CH))) == 0)
        return;
    uint32_t status = reg_read(DMA_CH(RX_CH), DMA_INTSTA);
    if (status & DMA_INT_DONE)
        ++g_threshold_irqs;
    if (status & DMA_INT_TIMEOUT)
        ++g_timeout_irqs;
    /* Acknowledge first: a byte that lands while we copy raises the interrupt again. */
    reg_write(DMA_CH(RX_CH), DMA_ACKINT, status);

    uint32_t rx_sw = reg_read(DMA_CH(RX_CH), DMA_SWPTR);
    uint32_t tx_sw = reg_read(DMA_CH(TX_CH), DMA_SWPTR);
    uint32_t avail = reg_read(DMA_CH(RX_CH), DMA_FFCNT);
    uint32_t room = TX_RING_SIZE - reg_read(DMA_CH(TX_CH), DMA_FFCNT);
    uint32_t n = avail < room ? avail : room;
    for (uint32_t i = 0; i < n; ++i) {
        uint8_t c = g_rx_ring[rx_sw & 0xFFFFu];
        rx_sw = ptr_next(rx_sw, RX_RING_SIZE);
        g_tx_ring[tx_sw & 0xFFFFu] = c;
        tx_sw = ptr_next(tx_sw, TX_RING_SIZE);
        ++g_current;
        if (c == '\n') {
            uint32_t done = g_lines_done;
            g_line_len[done % LINE_SLOTS] = g_current;
            g_lines_done = done + 1u;
            g_current = 0;
        }
    }
    __dsb();  /* the ring contents before the pointers the DMA acts on */
    reg_write(DMA_CH(RX_CH), DMA_SWPTR, rx_sw);
    reg_write(DMA_CH(TX_CH), DMA_SWPTR, tx_sw);
}

static void vff_channel(uint32_t ch, volatile uint8_t *ring, uint32_t size, uint32_t fixaddr,
                        uint32_t con, uint32_t threshold, uint32_t timeout)
{
    reg_write(DMA_CH(ch), DMA_START, 0);
    reg_write(DMA_CH(ch), DMA_PGMADDR, (uint32_t)(uintptr_t)ring);
    reg_write(DMA_CH(ch), DMA_FFSIZE, size);
    reg_write(DMA_CH(ch), DMA_COUNT, threshold);
    reg_write(DMA_CH(ch), DMA_TO, timeout);
    reg_write(DMA_CH(ch), DMA_FIXADDR, fixaddr);
    reg_write(DMA_CH(ch), DMA_CON, con);   /* size 0: bytes */
    reg_write(DMA_CH(ch), DMA_SWPTR, 0);
    reg_write(DMA_CH(ch), DMA_START, DMA_START_STR);
}

void rtcore_main(void)
{
    uart_init();

    uart_init_at(ECHO_UART);
    reg_write(ECHO_UART, UART_FCR, UART_FCR_FIFOE | UART_FCR_CLRR | UART_FCR_CLRT);

    reg_write(DMA_BASE, DMA_CH_EN_SET, (1u << TX_CH) | (1u << RX_CH));
    vff_channel(TX_CH, g_tx_ring, TX_RING_SIZE, ECHO_UART + UART_THR, DMA_CON_DREQ, 0, 0);
    vff_channel(RX_CH, g_rx_ring, RX_RING_SIZE, ECHO_UART + UART_RBR,
                DMA_CON_DREQ | DMA_CON_DIR_RX | DMA_CON_ITEN | DMA_CON_TOEN, RX_THRESHOLD, RX_TIMEOUT);

    reg_write(ECHO_UART, UART_VFIFO_EN, 1);
    reg_write(ECHO_UART, UART_EXTEND_ADD, 0x3);

    nvic_set_priority(DMA_IRQ, 2);
    nvic_clear_pending(DMA_IRQ);
    nvic_enable_irq(DMA_IRQ);
    __enable_irq();

    uart_puts("uart-dma ready\r\n");

    uint32_t printed = 0;
    for (;;) {
        uint32_t done = wfi_until_changed(&g_lines_done, printed);
        while (printed != done) {
            uint32_t len = g_line_len[printed % LINE_SLOTS];
            ++printed;
            uart_puts("echoed ");
            uart_put_dec(len);
            uart_puts(" bytes (");
            uart_put_dec(g_threshold_irqs);
            uart_puts(" threshold, ");
            uart_put_dec(g_timeout_irqs);
            uart_puts(" timeout interrupts)\r\n");
        }
    }
}
