/* Start-up code for MT3620 IO Cortex-M4F RTApps: vector table and reset handler.
 *
 * As on Azure Sphere, the OS loader places each PT_LOAD segment, zeroes
 * MemSiz - FileSiz (so .bss is NOT cleared here) and enables the FPU
 * (so CPACR is NOT written here).
 *
 * Every exception and interrupt vector points at a weak alias of Default_Handler
 * (an endless loop). A sample overrides one by defining a function of that name:
 * NMI_Handler, HardFault_Handler, MemManage_Handler, BusFault_Handler,
 * UsageFault_Handler, SVC_Handler, DebugMon_Handler, PendSV_Handler,
 * SysTick_Handler, and IRQ<n>_Handler for external interrupt n = 0..99
 * (vector 16 + n; for example IRQ1_Handler = GPT0/GPT1, IRQ2_Handler = GPT3,
 * IRQ3_Handler = watchdog, IRQ4_Handler = debug UART; reference section 3). */
#include "mt3620.h"

#define EXCEPTION_COUNT 16
#define INTERRUPT_COUNT 100 /* IO M4 external interrupts */

extern uint32_t StackTop; /* linker script: end of TCM, 0x00130000 */

static void reset_handler(void) __attribute__((noreturn));

static void reset_handler(void)
{
    /* Point VTOR at our vector table (0x00100000, or 0x10000000 for XIP). */
    reg_write(SCB_VTOR, 0, (uint32_t)(uintptr_t)vector_table);
    rtcore_main();
}

void Default_Handler(void)
{
    for (;;) {
    }
}

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))

void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;

/* IRQ0_Handler .. IRQ99_Handler. T is the tens digit (empty for 0..9). */
#define IRQ_DECL(n) void IRQ##n##_Handler(void) WEAK_DEFAULT;
#define IRQ_DECL10(t)                                                                  \
    IRQ_DECL(t##0) IRQ_DECL(t##1) IRQ_DECL(t##2) IRQ_DECL(t##3) IRQ_DECL(t##4)         \
    IRQ_DECL(t##5) IRQ_DECL(t##6) IRQ_DECL(t##7) IRQ_DECL(t##8) IRQ_DECL(t##9)
IRQ_DECL10() IRQ_DECL10(1) IRQ_DECL10(2) IRQ_DECL10(3) IRQ_DECL10(4)
IRQ_DECL10(5) IRQ_DECL10(6) IRQ_DECL10(7) IRQ_DECL10(8) IRQ_DECL10(9)

#define IRQ_ENTRY(n) IRQ##n##_Handler,
#define IRQ_ENTRY10(t)                                                                 \
    IRQ_ENTRY(t##0) IRQ_ENTRY(t##1) IRQ_ENTRY(t##2) IRQ_ENTRY(t##3) IRQ_ENTRY(t##4)    \
    IRQ_ENTRY(t##5) IRQ_ENTRY(t##6) IRQ_ENTRY(t##7) IRQ_ENTRY(t##8) IRQ_ENTRY(t##9)

void (*const vector_table[EXCEPTION_COUNT + INTERRUPT_COUNT])(void)
    __attribute__((section(".vector_table"), used, aligned(512))) = {
    (void (*)(void))(uintptr_t)&StackTop, /* 0: initial MSP */
    reset_handler,                        /* 1: Reset */
    NMI_Handler,                          /* 2 */
    HardFault_Handler,                    /* 3 */
    MemManage_Handler,                    /* 4 */
    BusFault_Handler,                     /* 5 */
    UsageFault_Handler,                   /* 6 */
    Default_Handler,                      /* 7: reserved */
    Default_Handler,                      /* 8: reserved */
    Default_Handler,                      /* 9: reserved */
    Default_Handler,                      /* 10: reserved */
    SVC_Handler,                          /* 11 */
    DebugMon_Handler,                     /* 12 */
    Default_Handler,                      /* 13: reserved */
    PendSV_Handler,                       /* 14 */
    SysTick_Handler,                      /* 15 */
    /* 16 + n: external interrupt n */
    IRQ_ENTRY10() IRQ_ENTRY10(1) IRQ_ENTRY10(2) IRQ_ENTRY10(3) IRQ_ENTRY10(4)
    IRQ_ENTRY10(5) IRQ_ENTRY10(6) IRQ_ENTRY10(7) IRQ_ENTRY10(8) IRQ_ENTRY10(9)
};

_Static_assert(sizeof(vector_table) == (EXCEPTION_COUNT + INTERRUPT_COUNT) * sizeof(void *),
               "vector table must have 16 + 100 entries");
