// A compute loop (integer and floating point) for the bench and the output comparison.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000;
    uint32_t h = 2166136261u;
    double acc = 0;
    for (long i = 0; i < n; ++i) {
        h = (h ^ (uint32_t)i) * 16777619u;
        acc += (double)(h & 0xffff) / 65536.0;
    }
    printf("n=%ld hash=%08x acc=%.6f\n", n, h, acc);
    return 0;
}
