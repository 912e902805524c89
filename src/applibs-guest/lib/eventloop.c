/* EventLoop over one epoll instance. Each epoll_wait takes a single event, so a callback may
 * unregister any registration (even one that is also ready) without leaving a stale pointer. */
#include <applibs/eventloop.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct EventRegistration {
    EventLoop *el;
    int fd;
    EventLoop_IoEvents events;
    EventLoopIoCallback *callback;
    void *context;
    EventRegistration *next;
};

struct EventLoop {
    int epfd;
    int running;
    int stop;
    EventRegistration *regs;
};

static const EventLoop_IoEvents kValidEvents = EventLoop_Input | EventLoop_Output | EventLoop_Error;

EventLoop *EventLoop_Create(void)
{
    EventLoop *el = calloc(1, sizeof *el);
    if (el == NULL) return NULL;
    el->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (el->epfd < 0) {
        int e = errno;
        free(el);
        errno = e;
        return NULL;
    }
    return el;
}

void EventLoop_Close(EventLoop *el)
{
    if (el == NULL) return;
    while (el->regs != NULL) {
        EventRegistration *r = el->regs;
        el->regs = r->next;
        free(r);
    }
    close(el->epfd);
    free(el);
}

int EventLoop_GetWaitDescriptor(EventLoop *el)
{
    if (el == NULL) {
        errno = EFAULT;
        return -1;
    }
    return el->epfd;
}

int EventLoop_Stop(EventLoop *el)
{
    if (el == NULL) {
        errno = EFAULT;
        return -1;
    }
    el->stop = 1;
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

EventLoop_Run_Result EventLoop_Run(EventLoop *el, int duration_in_milliseconds, bool process_one_event)
{
    if (el == NULL) {
        errno = EFAULT;
        return EventLoop_Run_Failed;
    }
    if (el->running) {
        errno = EBUSY;
        return EventLoop_Run_Failed;
    }
    el->running = 1;
    const int64_t deadline = duration_in_milliseconds > 0 ? now_ms() + duration_in_milliseconds : 0;
    int processed = 0;
    EventLoop_Run_Result result = EventLoop_Run_FinishedEmpty;
    while (!el->stop) {
        int timeout = -1;
        if (duration_in_milliseconds == 0) {
            timeout = 0;
        } else if (duration_in_milliseconds > 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0) break;
            timeout = (int)left;
        }
        struct epoll_event ev;
        int n = epoll_wait(el->epfd, &ev, 1, timeout);
        if (n < 0) {
            result = EventLoop_Run_Failed;
            break;
        }
        if (n == 1) {
            EventRegistration *r = ev.data.ptr;
            EventLoop_IoEvents fired = ev.events & (r->events | EventLoop_Error);
            if (ev.events & EPOLLHUP) fired |= EventLoop_Error;
            r->callback(el, r->fd, fired, r->context);
            ++processed;
        }
        if (duration_in_milliseconds == 0 || (process_one_event && processed > 0)) break;
    }
    if (result != EventLoop_Run_Failed && processed > 0) result = EventLoop_Run_Finished;
    el->stop = 0;
    el->running = 0;
    return result;
}

EventRegistration *EventLoop_RegisterIo(EventLoop *el, int fd, EventLoop_IoEvents eventBitmask,
                                        EventLoopIoCallback *callback, void *context)
{
    if (el == NULL || callback == NULL) {
        errno = EFAULT;
        return NULL;
    }
    if (eventBitmask & ~kValidEvents) {
        errno = EINVAL;
        return NULL;
    }
    for (EventRegistration *r = el->regs; r != NULL; r = r->next) {
        if (r->callback != NULL && r->fd == fd) {
            errno = EEXIST;
            return NULL;
        }
    }
    EventRegistration *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    *r = (EventRegistration){el, fd, eventBitmask, callback, context, el->regs};
    struct epoll_event ev = {.events = eventBitmask, .data.ptr = r};
    if (epoll_ctl(el->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        int e = errno;
        free(r);
        errno = e;
        return NULL;
    }
    el->regs = r;
    return r;
}

int EventLoop_ModifyIoEvents(EventLoop *el, EventRegistration *reg, EventLoop_IoEvents eventBitmask)
{
    if (el == NULL || reg == NULL) {
        errno = EFAULT;
        return -1;
    }
    if (eventBitmask & ~kValidEvents) {
        errno = EINVAL;
        return -1;
    }
    struct epoll_event ev = {.events = eventBitmask, .data.ptr = reg};
    if (epoll_ctl(el->epfd, EPOLL_CTL_MOD, reg->fd, &ev) < 0) return -1;
    reg->events = eventBitmask;
    return 0;
}

int EventLoop_UnregisterIo(EventLoop *el, EventRegistration *reg)
{
    if (reg == NULL) return 0;
    if (el == NULL) {
        errno = EFAULT;
        return -1;
    }
    for (EventRegistration **p = &el->regs; *p != NULL; p = &(*p)->next) {
        if (*p == reg) {
            *p = reg->next;
            epoll_ctl(el->epfd, EPOLL_CTL_DEL, reg->fd, NULL);
            free(reg);
            return 0;
        }
    }
    errno = EINVAL;
    return -1;
}

/* ---- System events (applibs/sysevent.h) ----------------------------------------------------
 * The emulator raises no system events (no OS or app updates happen), so a registration is
 * kept only to be unregistered; it has no descriptor and never fires. */
#include <applibs/sysevent.h>

EventRegistration *SysEvent_RegisterForEventNotifications(EventLoop *el, SysEvent_Events eventBitmask,
                                                          SysEventsCallback callback, void *context)
{
    if (el == NULL || callback == NULL) {
        errno = EFAULT;
        return NULL;
    }
    if (eventBitmask == 0 || (eventBitmask & ~(uint32_t)SysEvent_Events_Mask)) {
        errno = EINVAL;
        return NULL;
    }
    EventRegistration *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    *r = (EventRegistration){el, -1, eventBitmask, NULL, context, el->regs};
    el->regs = r;
    return r;
}

int SysEvent_UnregisterForEventNotifications(EventRegistration *reg)
{
    if (reg == NULL) {
        errno = EFAULT;
        return -1;
    }
    EventLoop *el = reg->el;
    for (EventRegistration **p = &el->regs; *p != NULL; p = &(*p)->next) {
        if (*p == reg) {
            *p = reg->next;
            free(reg);
            return 0;
        }
    }
    errno = EINVAL;
    return -1;
}

int SysEvent_DeferEvent(SysEvent_Events event, uint32_t requested_defer_time_in_minutes)
{
    (void)event;
    (void)requested_defer_time_in_minutes;
    errno = EINVAL;  /* no update is pending */
    return -1;
}

int SysEvent_ResumeEvent(SysEvent_Events event)
{
    (void)event;
    errno = EINVAL;
    return -1;
}
