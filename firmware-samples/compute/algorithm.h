/* Deterministic single-precision workload shared by the compute and
 * compute-bench firmware samples and by compute/host_check.c.
 *
 * Rules that keep firmware and host bit-identical:
 *   - float only, f-suffixed constants, no double, no libm;
 *   - only + - * / (all correctly rounded in IEEE 754 on both sides);
 *   - built with -ffp-contract=off (no fused multiply-add);
 *   - no NaN, infinity or (by construction) subnormal values.
 *
 * One round:
 *   1. C = A x B                        (N^3 multiplies + N^3 adds)
 *   2. s = sum |C|; A = C * (N*N / s)   (normalise so mean |A| = 1)
 *   3. B = B * 0.96875 + A^T * 0.03125  (slowly mix A back into B)
 *   4. 64 steps of the logistic map x = 3.9 x (1 - x) (chaotic: any
 *      rounding difference is amplified)
 *   5. 8 Newton steps for sqrt(s) (exercises division)
 *   6. CRC-32 over the bit patterns of A, x and the root.
 */
#ifndef COMPUTE_ALGORITHM_H
#define COMPUTE_ALGORITHM_H

#include <stdint.h>

#define COMPUTE_N 12
#define COMPUTE_ROUNDS 100u /* rounds used by the compute sample (~0.45M FP ops) */
/* Rounds used by compute-bench: one round is about 23,700 guest instructions
 * with arm-none-eabi-gcc 12 -O2, so 64000 rounds is about 1.52e9 instructions. */
#ifndef COMPUTE_BENCH_ROUNDS
#define COMPUTE_BENCH_ROUNDS 64000u
#endif

static float compute_a[COMPUTE_N][COMPUTE_N];
static float compute_b[COMPUTE_N][COMPUTE_N];
static float compute_c[COMPUTE_N][COMPUTE_N];
static uint32_t compute_crc_table[256];

static uint32_t compute_float_bits(float f)
{
    union {
        float f;
        uint32_t u;
    } pun;
    pun.f = f;
    return pun.u;
}

/* Reflected CRC-32 (polynomial 0xEDB88320), byte at a time, little-endian words. */
static uint32_t compute_crc_word(uint32_t crc, uint32_t word)
{
    for (int i = 0; i < 4; ++i) {
        crc = compute_crc_table[(crc ^ word) & 0xFFu] ^ (crc >> 8);
        word >>= 8;
    }
    return crc;
}

static void compute_init(void)
{
    for (uint32_t n = 0; n < 256; ++n) {
        uint32_t c = n;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        }
        compute_crc_table[n] = c;
    }
    for (int i = 0; i < COMPUTE_N; ++i) {
        for (int j = 0; j < COMPUTE_N; ++j) {
            /* Small integers converted exactly, scaled by powers of two. */
            compute_a[i][j] = (float)((i * 7 + j * 3) % 17) * 0.0625f - 0.5f;
            compute_b[i][j] = (float)((i * 5 + j * 11) % 13) * 0.03125f - 0.1875f;
        }
    }
}

/* Runs `rounds` rounds from the initial state; returns the CRC-32 checksum. */
static uint32_t compute_checksum(uint32_t rounds)
{
    uint32_t crc = 0xFFFFFFFFu;
    float x = 0.3f;

    compute_init();

    for (uint32_t r = 0; r < rounds; ++r) {
        /* 1. C = A x B */
        for (int i = 0; i < COMPUTE_N; ++i) {
            for (int j = 0; j < COMPUTE_N; ++j) {
                float acc = 0.0f;
                for (int k = 0; k < COMPUTE_N; ++k) {
                    acc = acc + compute_a[i][k] * compute_b[k][j];
                }
                compute_c[i][j] = acc;
            }
        }

        /* 2. normalise */
        float s = 0.0f;
        for (int i = 0; i < COMPUTE_N; ++i) {
            for (int j = 0; j < COMPUTE_N; ++j) {
                float v = compute_c[i][j];
                s = s + (v < 0.0f ? -v : v);
            }
        }
        if (!(s > 0.0f)) {
            s = 1.0f;
        }
        const float scale = (float)(COMPUTE_N * COMPUTE_N) / s;
        for (int i = 0; i < COMPUTE_N; ++i) {
            for (int j = 0; j < COMPUTE_N; ++j) {
                compute_a[i][j] = compute_c[i][j] * scale;
            }
        }

        /* 3. mix A^T into B */
        for (int i = 0; i < COMPUTE_N; ++i) {
            for (int j = 0; j < COMPUTE_N; ++j) {
                compute_b[i][j] = compute_b[i][j] * 0.96875f + compute_a[j][i] * 0.03125f;
            }
        }

        /* 4. logistic map */
        for (int k = 0; k < 64; ++k) {
            x = 3.9f * x * (1.0f - x);
        }

        /* 5. Newton square root of s */
        float y = s;
        for (int k = 0; k < 8; ++k) {
            y = 0.5f * (y + s / y);
        }

        /* 6. checksum */
        for (int i = 0; i < COMPUTE_N; ++i) {
            for (int j = 0; j < COMPUTE_N; ++j) {
                crc = compute_crc_word(crc, compute_float_bits(compute_a[i][j]));
            }
        }
        crc = compute_crc_word(crc, compute_float_bits(x));
        crc = compute_crc_word(crc, compute_float_bits(y));
    }
    return crc ^ 0xFFFFFFFFu;
}

#endif
