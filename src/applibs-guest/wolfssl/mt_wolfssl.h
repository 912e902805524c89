/* What libtlsutils.so.0 needs from libwolfssl.so.0 beyond the public API (not installed for
 * apps): DeviceAuth_SslCtxFunc marks a context so that its sessions present the device's
 * identity, which the emulated OS's TLS service holds (docs/tls.md). */
#pragma once
#include <wolfssl/ssl.h>

/* WOLFSSL_SUCCESS, or WOLFSSL_FAILURE for a NULL context. */
int mt_wolfSSL_CTX_UseDeviceAuth(WOLFSSL_CTX *ctx);
