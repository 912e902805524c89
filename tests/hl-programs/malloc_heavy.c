// Many allocations of mixed sizes (brk and mmap), realloc growth (mremap), frees; prints checksums.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345;
static uint32_t next(void) {
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

int main(void) {
    enum { N = 2000 };
    static unsigned char* blocks[N];
    static size_t sizes[N];
    uint32_t sum = 0;
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < N; ++i) {
            size_t n = (next() % 7 == 0) ? 100000 + next() % 300000 : 1 + next() % 2000;
            blocks[i] = realloc(blocks[i], n);
            if (!blocks[i]) {
                printf("allocation of %zu failed\n", n);
                return 1;
            }
            size_t keep = sizes[i] < n ? sizes[i] : n;
            for (size_t k = 0; k < keep; k += 97) sum += blocks[i][k];
            memset(blocks[i], (int)(i + round), n);
            sizes[i] = n;
        }
        for (int i = 0; i < N; i += 3) {
            free(blocks[i]);
            blocks[i] = NULL;
            sizes[i] = 0;
        }
        printf("round %d checksum %08x\n", round, sum);
    }
    char* big = malloc(8 << 20);
    memset(big, 0x5a, 8 << 20);
    big = realloc(big, 16 << 20);
    printf("big block %s\n", big[(8 << 20) - 1] == 0x5a ? "kept its bytes" : "LOST its bytes");
    free(big);
    for (int i = 0; i < N; ++i) free(blocks[i]);
    printf("done\n");
    return 0;
}
