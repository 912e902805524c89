/* libwolfssl.so.0: the wolfSSL client API over the emulated OS's TLS service (docs/tls.md).
 * A WOLFSSL_CTX collects settings in the app; each WOLFSSL opens /dev/tls, hands the settings
 * and the socket to the OS at the first connect, and from then on every call is one ioctl
 * (DeviceAbi.h, MT_TLS_*). The OS never blocks: when it answers "want read/write" on a
 * blocking socket this library waits in poll(2), as wolfSSL's own I/O would block in recv. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <wolfssl/error-ssl.h>
#include <wolfssl/ssl.h>

#include "DeviceAbi.h"
#include "mt_wolfssl.h"

struct WOLFSSL_METHOD {
    uint32_t min_version, max_version; /* 3 = TLS 1.2, 4 = TLS 1.3 */
};

/* A growing byte buffer (PEM text). */
struct blob {
    char *data;
    size_t len;
};

struct WOLFSSL_CTX {
    struct WOLFSSL_METHOD method;
    int verify_mode;
    int device_auth;
    struct blob ca, cert, key;
    char *sni;
};

struct WOLFSSL {
    WOLFSSL_CTX *ctx;
    int tls_fd;  /* /dev/tls */
    int sock_fd; /* the app's socket */
    int verify_mode;
    char *domain, *sni;
    int configured, connected;
    int last_error; /* what wolfSSL_get_error answers for the last failed call */
    char version[16], cipher[64];
};

static const WOLFSSL_METHOD tls12 = {3, 3}, tls13 = {4, 4}, any_tls = {3, 4};

static int blob_append(struct blob *b, const void *data, size_t len)
{
    char *p = realloc(b->data, b->len + len + 2);
    if (p == NULL) return 0;
    memcpy(p + b->len, data, len);
    b->len += len;
    p[b->len++] = '\n'; /* PEM blocks may lack the final newline */
    p[b->len] = 0;
    b->data = p;
    return 1;
}

static void blob_free(struct blob *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

/* Appends a PEM file; WOLFSSL_SUCCESS, or WOLFSSL_FAILURE if unreadable or not PEM. */
static int blob_append_file(struct blob *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return WOLFSSL_FAILURE;
    char buf[4096];
    struct blob file = {0};
    size_t n;
    int ok = 1;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0) ok = blob_append(&file, buf, n);
    fclose(f);
    ok = ok && file.data != NULL && strstr(file.data, "-----BEGIN ") != NULL && blob_append(b, file.data, file.len);
    blob_free(&file);
    return ok ? WOLFSSL_SUCCESS : WOLFSSL_FAILURE;
}

int wolfSSL_Init(void) { return WOLFSSL_SUCCESS; }
int wolfSSL_Cleanup(void) { return WOLFSSL_SUCCESS; }
int wolfSSL_Debugging_ON(void) { return 0; } /* the OS logs the TLS service's steps (--log-level debug) */
void wolfSSL_Debugging_OFF(void) {}

WOLFSSL_METHOD *wolfTLSv1_2_client_method(void) { return (WOLFSSL_METHOD *)&tls12; }
WOLFSSL_METHOD *wolfTLSv1_3_client_method(void) { return (WOLFSSL_METHOD *)&tls13; }
WOLFSSL_METHOD *wolfSSLv23_client_method(void) { return (WOLFSSL_METHOD *)&any_tls; }
WOLFSSL_METHOD *wolfTLS_client_method(void) { return (WOLFSSL_METHOD *)&any_tls; }

WOLFSSL_CTX *wolfSSL_CTX_new(WOLFSSL_METHOD *method)
{
    if (method == NULL) return NULL;
    WOLFSSL_CTX *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) return NULL;
    ctx->method = *method;
    ctx->verify_mode = WOLFSSL_VERIFY_PEER; /* a client checks the server unless told not to */
    return ctx;
}

void wolfSSL_CTX_free(WOLFSSL_CTX *ctx)
{
    if (ctx == NULL) return;
    blob_free(&ctx->ca);
    blob_free(&ctx->cert);
    blob_free(&ctx->key);
    free(ctx->sni);
    free(ctx);
}

int wolfSSL_CTX_load_verify_locations(WOLFSSL_CTX *ctx, const char *file, const char *path)
{
    if (ctx == NULL || (file == NULL && path == NULL)) return WOLFSSL_FAILURE;
    if (file != NULL && blob_append_file(&ctx->ca, file) != WOLFSSL_SUCCESS) return WOLFSSL_FAILURE;
    if (path == NULL) return WOLFSSL_SUCCESS;
    DIR *dir = opendir(path);
    if (dir == NULL) return WOLFSSL_FAILURE;
    int loaded = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char full[512];
        if (snprintf(full, sizeof full, "%s/%s", path, e->d_name) >= (int)sizeof full) continue;
        if (blob_append_file(&ctx->ca, full) == WOLFSSL_SUCCESS) loaded++;
    }
    closedir(dir);
    return loaded > 0 ? WOLFSSL_SUCCESS : WOLFSSL_FAILURE;
}

int wolfSSL_CTX_load_verify_buffer(WOLFSSL_CTX *ctx, const unsigned char *in, long size, int format)
{
    if (ctx == NULL || in == NULL || size <= 0 || format != WOLFSSL_FILETYPE_PEM) return WOLFSSL_FAILURE;
    return blob_append(&ctx->ca, in, (size_t)size) ? WOLFSSL_SUCCESS : WOLFSSL_FAILURE;
}

int wolfSSL_CTX_use_certificate_file(WOLFSSL_CTX *ctx, const char *file, int format)
{
    if (ctx == NULL || file == NULL || format != WOLFSSL_FILETYPE_PEM) return WOLFSSL_FAILURE;
    blob_free(&ctx->cert);
    return blob_append_file(&ctx->cert, file);
}

int wolfSSL_CTX_use_certificate_chain_file(WOLFSSL_CTX *ctx, const char *file)
{
    return wolfSSL_CTX_use_certificate_file(ctx, file, WOLFSSL_FILETYPE_PEM);
}

int wolfSSL_CTX_use_PrivateKey_file(WOLFSSL_CTX *ctx, const char *file, int format)
{
    if (ctx == NULL || file == NULL || format != WOLFSSL_FILETYPE_PEM) return WOLFSSL_FAILURE;
    blob_free(&ctx->key);
    return blob_append_file(&ctx->key, file);
}

void wolfSSL_CTX_set_verify(WOLFSSL_CTX *ctx, int mode, VerifyCallback verify_callback)
{
    (void)verify_callback;
    if (ctx != NULL) ctx->verify_mode = mode;
}

static int set_sni(char **slot, unsigned char type, const void *data, unsigned short size)
{
    if (slot == NULL || type != WOLFSSL_SNI_HOST_NAME || data == NULL || size == 0) return BAD_FUNC_ARG;
    char *name = malloc((size_t)size + 1);
    if (name == NULL) return WOLFSSL_FAILURE;
    memcpy(name, data, size);
    name[size] = 0;
    free(*slot);
    *slot = name;
    return WOLFSSL_SUCCESS;
}

int wolfSSL_CTX_UseSNI(WOLFSSL_CTX *ctx, unsigned char type, const void *data, unsigned short size)
{
    return set_sni(ctx ? &ctx->sni : NULL, type, data, size);
}

int mt_wolfSSL_CTX_UseDeviceAuth(WOLFSSL_CTX *ctx)
{
    if (ctx == NULL) return WOLFSSL_FAILURE;
    ctx->device_auth = 1;
    return WOLFSSL_SUCCESS;
}

WOLFSSL *wolfSSL_new(WOLFSSL_CTX *ctx)
{
    if (ctx == NULL) return NULL;
    WOLFSSL *ssl = calloc(1, sizeof *ssl);
    if (ssl == NULL) return NULL;
    ssl->tls_fd = open(MT_TLS_PATH, O_RDWR | O_CLOEXEC);
    if (ssl->tls_fd < 0) {
        free(ssl);
        return NULL;
    }
    ssl->ctx = ctx;
    ssl->sock_fd = -1;
    ssl->verify_mode = ctx->verify_mode;
    strcpy(ssl->version, "unknown");
    return ssl;
}

void wolfSSL_free(WOLFSSL *ssl)
{
    if (ssl == NULL) return;
    close(ssl->tls_fd);
    free(ssl->domain);
    free(ssl->sni);
    free(ssl);
}

int wolfSSL_set_fd(WOLFSSL *ssl, int fd)
{
    if (ssl == NULL || fd < 0 || ssl->configured) return BAD_FUNC_ARG;
    ssl->sock_fd = fd;
    return WOLFSSL_SUCCESS;
}

int wolfSSL_get_fd(const WOLFSSL *ssl) { return ssl ? ssl->sock_fd : -1; }

void wolfSSL_set_verify(WOLFSSL *ssl, int mode, VerifyCallback verify_callback)
{
    (void)verify_callback;
    if (ssl != NULL) ssl->verify_mode = mode;
}

int wolfSSL_UseSNI(WOLFSSL *ssl, unsigned char type, const void *data, unsigned short size)
{
    return set_sni(ssl ? &ssl->sni : NULL, type, data, size);
}

int wolfSSL_check_domain_name(WOLFSSL *ssl, const char *dn)
{
    if (ssl == NULL || dn == NULL) return WOLFSSL_FAILURE;
    char *copy = strdup(dn);
    if (copy == NULL) return WOLFSSL_FAILURE;
    free(ssl->domain);
    ssl->domain = copy;
    return WOLFSSL_SUCCESS;
}

/* Takes the OS's error for a failed call; returns WOLFSSL_FATAL_ERROR. */
static int failed(WOLFSSL *ssl)
{
    uint8_t e[MT_TLS_ERROR_SIZE];
    int32_t code = FATAL_ERROR;
    if (ioctl(ssl->tls_fd, MT_TLS_IOC_ERROR, e) == 0) memcpy(&code, e, sizeof code);
    ssl->last_error = code;
    return WOLFSSL_FATAL_ERROR;
}

/* The settings go to the OS once, at the first connect. */
static int configure(WOLFSSL *ssl)
{
    if (ssl->configured) return 0;
    if (ssl->sock_fd < 0) {
        ssl->last_error = BAD_FUNC_ARG;
        return -1;
    }
    const WOLFSSL_CTX *ctx = ssl->ctx;
    /* The name the server's certificate must carry: check_domain_name's, else the SNI. */
    const char *name = ssl->domain ? ssl->domain : ssl->sni ? ssl->sni : ctx->sni;
    uint32_t c[MT_TLS_CONFIG_SIZE / 4] = {
        (uint32_t)ssl->sock_fd, ctx->method.min_version, ctx->method.max_version,
        ssl->verify_mode != WOLFSSL_VERIFY_NONE,
        (uint32_t)(uintptr_t)ctx->ca.data, (uint32_t)ctx->ca.len,
        (uint32_t)(uintptr_t)ctx->cert.data, (uint32_t)ctx->cert.len,
        (uint32_t)(uintptr_t)ctx->key.data, (uint32_t)ctx->key.len,
        (uint32_t)(uintptr_t)name, (uint32_t)ctx->device_auth};
    int r = ioctl(ssl->tls_fd, MT_TLS_IOC_CONFIGURE, c);
    if (r < 0) {
        ssl->last_error = errno == EBADF || errno == ENOTSOCK ? BAD_FUNC_ARG : SOCKET_ERROR_E;
        return -1;
    }
    if (r == MT_TLS_STATUS_FAILED) {
        failed(ssl);
        return -1;
    }
    ssl->configured = 1;
    return 0;
}

/* Waits on a blocking socket for what the OS wants; 1 to try again, 0 to report it. */
static int wait_socket(WOLFSSL *ssl, int status)
{
    int flags = fcntl(ssl->sock_fd, F_GETFL);
    if (flags < 0 || (flags & O_NONBLOCK)) return 0;
    struct pollfd p = {.fd = ssl->sock_fd, .events = status == MT_TLS_STATUS_WANT_READ ? POLLIN : POLLOUT};
    return poll(&p, 1, -1) >= 0 || errno == EINTR;
}

/* One OS call with its "want" loop; the status, or -1 with last_error set. */
static int call(WOLFSSL *ssl, unsigned long request, void *arg)
{
    for (;;) {
        int r = ioctl(ssl->tls_fd, request, arg);
        if (r < 0) {
            ssl->last_error = SOCKET_ERROR_E;
            return -1;
        }
        if ((r == MT_TLS_STATUS_WANT_READ || r == MT_TLS_STATUS_WANT_WRITE) && wait_socket(ssl, r)) continue;
        if (r == MT_TLS_STATUS_WANT_READ) ssl->last_error = WOLFSSL_ERROR_WANT_READ;
        if (r == MT_TLS_STATUS_WANT_WRITE) ssl->last_error = WOLFSSL_ERROR_WANT_WRITE;
        if (r == MT_TLS_STATUS_FAILED || r == MT_TLS_STATUS_CLOSED) failed(ssl);
        return r;
    }
}

int wolfSSL_connect(WOLFSSL *ssl)
{
    if (ssl == NULL) return BAD_FUNC_ARG;
    if (ssl->connected) return WOLFSSL_SUCCESS;
    if (configure(ssl) != 0) return WOLFSSL_FATAL_ERROR;
    int r = call(ssl, MT_TLS_IOC_HANDSHAKE, NULL);
    if (r != MT_TLS_STATUS_OK) return WOLFSSL_FATAL_ERROR;
    ssl->connected = 1;
    ssl->last_error = WOLFSSL_ERROR_NONE;
    uint8_t info[MT_TLS_INFO_SIZE];
    if (ioctl(ssl->tls_fd, MT_TLS_IOC_INFO, info) == 0) {
        memcpy(ssl->version, info, sizeof ssl->version);
        memcpy(ssl->cipher, info + 16, sizeof ssl->cipher);
        ssl->version[sizeof ssl->version - 1] = ssl->cipher[sizeof ssl->cipher - 1] = 0;
    }
    return WOLFSSL_SUCCESS;
}

/* Read and write: the byte count, 0 when the peer closed, or WOLFSSL_FATAL_ERROR. */
static int transfer(WOLFSSL *ssl, unsigned long request, const void *data, int sz)
{
    if (ssl == NULL || data == NULL || sz < 0) return BAD_FUNC_ARG;
    if (!ssl->connected && wolfSSL_connect(ssl) != WOLFSSL_SUCCESS) return WOLFSSL_FATAL_ERROR;
    struct {
        uint32_t buf, len;
        int32_t done;
    } io = {(uint32_t)(uintptr_t)data, (uint32_t)sz, 0};
    int r = call(ssl, request, &io);
    if (r == MT_TLS_STATUS_OK) {
        ssl->last_error = WOLFSSL_ERROR_NONE;
        return io.done;
    }
    if (r == MT_TLS_STATUS_CLOSED) return 0; /* last_error: ZERO_RETURN or SOCKET_PEER_CLOSED_E */
    return WOLFSSL_FATAL_ERROR;
}

int wolfSSL_read(WOLFSSL *ssl, void *data, int sz) { return transfer(ssl, MT_TLS_IOC_READ, data, sz); }
int wolfSSL_write(WOLFSSL *ssl, const void *data, int sz) { return transfer(ssl, MT_TLS_IOC_WRITE, data, sz); }

int wolfSSL_pending(WOLFSSL *ssl)
{
    if (ssl == NULL || !ssl->connected) return 0;
    int r = ioctl(ssl->tls_fd, MT_TLS_IOC_PENDING);
    return r < 0 ? 0 : r;
}

int wolfSSL_shutdown(WOLFSSL *ssl)
{
    if (ssl == NULL) return BAD_FUNC_ARG;
    if (!ssl->connected) return WOLFSSL_SUCCESS;
    return call(ssl, MT_TLS_IOC_SHUTDOWN, NULL) == MT_TLS_STATUS_OK ? WOLFSSL_SUCCESS : WOLFSSL_FATAL_ERROR;
}

int wolfSSL_get_error(WOLFSSL *ssl, int ret)
{
    if (ssl == NULL) return BAD_FUNC_ARG;
    if (ret > 0) return WOLFSSL_ERROR_NONE;
    return ssl->last_error;
}

const char *wolfSSL_get_version(const WOLFSSL *ssl) { return ssl ? ssl->version : "unknown"; }
const char *wolfSSL_get_cipher_name(WOLFSSL *ssl) { return ssl && ssl->connected ? ssl->cipher : NULL; }

static const char *error_text(long err)
{
    switch (err) {
        case WOLFSSL_ERROR_WANT_READ: return "the socket has no data yet: call again when it is readable";
        case WOLFSSL_ERROR_WANT_WRITE: return "the socket is full: call again when it is writable";
        case WOLFSSL_ERROR_ZERO_RETURN: return "the peer closed the TLS session (close_notify)";
        case SOCKET_ERROR_E: return "the socket failed";
        case FATAL_ERROR: return "the handshake failed or the peer sent a fatal alert";
        case NO_PRIVATE_KEY: return "the client key is missing or unusable";
        case DOMAIN_NAME_MISMATCH: return "the server's certificate is for another name";
        case VERSION_ERROR: return "no TLS version both ends accept";
        case VERIFY_CERT_ERROR: return "the server's certificate is not acceptable";
        case SOCKET_PEER_CLOSED_E: return "the peer closed the connection";
        case ASN_AFTER_DATE_E: return "the server's certificate has expired";
        case BAD_FUNC_ARG: return "bad argument";
        case ASN_NO_SIGNER_E: return "no trusted CA signed the server's certificate";
        default: return "unknown error";
    }
}

void wolfSSL_ERR_error_string_n(unsigned long err, char *buf, unsigned long len)
{
    if (buf == NULL || len == 0) return;
    snprintf(buf, len, "%s", error_text((long)(int)err));
}

char *wolfSSL_ERR_error_string(unsigned long err, char *buf)
{
    static char fallback[80];
    if (buf == NULL) buf = fallback;
    wolfSSL_ERR_error_string_n(err, buf, 80);
    return buf;
}
