// Signal handlers: raise() with a handler (plain and SA_SIGINFO), a blocked signal delivered
// when unblocked, SIG_IGN, and VFP state kept across a handler. Exit code 0.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int usr1_count;
static volatile int info_signo, info_code;

static void on_usr1(int sig) {
    volatile double x = 1.25;
    usr1_count += (int)(x * 4) + sig - SIGUSR1 - 4;  // + 1, using the FPU inside the handler
}

static void on_usr2(int sig, siginfo_t* info, void* uc) {
    (void)uc;
    info_signo = info->si_signo;
    info_code = info->si_code;
    (void)sig;
}

int main(void) {
    signal(SIGUSR1, on_usr1);
    volatile double before = 3.5;
    raise(SIGUSR1);
    raise(SIGUSR1);
    printf("SIGUSR1 handled %d times, FPU value kept: %s\n", usr1_count, before == 3.5 ? "yes" : "no");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("SA_SIGINFO: signo %d, code is SI_TKILL: %s\n", info_signo, info_code == SI_TKILL ? "yes" : "no");

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    printf("while blocked: %d\n", usr1_count);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblocking: %d\n", usr1_count);

    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored: %d\n", usr1_count);
    return 0;
}
