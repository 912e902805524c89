/* applibs/eventloop.h: a single-threaded event loop over epoll (this project's implementation
 * of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct EventLoop EventLoop;
typedef struct EventRegistration EventRegistration;

/* What EventLoop_Run reports. */
typedef int EventLoop_Run_Result;
enum {
    EventLoop_Run_Failed = -1,        /* errno says why */
    EventLoop_Run_FinishedEmpty = 0,  /* no event was processed */
    EventLoop_Run_Finished = 1,       /* at least one event was processed */
};

/* I/O events (the epoll bit values). */
typedef uint32_t EventLoop_IoEvents;
enum {
    EventLoop_None = 0x00,
    EventLoop_Input = 0x01,
    EventLoop_Output = 0x04,
    EventLoop_Error = 0x08,  /* always reported, whatever the mask */
};

typedef void EventLoopIoCallback(EventLoop *el, int fd, EventLoop_IoEvents events, void *context);

/* A new loop, or NULL and errno. */
EventLoop *EventLoop_Create(void);
/* Frees the loop and every registration still in it. */
void EventLoop_Close(EventLoop *el);
/* Waits for and dispatches events. duration < 0: until stopped (or, with process_one_event,
 * until one event was processed); 0: process at most one ready event without waiting;
 * > 0: for that many milliseconds at most. */
EventLoop_Run_Result EventLoop_Run(EventLoop *el, int duration_in_milliseconds, bool process_one_event);
/* Makes the current (or next) EventLoop_Run return. */
int EventLoop_Stop(EventLoop *el);
/* A descriptor readable whenever the loop has work (its epoll descriptor). */
int EventLoop_GetWaitDescriptor(EventLoop *el);
/* Watches `fd` for `eventBitmask`; NULL and errno (EEXIST if `fd` is already registered). */
EventRegistration *EventLoop_RegisterIo(EventLoop *el, int fd, EventLoop_IoEvents eventBitmask,
                                        EventLoopIoCallback *callback, void *context);
int EventLoop_ModifyIoEvents(EventLoop *el, EventRegistration *reg, EventLoop_IoEvents eventBitmask);
/* NULL `reg`: nothing to do. */
int EventLoop_UnregisterIo(EventLoop *el, EventRegistration *reg);

#ifdef __cplusplus
}
#endif
