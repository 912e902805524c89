/* Host-side reference for the compute samples. Build and run:
 *   gcc -O2 -ffp-contract=off -o host_check host_check.c && ./host_check
 * Prints the checksum that the compute firmware must print. With the argument
 * "bench" (optionally followed by a round count) it prints compute-bench's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "algorithm.h"

int main(int argc, char **argv)
{
    uint32_t rounds = COMPUTE_ROUNDS;
    if (argc > 1 && strcmp(argv[1], "bench") == 0) {
        rounds = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : COMPUTE_BENCH_ROUNDS;
    }
    printf("0x%08x\n", (unsigned)compute_checksum(rounds));
    return 0;
}
