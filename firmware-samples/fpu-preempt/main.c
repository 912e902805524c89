/* fpu-preempt: float work in Thread mode, preempted by interrupt handlers that also use the
 * FPU, so the Cortex-M4 lazy FP context stacking must keep every context intact.
 *
 *  - Thread mode runs main_series(): eight float accumulators updated every iteration,
 *    with a non-inlined mixing call per iteration (so the accumulators live in callee-saved
 *    s16-s23 and the arithmetic in s0-s15). About 2.6 million instructions, ~100 ms at
 *    26 MHz.
 *  - GPT0 in repeat mode at 32768 Hz, ICNT = 33 (~1.007 ms), NVIC IRQ 1, priority 3: the
 *    handler runs gpt_step(), a chaotic float recurrence (s0-s15 and, around its calls,
 *    s16+ via the compiler's vpush/vpop).
 *  - SysTick from the core clock every 19997 cycles (~0.77 ms), priority 1, so it sometimes
 *    preempts the GPT handler in the middle of its float work (nested extended frames on
 *    MSP): the handler runs systick_step(), another float recurrence.
 *
 * Each handler's work is deterministic per call, so its checksum depends only on how many
 * times it ran, and main_series() does not depend on the interrupts at all. After the run
 * the sample stops both sources and recomputes everything in Thread mode without
 * interrupts ("expected" lines); "check: ok" means all three pairs match. */
#include "mt3620.h"

#define MAIN_ITERATIONS  50000u
#define GPT_IRQ          1u
#define GPT_IRQ_PRIO     3u
#define GPT0_PERIOD      33u     /* 32768 Hz ticks, ~1.007 ms */
#define SYSTICK_PRIO     1u
#define SYSTICK_RELOAD   (19997u - 1u)

struct fp_state {
    float a, b, c;
    uint32_t hash;
    uint32_t count;
};

static struct fp_state gpt_state, systick_state;
static volatile bool in_gpt_handler;
static volatile uint32_t nested;

/* A word hash step (FNV-1a style with a final shift-xor). Not inlined on purpose: live
 * floats across the call must sit in s16-s31. */
static __attribute__((noipa)) uint32_t mix(uint32_t h, uint32_t word)
{
    h = (h ^ word) * 16777619u;
    return h ^ (h >> 15);
}

static inline uint32_t bits(float f)
{
    union {
        float f;
        uint32_t u;
    } v = {.f = f};
    return v.u;
}

static void fp_state_init(struct fp_state *s, float seed)
{
    s->a = seed;
    s->b = 0.0f;
    s->c = 1.0f;
    s->hash = 2166136261u;
    s->count = 0;
}

/* One handler's worth of work: 16 steps of the logistic map (chaotic, so any corrupted bit
 * shows) with two filters, hashed around calls that keep a, b, c live in s16+. */
static __attribute__((noinline)) void fp_step(struct fp_state *s, float r)
{
    float a = s->a, b = s->b, c = s->c;
    uint32_t h = s->hash;
    for (int i = 0; i < 16; ++i) {
        a = r * a * (1.0f - a);
        b = b * 0.5f + a;
        c = c + (a - c) * 0.25f;
        h = mix(h, bits(a));
    }
    h = mix(h, bits(b));
    h = mix(h, bits(c));
    s->a = a;
    s->b = b;
    s->c = c;
    s->hash = h;
    s->count++;
}

#define GPT_R      3.7f
#define SYSTICK_R  3.9f
#define GPT_SEED   0.2f
#define SYSTICK_SEED 0.6f

void IRQ1_Handler(void)
{
    uint32_t isr = reg_read(GPT_BASE, GPT_ISR);
    reg_write(GPT_BASE, GPT_ISR, isr & 1u);
    if (isr & 1u) {
        in_gpt_handler = true;
        fp_step(&gpt_state, GPT_R);
        in_gpt_handler = false;
    }
    __dsb();
}

void SysTick_Handler(void)
{
    if (in_gpt_handler) {
        nested = nested + 1u;
    }
    fp_step(&systick_state, SYSTICK_R);
}

/* Eight coupled float accumulators; returns a hash of their running sum. */
static __attribute__((noinline)) uint32_t main_series(uint32_t iterations)
{
    float p0 = 0.0f, p1 = 0.0f, p2 = 0.0f, p3 = 1.0f;
    float p4 = 0.5f, p5 = 0.25f, p6 = 2.0f, p7 = 0.0f;
    uint32_t h = 2166136261u;
    for (uint32_t k = 0; k < iterations; ++k) {
        float d = (float)(k & 1023u) + 1.0f;
        p0 = p0 * 0.999f + 1.0f / d;
        p1 = p1 * 0.998f + p0 * 0.002f;
        p2 = p2 + (p1 - p2) * 0.125f;
        p3 = 3.8f * p3 * (1.0f - p3 * 0.25f) * 0.25f + 0.1f;
        p4 = p4 * 0.5f + p3 * 0.5f;
        p5 = p5 + p4 * 0.01f - p5 * 0.01f;
        p6 = 0.5f * (p6 + (2.0f + p5) / p6);
        p7 = p7 * 0.9f + (p0 - p2) * (p4 - p6);
        h = mix(h, bits(p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7));
    }
    return h;
}

static void stop_interrupts(void)
{
    __disable_irq();
    reg_write(GPT_BASE, GPT0_CTRL, 0);
    reg_write(GPT_BASE, GPT_IER, reg_read(GPT_BASE, GPT_IER) & ~1u);
    reg_write(GPT_BASE, GPT_ISR, 1u);
    nvic_disable_irq(GPT_IRQ);
    nvic_clear_pending(GPT_IRQ);
    systick_stop();
    reg_write(SCB_ICSR, 0, SCB_ICSR_PENDSTCLR);
    __enable_irq();
}

static void print_hex_line(const char *label, uint32_t value)
{
    uart_puts(label);
    uart_put_hex32(value);
    uart_puts("\r\n");
}

static void print_dec_line(const char *label, uint32_t value)
{
    uart_puts(label);
    uart_put_dec(value);
    uart_puts("\r\n");
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("fpu-preempt start\r\n");

    fp_state_init(&gpt_state, GPT_SEED);
    fp_state_init(&systick_state, SYSTICK_SEED);
    in_gpt_handler = false;
    nested = 0;

    reg_write(GPT_BASE, GPT0_CTRL, 0);
    reg_write(GPT_BASE, GPT_ISR, 1u);
    reg_write(GPT_BASE, GPT0_ICNT, GPT0_PERIOD);
    reg_write(GPT_BASE, GPT_IER, reg_read(GPT_BASE, GPT_IER) | 1u);
    nvic_set_priority(GPT_IRQ, GPT_IRQ_PRIO);
    nvic_clear_pending(GPT_IRQ);
    nvic_enable_irq(GPT_IRQ);
    scb_set_priority(EXC_SYSTICK, SYSTICK_PRIO);
    __enable_irq();
    reg_write(GPT_BASE, GPT0_CTRL, GPT01_CTRL_EN | GPT01_CTRL_REPEAT | GPT01_CTRL_32K);
    systick_start(SYSTICK_RELOAD);

    uint32_t main_hash = main_series(MAIN_ITERATIONS);

    stop_interrupts();
    struct fp_state gpt_final = gpt_state;
    struct fp_state systick_final = systick_state;

    print_hex_line("main checksum: ", main_hash);
    print_hex_line("irq checksum: ", gpt_final.hash);
    print_dec_line("interrupts: ", gpt_final.count);
    print_hex_line("systick checksum: ", systick_final.hash);
    print_dec_line("systicks: ", systick_final.count);
    print_dec_line("nested: ", nested);

    /* The same work again, in Thread mode with no interrupts. */
    uint32_t main_expected = main_series(MAIN_ITERATIONS);
    struct fp_state replay;
    fp_state_init(&replay, GPT_SEED);
    for (uint32_t i = 0; i < gpt_final.count; ++i) {
        fp_step(&replay, GPT_R);
    }
    uint32_t irq_expected = replay.hash;
    fp_state_init(&replay, SYSTICK_SEED);
    for (uint32_t i = 0; i < systick_final.count; ++i) {
        fp_step(&replay, SYSTICK_R);
    }
    uint32_t systick_expected = replay.hash;

    print_hex_line("main expected: ", main_expected);
    print_hex_line("irq expected: ", irq_expected);
    print_hex_line("systick expected: ", systick_expected);
    bool ok = main_hash == main_expected && gpt_final.hash == irq_expected &&
              systick_final.hash == systick_expected;
    uart_puts(ok ? "check: ok\r\n" : "check: MISMATCH\r\n");
    uart_puts("fpu-preempt done\r\n");
    for (;;) {
        __wfi();
    }
}
