/* compute-bench-qemu: minimal start-up for QEMU's mps2-an386 (Cortex-M4F).
 * Vector table with the initial stack pointer and reset handler; every other
 * exception spins. Reset copies .data, zeroes .bss, enables the FPU (CPACR
 * CP10/CP11 full access) and calls main(). */
#include <stdint.h>

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);

static void qemu_reset(void);

static void qemu_hang(void)
{
    for (;;) {
    }
}

__attribute__((section(".qemu_vectors"), used))
void (*const qemu_vectors[16])(void) = {
    (void (*)(void))__stack_top,
    qemu_reset,
    qemu_hang, qemu_hang, qemu_hang, qemu_hang, qemu_hang, qemu_hang,
    qemu_hang, qemu_hang, qemu_hang, qemu_hang, qemu_hang, qemu_hang,
    qemu_hang, qemu_hang,
};

static void qemu_reset(void)
{
    uint32_t* src = __data_load;
    for (uint32_t* dst = __data_start; dst < __data_end; ++dst, ++src) {
        *dst = *src;
    }
    for (uint32_t* dst = __bss_start; dst < __bss_end; ++dst) {
        *dst = 0;
    }
    /* CPACR (0xE000ED88): CP10 and CP11 full access. */
    *(volatile uint32_t*)0xE000ED88u |= (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    main();
    qemu_hang();
}
