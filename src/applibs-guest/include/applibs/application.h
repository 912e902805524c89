/* applibs/application.h: talking to real-time apps and device state (this project's
 * implementation of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A socket to the real-time app `componentId`, or -1 and errno. The emulator does not route
 * inter-core messages to HL apps yet: this returns -1 with ENOSYS (docs/hl-apps.md). */
int Application_Connect(const char *componentId);
/* Device authentication is never ready in the emulator (no cloud): *outIsReady = false. */
int Application_IsDeviceAuthReady(bool *outIsReady);

#ifdef __cplusplus
}
#endif
