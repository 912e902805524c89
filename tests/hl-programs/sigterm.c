// The Azure Sphere app pattern: a SIGTERM handler sets a flag, the main loop exits cleanly.
// The OS (here the emulator) sends SIGTERM to stop the app. With the argument "ignore" the app
// ignores SIGTERM (the OS must SIGKILL it after its grace time); with "default" it installs no
// handler (SIGTERM's default action ends it).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t exit_code = 0;

static void on_term(int sig) {
    (void)sig;
    exit_code = 7;
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "handler";
    if (strcmp(mode, "ignore") == 0) {
        signal(SIGTERM, SIG_IGN);
    } else if (strcmp(mode, "handler") == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_term;
        sigaction(SIGTERM, &action, NULL);
    }
    printf("waiting for SIGTERM\n");
    fflush(stdout);
    int loops = 0;
    while (exit_code == 0) {
        struct timespec d = {0, 100 * 1000000};
        nanosleep(&d, NULL);
        ++loops;
    }
    printf("got SIGTERM after %d sleeps\n", loops);
    return exit_code;
}
