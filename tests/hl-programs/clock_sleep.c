// Clocks and sleeps: monotonic time advances across nanosleep, usleep and clock_nanosleep.
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>

static long long ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    long long t0 = ns(CLOCK_MONOTONIC);
    struct timespec d = {0, 50 * 1000000};
    nanosleep(&d, NULL);
    long long t1 = ns(CLOCK_MONOTONIC);
    printf("nanosleep 50 ms: at least 50 ms passed: %s\n", t1 - t0 >= 50000000 ? "yes" : "no");
    usleep(20000);
    long long t2 = ns(CLOCK_MONOTONIC);
    printf("usleep 20 ms: at least 20 ms passed: %s\n", t2 - t1 >= 20000000 ? "yes" : "no");
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += 1;
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    printf("absolute sleep reached its deadline: %s\n", ns(CLOCK_MONOTONIC) >= until.tv_sec * 1000000000LL + until.tv_nsec ? "yes" : "no");
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("realtime after 2020: %s\n", tv.tv_sec > 1577836800 ? "yes" : "no");
    printf("elapsed ms (timing): %lld\n", (ns(CLOCK_MONOTONIC) - t0) / 1000000);
    return 0;
}
