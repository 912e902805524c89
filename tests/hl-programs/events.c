// The event primitives of Azure Sphere's EventLoop: epoll over a periodic timerfd, an eventfd
// and a pipe.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

int main(void) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    int efd = eventfd(0, EFD_NONBLOCK);
    int p[2];
    pipe(p);
    struct itimerspec its = {{0, 10 * 1000000}, {0, 10 * 1000000}};
    timerfd_settime(tfd, 0, &its, NULL);
    struct epoll_event ev = {.events = EPOLLIN};
    ev.data.u64 = 0x1111222233334444ULL;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
    ev.data.u64 = 2;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    ev.data.u64 = 3;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);

    int ticks = 0;
    while (ticks < 5) {
        struct epoll_event got[4];
        int n = epoll_wait(ep, got, 4, 1000);
        if (n <= 0) {
            printf("epoll_wait returned %d\n", n);
            return 1;
        }
        for (int i = 0; i < n; ++i) {
            if (got[i].data.u64 == 0x1111222233334444ULL) {
                uint64_t exp;
                if (read(tfd, &exp, 8) == 8) ++ticks;
                printf("timer tick %d\n", ticks);
                if (ticks == 2) {
                    uint64_t one = 7;
                    write(efd, &one, 8);
                }
                if (ticks == 3) write(p[1], "ping", 4);
            } else if (got[i].data.u64 == 2) {
                uint64_t v;
                read(efd, &v, 8);
                printf("eventfd %llu\n", (unsigned long long)v);
            } else if (got[i].data.u64 == 3) {
                char b[8] = {0};
                read(p[0], b, sizeof b - 1);
                printf("pipe '%s'\n", b);
            }
        }
    }
    struct itimerspec cur;
    timerfd_gettime(tfd, &cur);
    printf("interval %ld ns\n", cur.it_interval.tv_nsec);
    printf("timeout with nothing ready: %d\n", (timerfd_settime(tfd, 0, &(struct itimerspec){0}, NULL),
                                                  epoll_wait(ep, (struct epoll_event[1]){0}, 1, 30)));
    return 0;
}
