/* Mutual TLS from a high-level app: connects to a server over an AF_INET socket, runs the TLS
 * handshake with wolfSSL (non-blocking, waiting in poll), proves the device's identity with
 * DeviceAuth_SslCtxFunc (the device certificate; Pluton signs), trusts the server through the
 * CA in its image package, sends one line and prints what the server answers.
 *   app <server> <port> [message]    e.g. app localhost 8443 "hello"
 *   app ... --no-device-auth         the same without a client certificate
 * The server must be in the manifest's AllowedConnections. Written for mt3620-emu
 * (docs/tls.md): run with `mt3620-emu run --network --device DIR`; the local test server is
 * tests/tools (mt3620-tls-test-server --client-ca DIR/ca.crt). Exit codes: 0 done, 1 usage,
 * 2 no network, 3 connect failed, 4 TLS setup failed, 5 handshake failed, 6 exchange failed. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <applibs/log.h>
#include <applibs/networking.h>
#include <applibs/storage.h>
#include <tlsutils/deviceauth_curl.h>
#include <wolfssl/ssl.h>

/* A non-blocking TCP connection to host:port; -1 after saying why. */
static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    int r = getaddrinfo(host, port, &hints, &ai);
    if (r != 0) {
        Log_Debug("cannot resolve %s: %s\n", host, gai_strerror(r));
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int error = fd < 0 ? errno : 0;
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        error = errno;
        if (error == EINPROGRESS) { /* wait until connected, then ask how it went */
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            socklen_t len = sizeof error;
            poll(&p, 1, 10000);
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
        }
    }
    freeaddrinfo(ai);
    if (error != 0) {
        Log_Debug("connect to %s:%s: %s (%d)\n", host, port, strerror(error), error);
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

/* Repeats a wolfSSL call while it wants the socket, waiting for it in between. */
static int retry(WOLFSSL *ssl, int fd, int (*step)(WOLFSSL *, void *, int), void *buf, int len)
{
    for (;;) {
        int r = step(ssl, buf, len);
        int e = wolfSSL_get_error(ssl, r);
        if (r > 0 || (e != WOLFSSL_ERROR_WANT_READ && e != WOLFSSL_ERROR_WANT_WRITE)) return r;
        struct pollfd p = {.fd = fd, .events = e == WOLFSSL_ERROR_WANT_READ ? POLLIN : POLLOUT};
        poll(&p, 1, 10000);
    }
}

static int handshake_step(WOLFSSL *ssl, void *buf, int len)
{
    (void)buf;
    (void)len;
    return wolfSSL_connect(ssl);
}
static int read_step(WOLFSSL *ssl, void *buf, int len) { return wolfSSL_read(ssl, buf, len); }
static int write_step(WOLFSSL *ssl, void *buf, int len) { return wolfSSL_write(ssl, buf, len); }

static int fail(WOLFSSL *ssl, int r, const char *what, int code)
{
    char text[80];
    int e = wolfSSL_get_error(ssl, r);
    Log_Debug("%s failed: error %d (%s)\n", what, e, wolfSSL_ERR_error_string((unsigned long)e, text));
    return code;
}

int main(int argc, char *argv[])
{
    bool device_auth = !(argc > 1 && strcmp(argv[argc - 1], "--no-device-auth") == 0);
    if (!device_auth) argc--;
    if (argc < 3) {
        Log_Debug("usage: app <server> <port> [message] [--no-device-auth]\n");
        return 1;
    }
    const char *host = argv[1], *port = argv[2], *message = argc > 3 ? argv[3] : "hello from the device";
    bool ready = false;
    if (Networking_IsNetworkingReady(&ready) != 0 || !ready) {
        Log_Debug("the network is not ready\n");
        return 2;
    }
    int fd = connect_to(host, port);
    if (fd < 0) return 3;
    Log_Debug("connected to %s:%s\n", host, port);

    wolfSSL_Init();
    WOLFSSL_CTX *ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
    char *ca = Storage_GetAbsolutePathInImagePackage("certs/test-server-ca.pem");
    if (ctx == NULL || ca == NULL || wolfSSL_CTX_load_verify_locations(ctx, ca, NULL) != WOLFSSL_SUCCESS) {
        Log_Debug("cannot load the server's CA (certs/test-server-ca.pem)\n");
        return 4;
    }
    free(ca);
    if (device_auth) {
        DeviceAuthSslResult a = DeviceAuth_SslCtxFunc(ctx);
        Log_Debug("device authentication: %s\n", a == DeviceAuthSslResult_Success ? "on" : "unavailable");
        if (a != DeviceAuthSslResult_Success) return 4;
    }
    WOLFSSL *ssl = wolfSSL_new(ctx);
    if (ssl == NULL || wolfSSL_check_domain_name(ssl, host) != WOLFSSL_SUCCESS || wolfSSL_set_fd(ssl, fd) != WOLFSSL_SUCCESS) {
        Log_Debug("cannot make the TLS session: %s\n", strerror(errno));
        return 4;
    }
    int r = retry(ssl, fd, handshake_step, NULL, 0);
    if (r != WOLFSSL_SUCCESS) return fail(ssl, r, "TLS handshake", 5);
    Log_Debug("TLS session: %s\n", wolfSSL_get_version(ssl));

    char line[256];
    int n = snprintf(line, sizeof line, "%s\n", message);
    r = retry(ssl, fd, write_step, line, n);
    if (r != n) return fail(ssl, r, "TLS write", 6);
    char reply[512];
    int got = 0;
    while (got < (int)sizeof reply - 1 && (r = retry(ssl, fd, read_step, reply + got, (int)sizeof reply - 1 - got)) > 0)
        got += r;
    reply[got] = 0;
    int e = wolfSSL_get_error(ssl, r);
    if (got == 0 || (r < 0 && e != WOLFSSL_ERROR_ZERO_RETURN)) return fail(ssl, r, "TLS read", 6);
    Log_Debug("server: %s", reply);
    Log_Debug("closed by the server (%s)\n", e == WOLFSSL_ERROR_ZERO_RETURN ? "close_notify" : "end of stream");
    wolfSSL_free(ssl);
    wolfSSL_CTX_free(ctx);
    wolfSSL_Cleanup();
    close(fd);
    return 0;
}
