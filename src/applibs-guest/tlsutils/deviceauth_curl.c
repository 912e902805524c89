/* DeviceAuth_SslCtxFunc (tlsutils/deviceauth_curl.h). The device certificate must be readable
 * by this app (the OS refuses without DeviceAuthentication or a device state: then the app
 * learns it here, as on the device, instead of at the handshake); the context is then marked
 * so that the OS's TLS service presents the device identity (docs/tls.md). */
#include <fcntl.h>
#include <unistd.h>

#include <tlsutils/deviceauth_curl.h>

#include "DeviceAbi.h"
#include "mt_wolfssl.h"

DeviceAuthSslResult DeviceAuth_SslCtxFunc(void *sslctx)
{
    int fd = open(MT_DEVICEAUTH_CERT_PATH, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return DeviceAuthSslResult_GetTenantCertificateError;
    close(fd);
    if (mt_wolfSSL_CTX_UseDeviceAuth((WOLFSSL_CTX *)sslctx) != WOLFSSL_SUCCESS) return DeviceAuthSslResult_EnableHwSignError;
    return DeviceAuthSslResult_Success;
}
