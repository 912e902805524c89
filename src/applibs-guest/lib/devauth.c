/* DeviceAuth_GetCertificatePath (tlsutils/deviceauth.h): the emulated OS serves the device
 * certificate as a file (DeviceAbi.h, MT_DEVICEAUTH_CERT_PATH); the app opens it like any
 * file, and the OS refuses the open without the manifest's DeviceAuthentication. */
#include <tlsutils/deviceauth.h>

#include "internal.h"

const char *DeviceAuth_GetCertificatePath(void)
{
    return MT_DEVICEAUTH_CERT_PATH;
}
