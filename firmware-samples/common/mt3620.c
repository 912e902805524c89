#include "mt3620.h"

void uart_init(void)
{
    /* Enhanced mode (LCR = 0xBF) so EFR is reachable; enable enhanced features. */
    reg_write(DEBUG_UART_BASE, UART_LCR, 0xBF);
    reg_write(DEBUG_UART_BASE, UART_EFR, 0x10);
    /* Divisor latch access; 115200 baud from the 26 MHz clock. */
    reg_write(DEBUG_UART_BASE, UART_LCR, 0x80);
    reg_write(DEBUG_UART_BASE, UART_HIGHSPEED, 3);
    reg_write(DEBUG_UART_BASE, UART_DLM, 0);
    reg_write(DEBUG_UART_BASE, UART_DLL, 1);
    reg_write(DEBUG_UART_BASE, UART_SAMPLE_COUNT, 224);
    reg_write(DEBUG_UART_BASE, UART_SAMPLE_POINT, 110);
    reg_write(DEBUG_UART_BASE, UART_FRACDIV_M, 0);
    reg_write(DEBUG_UART_BASE, UART_FRACDIV_L, 223);
    /* 8 data bits, no parity, 1 stop bit; DLAB off. */
    reg_write(DEBUG_UART_BASE, UART_LCR, 0x03);
}

void uart_putc(char c)
{
    while ((reg_read(DEBUG_UART_BASE, UART_LSR) & UART_LSR_THRE) == 0) {
    }
    reg_write(DEBUG_UART_BASE, UART_THR, (uint8_t)c);
}

void uart_puts(const char *s)
{
    while (*s != '\0') {
        uart_putc(*s++);
    }
}

void uart_put_dec(uint32_t value)
{
    char buf[10];
    int n = 0;
    do {
        buf[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0);
    while (n > 0) {
        uart_putc(buf[--n]);
    }
}

void uart_put_hex(uint32_t value, int digits)
{
    static const char hex[] = "0123456789abcdef";
    if (digits < 1) {
        digits = 1;
    } else if (digits > 8) {
        digits = 8;
    }
    for (int i = digits - 1; i >= 0; --i) {
        uart_putc(hex[(value >> (4 * i)) & 0xFu]);
    }
}

void gpt3_init(void)
{
    reg_write(GPT_BASE, GPT3_INIT, 0);
    reg_write(GPT_BASE, GPT3_CTRL, GPT3_CTRL_1MHZ_EN);
}

void gpt3_wait_until(uint32_t deadline_us)
{
    while ((int32_t)(gpt3_now_us() - deadline_us) < 0) {
    }
}

void delay_us(uint32_t n)
{
    gpt3_wait_until(gpt3_now_us() + n);
}

void uart_put_hex32(uint32_t value)
{
    uart_puts("0x");
    uart_put_hex(value, 8);
}

void uart_put_signed(int32_t value)
{
    if (value < 0) {
        uart_putc('-');
        uart_put_dec((uint32_t)(-value));
    } else {
        uart_put_dec((uint32_t)value);
    }
}
