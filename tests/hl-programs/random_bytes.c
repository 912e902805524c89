/* Prints what the OS's random sources gave the program: 16 bytes of getrandom(2) and the 16
 * AT_RANDOM bytes of the auxiliary vector, in hex. Under mt3620-emu both come from the Pluton
 * RNG (docs/security.md): the same device gives the same bytes, another device others. */
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/random.h>

static void print_hex(const char *what, const uint8_t *b, int n)
{
    printf("%s ", what);
    for (int i = 0; i < n; ++i) printf("%02x", b[i]);
    printf("\n");
}

int main(void)
{
    uint8_t buf[16];
    if (getrandom(buf, sizeof buf, 0) != (ssize_t)sizeof buf) {
        perror("getrandom");
        return 1;
    }
    print_hex("getrandom", buf, sizeof buf);
    const uint8_t *at_random = (const uint8_t *)getauxval(AT_RANDOM);
    if (at_random == NULL) return 1;
    print_hex("AT_RANDOM", at_random, 16);
    return 0;
}
