/* Timers for an EventLoop, over timerfd (this project's own helper for its HL samples; the
 * Azure Sphere samples ship a helper of the same shape in each sample's source). */
#pragma once
#include <applibs/eventloop.h>
#include <time.h>

typedef struct EventLoopTimer EventLoopTimer;
typedef void (*EventLoopTimerHandler)(EventLoopTimer *timer);

/* A timer that fires every `period`; NULL and errno on failure. */
EventLoopTimer *CreateEventLoopPeriodicTimer(EventLoop *eventLoop, EventLoopTimerHandler handler,
                                             const struct timespec *period);
/* A timer that does not fire until SetEventLoopTimerOneShot/Period arms it. */
EventLoopTimer *CreateEventLoopDisarmedTimer(EventLoop *eventLoop, EventLoopTimerHandler handler);
/* Reads the expiry count so the timer's descriptor stops being readable; call it first in
 * every handler. 0, or -1 and errno. */
int ConsumeEventLoopTimerEvent(EventLoopTimer *timer);
int SetEventLoopTimerPeriod(EventLoopTimer *timer, const struct timespec *period);
int SetEventLoopTimerOneShot(EventLoopTimer *timer, const struct timespec *delay);
int DisarmEventLoopTimer(EventLoopTimer *timer);
/* Unregisters and closes the timer; NULL is fine. */
void DisposeEventLoopTimer(EventLoopTimer *timer);
