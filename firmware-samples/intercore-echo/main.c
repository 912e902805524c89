/* intercore-echo: an RTApp that talks to a high-level app through the intercore buffers, in the
 * shape of Microsoft's IntercoreComms RTApp (reference §6.2, §6.3):
 *   - waits on its A7 mailbox (0x21050000) for the buffer descriptors 0xBA5E0001 (outbound,
 *     RT -> HL) and 0xBA5E0002 (inbound, HL -> RT), then 0xBA5E0003 (start);
 *   - enables software interrupts 0x2 ("HL sent") and 0x1 ("HL received") on IRQ 11 and sleeps
 *     until messages arrive (or, with its reply ring full, until the HL app reads);
 *   - replies to every message with the same data prefixed by "echo:", addressed to the sender's
 *     component ID, and signals 0x1 ("sent") / 0x2 ("received") back to the A7;
 *   - prints what it does on its debug UART. */
#include <stdint.h>
#include <string.h>

#include "mt3620.h"

#define MBOX_BASE        0x21050000u
#define MBOX_SW_TX       0x14u
#define MBOX_SW_RX_EN    0x18u
#define MBOX_SW_RX_STS   0x1Cu
#define MBOX_CMD_POP     0x50u
#define MBOX_DATA_POP    0x54u
#define MBOX_POP_CNT     0x58u
#define IRQ_MBOX_A7_SW   11u

#define RING_ALIGN 16u
#define ID_SIZE 16u
#define RESERVED_SIZE 4u
#define MAX_PAYLOAD 1040u

typedef struct {
    volatile uint32_t write_pos;
    volatile uint32_t read_pos;
    uint32_t reserved[14];
} buffer_header;

static buffer_header *outbound, *inbound;  /* RT -> HL, HL -> RT */
static uint8_t *out_ring, *in_ring;
static uint32_t out_size, in_size;
static volatile uint32_t sw_events;

void IRQ11_Handler(void)
{
    uint32_t sts = reg_read(MBOX_BASE, MBOX_SW_RX_STS);
    reg_write(MBOX_BASE, MBOX_SW_RX_STS, sts); /* W1C */
    sw_events |= sts;
}

static void take_descriptor(uint32_t desc, buffer_header **hdr, uint8_t **ring, uint32_t *size)
{
    *hdr = (buffer_header *)(uintptr_t)(desc & ~0x1Fu);
    *size = (1u << (desc & 0x1Fu)) - sizeof(buffer_header);
    *ring = (uint8_t *)(*hdr) + sizeof(buffer_header);
}

static void wait_for_setup(void)
{
    for (;;) {
        while (reg_read(MBOX_BASE, MBOX_POP_CNT) == 0) {
        }
        uint32_t data = reg_read(MBOX_BASE, MBOX_DATA_POP); /* data first: reading CMD pops */
        uint32_t cmd = reg_read(MBOX_BASE, MBOX_CMD_POP);
        if (cmd == 0xBA5E0001u) take_descriptor(data, &outbound, &out_ring, &out_size);
        else if (cmd == 0xBA5E0002u) take_descriptor(data, &inbound, &in_ring, &in_size);
        else if (cmd == 0xBA5E0003u && outbound && inbound) return;
    }
}

static uint32_t round16(uint32_t n) { return (n + RING_ALIGN - 1u) & ~(RING_ALIGN - 1u); }

static void ring_copy_out(const uint8_t *ring, uint32_t size, uint32_t pos, uint8_t *dst, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i) dst[i] = ring[(pos + i) % size];
}

static void ring_copy_in(uint8_t *ring, uint32_t size, uint32_t pos, const uint8_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i) ring[(pos + i) % size] = src[i];
}

/* One message from the HL app: sender ID and data. Returns the data length, or -1. */
static int receive(uint8_t sender[ID_SIZE], uint8_t *data, uint32_t max)
{
    uint32_t w = inbound->write_pos;
    uint32_t r = outbound->read_pos;
    __dsb();
    if (w == r) return -1;
    uint32_t len = *(volatile uint32_t *)(in_ring + r);
    if (len < ID_SIZE + RESERVED_SIZE || len - ID_SIZE - RESERVED_SIZE > max) {
        outbound->read_pos = w; /* malformed: skip everything */
        return -1;
    }
    ring_copy_out(in_ring, in_size, (r + 4u) % in_size, sender, ID_SIZE);
    uint32_t n = len - ID_SIZE - RESERVED_SIZE;
    ring_copy_out(in_ring, in_size, (r + 4u + ID_SIZE + RESERVED_SIZE) % in_size, data, n);
    __dsb();
    outbound->read_pos = (r + round16(4u + len)) % in_size;
    __dsb();
    reg_write(MBOX_BASE, MBOX_SW_TX, 0x2u); /* "I consumed your message" */
    return (int)n;
}

/* Sends data to `recipient`; 0 when the ring has no room. */
static int send(const uint8_t recipient[ID_SIZE], const uint8_t *data, uint32_t n)
{
    uint32_t r = inbound->read_pos;
    uint32_t w = outbound->write_pos;
    __dsb();
    uint32_t used = (w + out_size - r) % out_size;
    uint32_t len = ID_SIZE + RESERVED_SIZE + n;
    uint32_t block = round16(4u + len);
    if (used + block + RING_ALIGN > out_size) return 0;
    *(volatile uint32_t *)(out_ring + w) = len;
    ring_copy_in(out_ring, out_size, (w + 4u) % out_size, recipient, ID_SIZE);
    static const uint8_t reserved[RESERVED_SIZE];
    ring_copy_in(out_ring, out_size, (w + 4u + ID_SIZE) % out_size, reserved, RESERVED_SIZE);
    ring_copy_in(out_ring, out_size, (w + 4u + ID_SIZE + RESERVED_SIZE) % out_size, data, n);
    __dsb();
    outbound->write_pos = (w + block) % out_size;
    __dsb();
    reg_write(MBOX_BASE, MBOX_SW_TX, 0x1u); /* "I sent a message" */
    return 1;
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("intercore-echo: waiting for the HL app\r\n");
    wait_for_setup();
    uart_puts("intercore-echo: buffers ");
    uart_put_hex32((uint32_t)(uintptr_t)outbound);
    uart_puts(" (out) ");
    uart_put_hex32((uint32_t)(uintptr_t)inbound);
    uart_puts(" (in), ");
    uart_put_dec(in_size);
    uart_puts(" bytes\r\n");

    /* 0x2: the HL app sent a message; 0x1: it read one of ours (room for the next reply). */
    reg_write(MBOX_BASE, MBOX_SW_RX_EN, 0x3u);
    reg_write(MBOX_BASE, MBOX_SW_RX_STS, 0x3u);
    nvic_set_priority(IRQ_MBOX_A7_SW, 2);
    nvic_enable_irq(IRQ_MBOX_A7_SW);

    static uint8_t msg[MAX_PAYLOAD], reply[MAX_PAYLOAD + 5];
    uint8_t sender[ID_SIZE];
    uint32_t count = 0;
    for (;;) {
        int n = receive(sender, msg, sizeof msg - 5u);
        if (n < 0) {
            __disable_irq(); /* no wake-up lost between the check and WFI */
            if (inbound->write_pos == outbound->read_pos) __wfi();
            __enable_irq();
            continue;
        }
        memcpy(reply, "echo:", 5);
        memcpy(reply + 5, msg, (uint32_t)n);
        for (;;) {
            __disable_irq();
            sw_events &= ~0x1u;
            __enable_irq();
            if (send(sender, reply, (uint32_t)n + 5u)) break;
            /* The HL app has not read our earlier replies yet: wait for its "received" (0x1),
             * unless it came since the check (no wake-up lost). */
            __disable_irq();
            if (!(sw_events & 0x1u)) __wfi();
            __enable_irq();
        }
        if (++count % 250u == 0) {
            uart_puts("intercore-echo: ");
            uart_put_dec(count);
            uart_puts(" messages echoed\r\n");
        }
    }
}
