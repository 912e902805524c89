// Writes through a bad pointer: the app dies of SIGSEGV (exit status 139).
#include <stdio.h>

int main(void) {
    printf("about to crash\n");
    fflush(stdout);
    volatile int* p = (int*)0x10;
    *p = 42;
    printf("still alive?\n");
    return 0;
}
