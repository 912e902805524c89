/* applibs/application.h: talking to real-time apps and device state (this project's
 * implementation of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A connected socket to the real-time app `componentId` (send/recv carry one message each), or
 * -1 and errno: EINVAL for a malformed ID, EACCES when either manifest does not list the other
 * in AllowedApplicationConnections, ECONNREFUSED when no such RTApp runs (docs/intercore.md). */
int Application_Connect(const char *componentId);
/* Device authentication is never ready in the emulator (no cloud): *outIsReady = false. */
int Application_IsDeviceAuthReady(bool *outIsReady);

#ifdef __cplusplus
}
#endif
