/* applibs/sysevent.h: system event notifications (this project's implementation of the public
 * Azure Sphere API; docs/hl-apps.md). The emulator raises no system events (no OS or app
 * updates happen), so a registration never calls back. */
#pragma once
#include <stdint.h>
#include <applibs/eventloop.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t SysEvent_Events;
enum {
    SysEvent_Events_None = 0x00,
    SysEvent_Events_UpdateReadyForInstall = 0x02,
    SysEvent_Events_UpdateStarted = 0x04,
    SysEvent_Events_NoUpdateAvailable = 0x08,
    SysEvent_Events_Mask = SysEvent_Events_UpdateReadyForInstall | SysEvent_Events_UpdateStarted |
                           SysEvent_Events_NoUpdateAvailable,
};
typedef uint32_t SysEvent_Status;
enum {
    SysEvent_Status_Invalid = 0,
    SysEvent_Status_Pending = 1,
    SysEvent_Status_Final = 2,
    SysEvent_Status_Deferred = 3,
    SysEvent_Status_Complete = 4,
};

typedef struct SysEvent_Info SysEvent_Info;
typedef void SysEventsCallback(SysEvent_Events event, SysEvent_Status state, const SysEvent_Info *info,
                               void *context);

/* A registration (no event will come), or NULL and errno (EINVAL for a bad mask). */
EventRegistration *SysEvent_RegisterForEventNotifications(EventLoop *el, SysEvent_Events eventBitmask,
                                                          SysEventsCallback callback, void *context);
int SysEvent_UnregisterForEventNotifications(EventRegistration *reg);
/* Nothing is pending in the emulator: -1 and EINVAL. */
int SysEvent_DeferEvent(SysEvent_Events event, uint32_t requested_defer_time_in_minutes);
int SysEvent_ResumeEvent(SysEvent_Events event);

#ifdef __cplusplus
}
#endif
