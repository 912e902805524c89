/* wolfssl/ssl.h: the wolfSSL TLS client API as Azure Sphere high-level apps use it, in
 * libwolfssl.so.0 (this project's own implementation: docs/tls.md). Names, constants and
 * calling conventions follow wolfSSL's public API documentation, so an app written for the
 * Azure Sphere SDK's wolfSSL builds and behaves the same; the TLS engine itself is the
 * emulated OS's (/dev/tls), so the device key never enters the app.
 *
 * What is here: TLS 1.2/1.3 clients over a connected socket (blocking or not), trusted CAs
 * from PEM files, directories or buffers, server-name checks and SNI, a client certificate
 * and key from PEM files, or the device's identity through DeviceAuth_SslCtxFunc
 * (tlsutils/deviceauth_curl.h). Not here: servers, DTLS, custom I/O callbacks, DER input,
 * verify callbacks (accepted and ignored, with a log line). */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct WOLFSSL_METHOD WOLFSSL_METHOD;
typedef struct WOLFSSL_CTX WOLFSSL_CTX;
typedef struct WOLFSSL WOLFSSL;
typedef struct WOLFSSL_X509_STORE_CTX WOLFSSL_X509_STORE_CTX;
typedef int (*VerifyCallback)(int preverify, WOLFSSL_X509_STORE_CTX *store);

enum {
    WOLFSSL_SUCCESS = 1,
    WOLFSSL_FAILURE = 0,
    WOLFSSL_FATAL_ERROR = -1,
    WOLFSSL_SHUTDOWN_NOT_DONE = 2,

    WOLFSSL_FILETYPE_PEM = 1,
    WOLFSSL_FILETYPE_ASN1 = 2,

    WOLFSSL_VERIFY_NONE = 0,
    WOLFSSL_VERIFY_PEER = 1,
    WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT = 2,

    WOLFSSL_SNI_HOST_NAME = 0,

    WOLFSSL_ERROR_NONE = 0,
    WOLFSSL_ERROR_WANT_READ = 2,
    WOLFSSL_ERROR_WANT_WRITE = 3,
    WOLFSSL_ERROR_SYSCALL = 5,
    WOLFSSL_ERROR_ZERO_RETURN = 6,
    WOLFSSL_ERROR_WANT_CONNECT = 7,
    WOLFSSL_ERROR_SSL = 85
};

int wolfSSL_Init(void);
int wolfSSL_Cleanup(void);
int wolfSSL_Debugging_ON(void);
void wolfSSL_Debugging_OFF(void);

WOLFSSL_METHOD *wolfTLSv1_2_client_method(void);
WOLFSSL_METHOD *wolfTLSv1_3_client_method(void);
WOLFSSL_METHOD *wolfSSLv23_client_method(void); /* the highest version both ends have */
WOLFSSL_METHOD *wolfTLS_client_method(void);

WOLFSSL_CTX *wolfSSL_CTX_new(WOLFSSL_METHOD *method);
void wolfSSL_CTX_free(WOLFSSL_CTX *ctx);
int wolfSSL_CTX_load_verify_locations(WOLFSSL_CTX *ctx, const char *file, const char *path);
int wolfSSL_CTX_load_verify_buffer(WOLFSSL_CTX *ctx, const unsigned char *in, long size, int format);
int wolfSSL_CTX_use_certificate_file(WOLFSSL_CTX *ctx, const char *file, int format);
int wolfSSL_CTX_use_certificate_chain_file(WOLFSSL_CTX *ctx, const char *file);
int wolfSSL_CTX_use_PrivateKey_file(WOLFSSL_CTX *ctx, const char *file, int format);
void wolfSSL_CTX_set_verify(WOLFSSL_CTX *ctx, int mode, VerifyCallback verify_callback);
int wolfSSL_CTX_UseSNI(WOLFSSL_CTX *ctx, unsigned char type, const void *data, unsigned short size);

WOLFSSL *wolfSSL_new(WOLFSSL_CTX *ctx);
void wolfSSL_free(WOLFSSL *ssl);
int wolfSSL_set_fd(WOLFSSL *ssl, int fd);
int wolfSSL_get_fd(const WOLFSSL *ssl);
void wolfSSL_set_verify(WOLFSSL *ssl, int mode, VerifyCallback verify_callback);
int wolfSSL_UseSNI(WOLFSSL *ssl, unsigned char type, const void *data, unsigned short size);
int wolfSSL_check_domain_name(WOLFSSL *ssl, const char *dn);
int wolfSSL_connect(WOLFSSL *ssl);
int wolfSSL_read(WOLFSSL *ssl, void *data, int sz);
int wolfSSL_write(WOLFSSL *ssl, const void *data, int sz);
int wolfSSL_pending(WOLFSSL *ssl);
int wolfSSL_shutdown(WOLFSSL *ssl);
int wolfSSL_get_error(WOLFSSL *ssl, int ret);
const char *wolfSSL_get_version(const WOLFSSL *ssl);
const char *wolfSSL_get_cipher_name(WOLFSSL *ssl);
#define wolfSSL_get_cipher(ssl) wolfSSL_get_cipher_name(ssl)

char *wolfSSL_ERR_error_string(unsigned long err, char *buf); /* buf: 80 bytes, or NULL */
void wolfSSL_ERR_error_string_n(unsigned long err, char *buf, unsigned long len);

#ifdef __cplusplus
}
#endif
