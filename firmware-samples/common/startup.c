/* Start-up code for MT3620 IO Cortex-M4F RTApps: vector table and reset handler.
 *
 * As on Azure Sphere, the OS loader places each PT_LOAD segment, zeroes
 * MemSiz - FileSiz (so .bss is NOT cleared here) and enables the FPU
 * (so CPACR is NOT written here). */
#include "mt3620.h"

#define EXCEPTION_COUNT 16
#define INTERRUPT_COUNT 100 /* IO M4 external interrupts */

extern uint32_t StackTop; /* linker script: end of TCM, 0x00130000 */

static void reset_handler(void) __attribute__((noreturn));
static void default_handler(void);

static void reset_handler(void)
{
    /* Point VTOR at our vector table (0x00100000, or 0x10000000 for XIP). */
    reg_write(SCB_VTOR, 0, (uint32_t)(uintptr_t)vector_table);
    rtcore_main();
}

static void default_handler(void)
{
    for (;;) {
    }
}

void (*const vector_table[EXCEPTION_COUNT + INTERRUPT_COUNT])(void)
    __attribute__((section(".vector_table"), used, aligned(512))) = {
    [0] = (void (*)(void))(uintptr_t)&StackTop,
    [1] = reset_handler,
    [2 ... EXCEPTION_COUNT + INTERRUPT_COUNT - 1] = default_handler,
};
