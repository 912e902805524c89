// abort(): the app dies of SIGABRT (exit status 134).
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("calling abort\n");
    fflush(stdout);
    abort();
}
