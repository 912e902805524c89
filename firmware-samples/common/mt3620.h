/* Minimal register helpers for the MT3620 IO Cortex-M4F cores.
 * Written from the register facts in the project's hardware reference (GPIO 4.1, PWM 4.2,
 * debug UART 4.3, ADC 4.7, GPT 4.8, watchdog 4.9, IRQ_CFG/EINT 4.10) and the ARMv7-M
 * architecture (NVIC, SCB, SysTick). Peripheral accesses are 32-bit volatile; the NVIC
 * and system-handler priority registers are written one byte at a time. */
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
#define GPT_ISR             0x00u   /* b0 GPT0, b1 GPT1; write 1 to clear */
#define GPT_IER             0x04u   /* b0 GPT0, b1 GPT1 */
#define GPT0_CTRL           0x10u   /* b0 EN, b1 MODE (1 = repeat), b2 SPEED (1 = 32768 Hz) */
#define GPT0_ICNT           0x14u   /* initial (and repeat reload) count, counts down */
#define GPT1_CTRL           0x20u
#define GPT1_ICNT           0x24u
#define GPT01_CTRL_EN       (1u << 0)
#define GPT01_CTRL_REPEAT   (1u << 1)
#define GPT01_CTRL_32K      (1u << 2)
#define GPT3_OSC_CNT_1US    0x19u   /* 26 MHz / (0x19 + 1) = 1 MHz */
#define GPT3_CTRL_1MHZ_EN   ((GPT3_OSC_CNT_1US << 16) | 1u)

#define WDT_BASE            0x21020000u
#define WDT_MODE            0x30u   /* key 0x2200 in b[15:8]; b0 ENABLE, b3 IRQ */
#define WDT_LENGTH          0x34u   /* (ticks << 5) | 0x08, tick = 1/32 s */
#define WDT_RESTART         0x38u   /* write WDT_RESTART_KEY to kick */
#define WDT_STA             0x3Cu   /* b15 hardware timeout happened, b14 software reset */
#define WDT_MODE_KEY        0x2200u
#define WDT_MODE_ENABLE     (1u << 0)
#define WDT_MODE_IRQ        (1u << 3)
#define WDT_LENGTH_KEY      0x08u
#define WDT_RESTART_KEY     0x1971u
#define WDT_STA_HW_TIMEOUT  (1u << 15)

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

/* ---- Cortex-M4 system control space (ARMv7-M architecture) -------------- */
#define SYST_CSR            0xE000E010u   /* b0 ENABLE, b1 TICKINT, b2 CLKSOURCE (1 = core), b16 COUNTFLAG */
#define SYST_RVR            0xE000E014u   /* reload value, 24 bits */
#define SYST_CVR            0xE000E018u   /* current value; any write clears it (and COUNTFLAG) */
#define SYST_CSR_ENABLE     (1u << 0)
#define SYST_CSR_TICKINT    (1u << 1)
#define SYST_CSR_CLKSOURCE  (1u << 2)

#define NVIC_ISER           0xE000E100u   /* + 4 * (irq / 32): write 1 to enable */
#define NVIC_ICER           0xE000E180u   /* + 4 * (irq / 32): write 1 to disable */
#define NVIC_ISPR           0xE000E200u   /* + 4 * (irq / 32): write 1 to set pending */
#define NVIC_ICPR           0xE000E280u   /* + 4 * (irq / 32): write 1 to clear pending */
#define NVIC_IABR           0xE000E300u   /* + 4 * (irq / 32): active bits (read-only) */
#define NVIC_IPR            0xE000E400u   /* + irq: one priority byte per interrupt */
#define NVIC_PRIO_BITS      3u            /* the IO M4 implements priority bits [7:5] */

#define SCB_ICSR            0xE000ED04u
#define SCB_ICSR_PENDSVSET  (1u << 28)
#define SCB_ICSR_PENDSVCLR  (1u << 27)
#define SCB_ICSR_PENDSTSET  (1u << 26)
#define SCB_ICSR_PENDSTCLR  (1u << 25)
#define SCB_AIRCR           0xE000ED0Cu
#define SCB_SCR             0xE000ED10u   /* b1 SLEEPONEXIT, b2 SLEEPDEEP, b4 SEVONPEND */
#define SCB_CCR             0xE000ED14u   /* b3 UNALIGN_TRP, b4 DIV_0_TRP, b9 STKALIGN */
#define SCB_SHPR1           0xE000ED18u   /* bytes: MemManage, BusFault, UsageFault, - */
#define SCB_SHPR2           0xE000ED1Cu   /* byte 3: SVCall */
#define SCB_SHPR3           0xE000ED20u   /* byte 2: PendSV, byte 3: SysTick */
#define SCB_SHCSR           0xE000ED24u   /* b16 MEMFAULTENA, b17 BUSFAULTENA, b18 USGFAULTENA */
#define SCB_CFSR            0xE000ED28u   /* MMFSR [7:0], BFSR [15:8], UFSR [31:16] */
#define SCB_HFSR            0xE000ED2Cu   /* b1 VECTTBL, b30 FORCED, b31 DEBUGEVT */
#define SCB_MMFAR           0xE000ED34u
#define SCB_BFAR            0xE000ED38u
#define SCB_CPACR           0xE000ED88u
#define FPU_FPCCR           0xE000EF34u   /* b0 LSPACT, b30 LSPEN, b31 ASPEN */
#define FPU_FPCAR           0xE000EF38u

/* System handler priority byte address for exception number 4..15. */
#define SCB_SHPR_BYTE(exc)  (0xE000ED18u + (uint32_t)(exc) - 4u)
#define EXC_SVCALL          11u
#define EXC_PENDSV          14u
#define EXC_SYSTICK         15u

static inline void reg_write8(uintptr_t address, uint8_t value)
{
    *(volatile uint8_t *)address = value;
}

static inline uint8_t reg_read8(uintptr_t address)
{
    return *(volatile uint8_t *)address;
}

static inline void __enable_irq(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void __disable_irq(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void __wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void __dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void __isb(void) { __asm__ volatile("isb" ::: "memory"); }

/* Sleeps in WFI until an interrupt handler changes *value away from `seen`; returns the new
 * value. Race-free: PRIMASK is set around the check, and WFI wakes on a pending interrupt
 * even while it is masked. */
static inline uint32_t wfi_until_changed(const volatile uint32_t *value, uint32_t seen)
{
    for (;;) {
        __disable_irq();
        uint32_t now = *value;
        if (now != seen) {
            __enable_irq();
            return now;
        }
        __wfi();
        __enable_irq();
    }
}

/* prio 0 (highest) .. 7 (lowest), stored in the top 3 bits of the byte. */
static inline uint8_t nvic_prio_byte(uint32_t prio)
{
    return (uint8_t)((prio & ((1u << NVIC_PRIO_BITS) - 1u)) << (8u - NVIC_PRIO_BITS));
}

static inline void nvic_set_priority(uint32_t irq, uint32_t prio)
{
    reg_write8(NVIC_IPR + irq, nvic_prio_byte(prio));
}

static inline void nvic_enable_irq(uint32_t irq)
{
    reg_write(NVIC_ISER, 4u * (irq / 32u), 1u << (irq % 32u));
}

static inline void nvic_disable_irq(uint32_t irq)
{
    reg_write(NVIC_ICER, 4u * (irq / 32u), 1u << (irq % 32u));
    __dsb();
    __isb();
}

static inline void nvic_clear_pending(uint32_t irq)
{
    reg_write(NVIC_ICPR, 4u * (irq / 32u), 1u << (irq % 32u));
}

/* Priority 0..7 of a system handler (exc = 4..15, e.g. EXC_PENDSV, EXC_SYSTICK). */
static inline void scb_set_priority(uint32_t exc, uint32_t prio)
{
    reg_write8(SCB_SHPR_BYTE(exc), nvic_prio_byte(prio));
}

/* SysTick from the core clock: interrupt every `reload + 1` cycles. */
static inline void systick_start(uint32_t reload)
{
    reg_write(SYST_RVR, 0, reload & 0x00FFFFFFu);
    reg_write(SYST_CVR, 0, 0);
    reg_write(SYST_CSR, 0, SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE);
}

static inline void systick_stop(void)
{
    reg_write(SYST_CSR, 0, 0);
}

/* Exception handlers (weak, default: Default_Handler, an endless loop). Define one in a
 * sample to override it; external interrupt n is `void IRQ<n>_Handler(void)`. */
void Default_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void SVC_Handler(void);
void DebugMon_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);

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
void uart_put_signed(int32_t value);          /* signed decimal */
void uart_put_hex(uint32_t value, int digits); /* lowercase hex, zero-padded, no prefix */
void uart_put_hex32(uint32_t value);           /* "0x" and 8 lowercase hex digits */

/* ---- GPT3 free-running microsecond counter -------------------------------- */
void gpt3_init(void);                  /* INIT = 0, enable at 1 MHz */
static inline uint32_t gpt3_now_us(void) { return reg_read(GPT_BASE, GPT3_CNT); }
/* Busy-wait until GPT3_CNT reaches deadline (wrap-safe). */
void gpt3_wait_until(uint32_t deadline_us);
/* Busy-wait n microseconds on GPT3 (GPT3 must be running). */
void delay_us(uint32_t n);

/* ---- GPIO blocks (reference 4.1) ------------------------------------------
 * GPIO n (n = 0..23) is bit n % 4 of group n / 4; group g's block is at
 * 0x38010000 + g * 0x10000. _SET / _RESET registers are write 1 to set / clear. */
#define GPIO_GROUP_BASE(g)  (0x38010000u + (uint32_t)(g) * 0x10000u)
#define GPIO_DIN            0x04u   /* pad levels (GPIO groups and the ADC block) */
#define GPIO_DOUT           0x10u
#define GPIO_DOUT_SET       0x14u
#define GPIO_DOUT_RESET     0x18u
#define GPIO_OE             0x20u   /* 1 = output */
#define GPIO_OE_SET         0x24u
#define GPIO_OE_RESET       0x28u
#define GPIO_PU             0x30u
#define GPIO_PU_SET         0x34u
#define GPIO_PU_RESET       0x38u
#define GPIO_PD             0x40u
#define GPIO_PD_SET         0x44u
#define GPIO_PD_RESET       0x48u
#define GPIO_IES            0x60u   /* input enable */
#define GPIO_IES_SET        0x64u
#define GPIO_IES_RESET      0x68u

/* Block and bit of GPIO 0..23. */
static inline uintptr_t gpio_block(uint32_t pin) { return GPIO_GROUP_BASE(pin / 4u); }
static inline uint32_t gpio_mask(uint32_t pin) { return 1u << (pin % 4u); }

/* Output: OE_SET, then IES_RESET. Writes the level first so the pin starts at it. */
static inline void gpio_config_output(uint32_t pin, bool high)
{
    reg_write(gpio_block(pin), high ? GPIO_DOUT_SET : GPIO_DOUT_RESET, gpio_mask(pin));
    reg_write(gpio_block(pin), GPIO_OE_SET, gpio_mask(pin));
    reg_write(gpio_block(pin), GPIO_IES_RESET, gpio_mask(pin));
}

/* Input: OE_RESET, then IES_SET. */
static inline void gpio_config_input(uint32_t pin)
{
    reg_write(gpio_block(pin), GPIO_OE_RESET, gpio_mask(pin));
    reg_write(gpio_block(pin), GPIO_IES_SET, gpio_mask(pin));
}

static inline void gpio_write(uint32_t pin, bool high)
{
    reg_write(gpio_block(pin), high ? GPIO_DOUT_SET : GPIO_DOUT_RESET, gpio_mask(pin));
}

static inline bool gpio_read(uint32_t pin)
{
    return (reg_read(gpio_block(pin), GPIO_DIN) & gpio_mask(pin)) != 0;
}

/* ---- PWM controllers (reference 4.2) ---------------------------------------
 * Controller c (0..2) is at GPIO group c's block + 0x1000; its channel k drives
 * GPIO 4c + k. */
#define PWM_BASE(c)             (GPIO_GROUP_BASE(c) + 0x1000u)
#define PWM_GLO_CTRL            0x000u
#define PWM_GLO_CTRL_DEFAULT    0x0000E400u
#define PWM_GLO_TICK_SEL_SHIFT  1u      /* b[2:1]: 0 = 32768 Hz, 1 = 2 MHz, 2 = 26 MHz */
#define PWM_TICK_32K            0u
#define PWM_TICK_2MHZ           1u
#define PWM_TICK_XTAL           2u
#define PWM_CTRL(k)             (0x100u + 0x10u * (uint32_t)(k))
#define PWM_PARAM_S0(k)         (0x104u + 0x10u * (uint32_t)(k))   /* b[15:0] on, b[31:16] off */
#define PWM_PARAM_S1(k)         (0x108u + 0x10u * (uint32_t)(k))
#define PWM_CTRL_KICK           (1u << 0)
#define PWM_CTRL_REPLAY         (1u << 1)
#define PWM_CTRL_POLARITY_LOW   (1u << 2)
#define PWM_CTRL_OPEN_DRAIN     (1u << 3)
#define PWM_CTRL_CLOCK_EN       (1u << 4)
#define PWM_CTRL_GLOBAL_KICK_EN (1u << 5)
#define PWM_CTRL_S0_STAY(n)     (((uint32_t)(n) & 0xFFFu) << 8)
#define PWM_CTRL_S1_STAY(n)     (((uint32_t)(n) & 0xFFFu) << 20)
#define PWM_PARAM(on, off)      ((((uint32_t)(off) & 0xFFFFu) << 16) | ((uint32_t)(on) & 0xFFFFu))

/* ---- ADC (reference 4.7; one controller at 0x38000000, channel k on GPIO 41 + k) */
#define ADC_BASE                0x38000000u
#define ADC_GLOBAL_CTRL         0x000u
#define ADC_CTL0                0x100u
#define ADC_CTL1                0x104u  /* REG_PERIOD */
#define ADC_CTL2                0x108u
#define ADC_CTL3                0x10Cu
#define ADC_FIFO_RBR            0x200u  /* read pops: b[3:0] channel, b[15:4] sample */
#define ADC_FIFO_DEBUG16        0x2D4u  /* b[4:0] read pointer, b[9:5] write pointer */
#define ADC_CTL0_FSM_EN         (1u << 0)
#define ADC_CTL0_T_CH(n)        (((uint32_t)(n) & 0xFu) << 4)
#define ADC_CTL0_T_INIT(n)      (((uint32_t)(n) & 0x7Fu) << 9)
#define ADC_CTL0_CH_MAP(m)      (((uint32_t)(m) & 0xFFFFu) << 16)
#define ADC_CTL3_VREF_1V8       (1u << 31)   /* 0 = internal 2.5 V reference */
#define ADC_FIFO_SIZE           32u

/* Entries waiting in the ADC FIFO: (write pointer - read pointer) mod 32. */
static inline uint32_t adc_fifo_count(void)
{
    uint32_t dbg = reg_read(ADC_BASE, ADC_FIFO_DEBUG16);
    return (((dbg >> 5) & 0x1Fu) - (dbg & 0x1Fu)) & (ADC_FIFO_SIZE - 1u);
}

/* ---- IRQ configuration block / EINT (reference 4.10) ----------------------- */
#define IRQ_CFG_BASE            0x21000000u
#define IRQ_CFG_DBNC_CON(n)     (4u * (uint32_t)(n))   /* EINT n = GPIO n, n = 0..23 */
#define IRQ_CFG_IRQ_SENS(k)     (0x200u + 4u * (uint32_t)(k))   /* IRQ 32k..32k+31: 1 level, 0 edge */
#define DBNC_COUNT(n)           ((uint32_t)(n) & 0xFu)
#define DBNC_PRESCALER(n)       (((uint32_t)(n) & 0x7u) << 4)
#define DBNC_DUAL               (1u << 7)   /* both edges */
#define DBNC_POL_HIGH           (1u << 8)   /* 1 = rising / high, 0 = falling / low */
#define DBNC_EN                 (1u << 9)
#define EINT_IRQ(n)             (20u + (uint32_t)(n))

/* ---- ISU UARTs (reference 4.3, 4.4) ----------------------------------------
 * ISU n (0..4) has its UART at 0x38070500 + n * 0x10000, NVIC IRQ 47 + 4n: the same IP
 * as the debug UART, so the UART_* offsets above apply. */
#define ISU_UART_BASE(n)        (0x38070500u + (uint32_t)(n) * 0x10000u)
#define ISU_UART_IRQ(n)         (47u + 4u * (uint32_t)(n))
#define UART_RBR                0x00u   /* read, LCR[7] = 0 */
#define UART_IER                0x04u
#define UART_IIR                0x08u   /* read */
#define UART_FCR                0x08u   /* write */
#define UART_TX_OFFSET          0x6Cu   /* bytes in the TX FIFO */
#define UART_IER_ERBFI          0x01u   /* RX data available / timeout */
#define UART_IER_ETBEI          0x02u   /* THR empty */
#define UART_IIR_ID_MASK        0x3Fu
#define UART_IIR_NONE           0x01u
#define UART_FCR_FIFOE          0x01u
#define UART_FCR_CLRR           0x02u
#define UART_FCR_CLRT           0x04u
#define UART_LSR_DR             0x01u

/* 115200-8-N-1 on the UART at `base`: the register sequence uart_init() uses for the
 * debug UART (enhanced mode, divisor latch, HIGHSPEED 3, DLL 1, SAMPLE_COUNT 224). */
static inline void uart_init_at(uintptr_t base)
{
    reg_write(base, UART_LCR, 0xBF);
    reg_write(base, UART_EFR, 0x10);
    reg_write(base, UART_LCR, 0x80);
    reg_write(base, UART_HIGHSPEED, 3);
    reg_write(base, UART_DLM, 0);
    reg_write(base, UART_DLL, 1);
    reg_write(base, UART_SAMPLE_COUNT, 224);
    reg_write(base, UART_SAMPLE_POINT, 110);
    reg_write(base, UART_FRACDIV_M, 0);
    reg_write(base, UART_FRACDIV_L, 223);
    reg_write(base, UART_LCR, 0x03);
}

/* Polled TX: wait for LSR.THRE, then write THR. */
static inline void uart_putc_at(uintptr_t base, uint8_t c)
{
    while ((reg_read(base, UART_LSR) & UART_LSR_THRE) == 0) {
    }
    reg_write(base, UART_THR, c);
}

static inline bool uart_rx_ready_at(uintptr_t base)
{
    return (reg_read(base, UART_LSR) & UART_LSR_DR) != 0;
}

static inline uint8_t uart_getc_at(uintptr_t base)
{
    return (uint8_t)reg_read(base, UART_RBR);
}

#endif
