/* tlsutils/deviceauth_curl.h: mutual TLS with the device's identity (this project's
 * implementation of the public Azure Sphere API, in libtlsutils.so.0; docs/tls.md).
 * DeviceAuth_SslCtxFunc takes a WOLFSSL_CTX* (what curl's CURLOPT_SSL_CTX_FUNCTION passes) and
 * makes its sessions present the device certificate, the handshake signed by Pluton. It needs
 * the manifest's "DeviceAuthentication" and a device state (`run --device DIR`). */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

typedef enum DeviceAuthSslResult {
    DeviceAuthSslResult_Success = 0,
    DeviceAuthSslResult_GetTenantIdError = 1,
    DeviceAuthSslResult_GetTenantCertificateError = 2,
    DeviceAuthSslResult_EnableHwSignError = 3
} DeviceAuthSslResult;

DeviceAuthSslResult DeviceAuth_SslCtxFunc(void *sslctx);

#ifdef __cplusplus
}
#endif
