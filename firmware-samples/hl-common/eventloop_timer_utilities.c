#include "eventloop_timer_utilities.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

struct EventLoopTimer {
    EventLoop *eventLoop;
    EventLoopTimerHandler handler;
    int fd;
    EventRegistration *registration;
};

static void onTimerReadable(EventLoop *el, int fd, EventLoop_IoEvents events, void *context)
{
    (void)el;
    (void)fd;
    (void)events;
    EventLoopTimer *timer = context;
    timer->handler(timer);
}

static int arm(EventLoopTimer *timer, const struct timespec *first, const struct timespec *interval)
{
    struct itimerspec spec = {.it_value = *first, .it_interval = *interval};
    return timerfd_settime(timer->fd, 0, &spec, NULL);
}

EventLoopTimer *CreateEventLoopDisarmedTimer(EventLoop *eventLoop, EventLoopTimerHandler handler)
{
    if (eventLoop == NULL || handler == NULL) {
        errno = EINVAL;
        return NULL;
    }
    EventLoopTimer *timer = calloc(1, sizeof *timer);
    if (timer == NULL) return NULL;
    timer->eventLoop = eventLoop;
    timer->handler = handler;
    timer->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (timer->fd < 0) {
        free(timer);
        return NULL;
    }
    timer->registration = EventLoop_RegisterIo(eventLoop, timer->fd, EventLoop_Input, onTimerReadable, timer);
    if (timer->registration == NULL) {
        int e = errno;
        close(timer->fd);
        free(timer);
        errno = e;
        return NULL;
    }
    return timer;
}

EventLoopTimer *CreateEventLoopPeriodicTimer(EventLoop *eventLoop, EventLoopTimerHandler handler,
                                             const struct timespec *period)
{
    EventLoopTimer *timer = CreateEventLoopDisarmedTimer(eventLoop, handler);
    if (timer != NULL && SetEventLoopTimerPeriod(timer, period) < 0) {
        int e = errno;
        DisposeEventLoopTimer(timer);
        errno = e;
        return NULL;
    }
    return timer;
}

int ConsumeEventLoopTimerEvent(EventLoopTimer *timer)
{
    uint64_t expirations;
    return read(timer->fd, &expirations, sizeof expirations) == sizeof expirations ? 0 : -1;
}

int SetEventLoopTimerPeriod(EventLoopTimer *timer, const struct timespec *period)
{
    return arm(timer, period, period);
}

int SetEventLoopTimerOneShot(EventLoopTimer *timer, const struct timespec *delay)
{
    static const struct timespec kNone = {0, 0};
    return arm(timer, delay, &kNone);
}

int DisarmEventLoopTimer(EventLoopTimer *timer)
{
    static const struct timespec kNone = {0, 0};
    return arm(timer, &kNone, &kNone);
}

void DisposeEventLoopTimer(EventLoopTimer *timer)
{
    if (timer == NULL) return;
    EventLoop_UnregisterIo(timer->eventLoop, timer->registration);
    close(timer->fd);
    free(timer);
}
