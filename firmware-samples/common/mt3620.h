/* Minimal register helpers for the MT3620 IO Cortex-M4F cores.
 * Written from the register facts in the project's hardware reference
 * (debug UART section 4.3, GPT section 4.8). All accesses are 32-bit volatile. */
#ifndef MT3620_FW_H
#define MT3620_FW_H

#include <stdint.h>
#include <stdbool.h>

/* ---- raw register access ------------------------------------------------ */
static inline void reg_write(uintptr_t base, uint32_t offset, uint32_t value)
{
    *(volatile uint32_t *)(base + offset) = value;
}

static inline uint32_t reg_read(uintptr_t base, uint32_t offset)
{
    return *(volatile uint32_t *)(base + offset);
}

/* ---- addresses ---------------------------------------------------------- */
#define SCB_VTOR            0xE000ED08u

#define GPT_BASE            0x21030000u
#define GPT3_CTRL           0x50u   /* b0 EN, b[21:16] OSC_CNT_1US */
#define GPT3_INIT           0x54u   /* start value, counts up */
#define GPT3_CNT            0x58u   /* current count */
#define GPT3_OSC_CNT_1US    0x19u   /* 26 MHz / (0x19 + 1) = 1 MHz */
#define GPT3_CTRL_1MHZ_EN   ((GPT3_OSC_CNT_1US << 16) | 1u)

#define DEBUG_UART_BASE     0x21040000u
#define UART_THR            0x00u   /* also DLL when LCR[7] = 1 */
#define UART_DLL            0x00u
#define UART_DLM            0x04u
#define UART_EFR            0x08u   /* when LCR == 0xBF */
#define UART_LCR            0x0Cu
#define UART_LSR            0x14u
#define UART_HIGHSPEED      0x24u
#define UART_SAMPLE_COUNT   0x28u
#define UART_SAMPLE_POINT   0x2Cu
#define UART_FRACDIV_L      0x54u
#define UART_FRACDIV_M      0x58u
#define UART_LSR_THRE       0x20u

/* ---- start-up ----------------------------------------------------------- */
/* The vector table defined in startup.c (also the ELF entry point). */
extern void (*const vector_table[])(void);
/* Provided by each sample; called by the reset handler. */
void rtcore_main(void) __attribute__((noreturn));

/* ---- debug UART (115200-8-N-1, polled TX) -------------------------------- */
void uart_init(void);
void uart_putc(char c);
void uart_puts(const char *s);
void uart_put_dec(uint32_t value);            /* unsigned decimal */
void uart_put_hex(uint32_t value, int digits); /* lowercase hex, zero-padded, no prefix */

/* ---- GPT3 free-running microsecond counter -------------------------------- */
void gpt3_init(void);                  /* INIT = 0, enable at 1 MHz */
static inline uint32_t gpt3_now_us(void) { return reg_read(GPT_BASE, GPT3_CNT); }
/* Busy-wait until GPT3_CNT reaches deadline (wrap-safe). */
void gpt3_wait_until(uint32_t deadline_us);
/* Busy-wait n microseconds on GPT3 (GPT3 must be running). */
void delay_us(uint32_t n);

#endif
