/* rtos-switch: a minimal preemptive two-thread scheduler on SysTick + PendSV.
 *
 * SysTick runs from the core clock at 1 kHz (26 MHz: RVR = 26000 - 1, CSR = 7) and only
 * pends PendSV. PendSV (lowest priority, like SysTick) saves the running thread's r4-r11
 * and EXC_RETURN on its process stack, plus s16-s31 when EXC_RETURN bit 4 is 0 (the
 * hardware stacked an extended, FP frame), switches to the other thread and restores it
 * the same way. Threads run in Thread mode on PSP; a new thread starts from a hand-made
 * basic frame with EXC_RETURN 0xFFFFFFFD.
 *
 * Thread A runs work_a(), thread B work_b() (float_work.h, shared with rtos-single, about
 * 50 ms each at 26 MHz, so each is preempted many times in the middle of float work).
 * When both are done, thread A stops the scheduler and prints
 *   thread A checksum: 0x........
 *   thread B checksum: 0x........   (both equal to rtos-single's values)
 *   switches: <n>                   (about 100; anything > 10 means real preemption)
 *   rtos-switch done
 * and sleeps in WFI. */
#include "mt3620.h"
#include "float_work.h"

#define CORE_HZ           26000000u
#define SYSTICK_HZ        1000u
#define STACK_DWORDS      256u /* 2 KB per thread, 8-byte aligned */
#define EXC_RETURN_THREAD_PSP_BASIC 0xFFFFFFFDu
#define XPSR_THUMB        0x01000000u

struct thread {
    uint32_t *sp; /* saved PSP: r4-r11, EXC_RETURN, [s16-s31], hardware frame */
};

static uint64_t stack_a[STACK_DWORDS];
static uint64_t stack_b[STACK_DWORDS];
static struct thread threads[2];
static uint32_t current;
static volatile bool sched_enabled;
static volatile uint32_t switches;
static volatile uint32_t result_a, result_b;
static volatile bool done_a, done_b;

/* Called by PendSV_Handler with the outgoing thread's saved stack pointer; returns the
 * stack pointer of the thread to resume. */
uint32_t *sched_switch(uint32_t *sp);
uint32_t *sched_switch(uint32_t *sp)
{
    threads[current].sp = sp;
    if (sched_enabled) {
        current ^= 1u;
        switches = switches + 1u;
    }
    return threads[current].sp;
}

void SysTick_Handler(void)
{
    if (sched_enabled) {
        reg_write(SCB_ICSR, 0, SCB_ICSR_PENDSVSET);
    }
}

__attribute__((naked)) void PendSV_Handler(void)
{
    __asm__ volatile(
        "mrs     r0, psp\n\t"
        "isb\n\t"
        "tst     lr, #0x10\n\t"          /* EXC_RETURN bit 4 == 0: extended frame */
        "it      eq\n\t"
        "vstmdbeq r0!, {s16-s31}\n\t"    /* (also triggers the lazy save of s0-s15) */
        "stmdb   r0!, {r4-r11, lr}\n\t"
        "bl      sched_switch\n\t"       /* r0 = next thread's saved PSP */
        "ldmia   r0!, {r4-r11, lr}\n\t"
        "tst     lr, #0x10\n\t"
        "it      eq\n\t"
        "vldmiaeq r0!, {s16-s31}\n\t"
        "msr     psp, r0\n\t"
        "isb\n\t"
        "bx      lr\n\t");
}

/* Switch Thread mode to PSP = sp (CONTROL.SPSEL = 1, FPCA = 0), unmask interrupts and
 * jump to entry. Never returns. */
__attribute__((naked, noreturn)) static void start_first_thread(uint32_t *sp, void (*entry)(void))
{
    __asm__ volatile(
        "msr     psp, r0\n\t"
        "movs    r2, #2\n\t"
        "msr     control, r2\n\t"
        "isb\n\t"
        "cpsie   i\n\t"
        "bx      r1\n\t");
}

static void thread_return_trap(void)
{
    for (;;) {
        __wfi();
    }
}

/* A stack that looks as if the thread had been preempted just before its first
 * instruction: hardware basic frame, then r4-r11 and EXC_RETURN as PendSV saves them. */
static uint32_t *initial_stack(uint64_t *stack, uint32_t dwords, void (*entry)(void))
{
    uint32_t *sp = (uint32_t *)(stack + dwords);
    *--sp = XPSR_THUMB;                                        /* xPSR */
    *--sp = (uint32_t)(uintptr_t)entry & ~1u;                  /* PC */
    *--sp = (uint32_t)(uintptr_t)thread_return_trap;           /* LR */
    for (int i = 0; i < 5; ++i) {
        *--sp = 0;                                             /* r12, r3, r2, r1, r0 */
    }
    *--sp = EXC_RETURN_THREAD_PSP_BASIC;                       /* EXC_RETURN */
    for (int i = 0; i < 8; ++i) {
        *--sp = 0;                                             /* r11 .. r4 */
    }
    return sp;
}

static void thread_b(void)
{
    result_b = work_b();
    done_b = true;
    for (;;) {
        __wfi();
    }
}

static void thread_a(void)
{
    result_a = work_a();
    done_a = true;
    while (!done_b) {
        __wfi(); /* the next SysTick switches to thread B */
    }

    /* Stop the scheduler: no more SysTick, nothing left pending. */
    __disable_irq();
    sched_enabled = false;
    systick_stop();
    reg_write(SCB_ICSR, 0, SCB_ICSR_PENDSTCLR | SCB_ICSR_PENDSVCLR);
    __enable_irq();

    uart_puts("thread A checksum: ");
    uart_put_hex32(result_a);
    uart_puts("\r\nthread B checksum: ");
    uart_put_hex32(result_b);
    uart_puts("\r\nswitches: ");
    uart_put_dec(switches);
    uart_puts("\r\nrtos-switch done\r\n");
    for (;;) {
        __wfi();
    }
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("rtos-switch start\r\n");

    __disable_irq();
    current = 0;
    switches = 0;
    done_a = done_b = false;
    threads[1].sp = initial_stack(stack_b, STACK_DWORDS, thread_b);
    scb_set_priority(EXC_PENDSV, 7);
    scb_set_priority(EXC_SYSTICK, 7);
    sched_enabled = true;
    systick_start(CORE_HZ / SYSTICK_HZ - 1u);
    /* Thread A runs directly on its own stack; its context is first saved by PendSV. */
    start_first_thread((uint32_t *)(stack_a + STACK_DWORDS), thread_a);
}
