/* tlsutils/deviceauth.h: the device's client certificate for TLS (this project's
 * implementation of the public Azure Sphere API; docs/security.md). On the emulator the
 * function lives in libapplibs.so.0. The file it names is readable when the app manifest has
 * "DeviceAuthentication" (EACCES otherwise) and the app runs with a device state
 * (`mt3620-emu run --device DIR`); Application_IsDeviceAuthReady says whether it is. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* The path of the device certificate (PEM), valid while the app runs. */
const char *DeviceAuth_GetCertificatePath(void);

#ifdef __cplusplus
}
#endif
