/* The two deterministic single-precision workloads shared by rtos-switch (run as two
 * preemptively scheduled threads) and rtos-single (run one after the other). Both print
 * the same "thread A checksum" / "thread B checksum" values: a context switch that loses
 * or corrupts any core or FP register changes them.
 *
 * Each iteration calls the (non-inlined) CRC routine while four float values are live, so
 * the compiler keeps them in callee-saved s16-s31 across the calls, and the arithmetic
 * between the calls runs in s0-s15: a preemption can hit either register bank.
 * Built with -ffp-contract=off (no fused multiply-add), so a host build gives the same
 * bits. About 1.3 million instructions per workload (about 50 ms at 26 MHz). */
#ifndef RTOS_FLOAT_WORK_H
#define RTOS_FLOAT_WORK_H

#include <stdint.h>

#define WORK_A_ITERATIONS 1800u
#define WORK_B_ITERATIONS 1800u

/* CRC-32 (reflected, polynomial 0xEDB88320) of one word, least significant byte first. */
static __attribute__((noipa)) uint32_t work_crc32_word(uint32_t crc, uint32_t word)
{
    crc ^= word;
    for (int bit = 0; bit < 32; ++bit) {
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc;
}

static inline uint32_t work_float_bits(float f)
{
    union {
        float f;
        uint32_t u;
    } v = {.f = f};
    return v.u;
}

/* Thread A: partial sums of the harmonic, Basel and Leibniz series plus a smoothed copy. */
static uint32_t work_a(void)
{
    float h = 0.0f, q = 0.0f, l = 0.0f, m = 1.0f;
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t k = 0; k < WORK_A_ITERATIONS; ++k) {
        float d = (float)k + 1.0f;
        h += 1.0f / d;
        q += 1.0f / (d * d);
        l += ((k & 1u) ? -4.0f : 4.0f) / (2.0f * d - 1.0f);
        m = m * 0.999f + h * 0.001f;
        crc = work_crc32_word(crc, work_float_bits(h));
        crc = work_crc32_word(crc, work_float_bits(q));
        crc = work_crc32_word(crc, work_float_bits(l));
        crc = work_crc32_word(crc, work_float_bits(m));
    }
    return ~crc;
}

/* Thread B: the chaotic logistic map (any lost bit changes everything after it), two
 * filters of it, and a Newton iteration tracking sqrt(2 + x). */
static uint32_t work_b(void)
{
    float x = 0.3f, y = 0.0f, z = 1.0f, w = 2.0f;
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t k = 0; k < WORK_B_ITERATIONS; ++k) {
        x = 3.9f * x * (1.0f - x);
        y = y * 0.5f + x;
        z = z + (x - z) * 0.125f;
        w = 0.5f * (w + (2.0f + x) / w);
        crc = work_crc32_word(crc, work_float_bits(x));
        crc = work_crc32_word(crc, work_float_bits(y));
        crc = work_crc32_word(crc, work_float_bits(z));
        crc = work_crc32_word(crc, work_float_bits(w));
    }
    return ~crc;
}

#endif
