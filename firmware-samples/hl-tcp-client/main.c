/* hl-tcp-client: a high-level app that talks TCP to a server on the network, the way Azure
 * Sphere apps do (docs/networking.md). Written for mt3620-emu; run it with `run --network`:
 *   - asks Networking_IsNetworkingReady, then resolves HOST with getaddrinfo (the emulated OS's
 *     /etc/hosts holds the manifest's AllowedConnections names);
 *   - connects without blocking: connect() answers EINPROGRESS, epoll waits for EPOLLOUT, and
 *     SO_ERROR gives the outcome;
 *   - switches the socket to blocking with fcntl, sends LINE and a newline, prints the line the
 *     server sends back, then shuts down its side and waits for the server to close.
 * Usage: app PORT [HOST [LINE]]   (defaults localhost, "hello from the A7")
 * Exit code: 0 the echo matched; 1 bad arguments; 2 no network; 3 HOST does not resolve;
 * 4 the connection failed; 5 the exchange failed or the echo differed. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <applibs/log.h>
#include <applibs/networking.h>

static int fail(int code, const char *what)
{
    Log_Debug("%s: %s (%d)\n", what, strerror(errno), errno);
    return code;
}

/* Waits until `fd` is writable (the connection is made or failed): 0, or -1 on timeout. */
static int waitWritable(int fd, int timeoutMs)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -1;
    struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    int n = epoll_wait(ep, &ev, 1, timeoutMs);
    close(ep);
    return n == 1 ? 0 : -1;
}

/* Receives up to and including '\n' (which is dropped): the line's length, or -1. */
static int receiveLine(int fd, char *line, size_t room)
{
    size_t n = 0;
    while (n + 1 < room) {
        ssize_t r = recv(fd, line + n, 1, 0);
        if (r <= 0) return -1;
        if (line[n] == '\n') break;
        ++n;
    }
    line[n] = '\0';
    return (int)n;
}

/* Connects to `addr` the non-blocking way; the socket, or -1 with `code` set. */
static int connectTo(const struct sockaddr_in *addr, bool networkReady, int *code)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *code = fail(4, "socket");
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0) {
        if (errno != EINPROGRESS) {
            *code = fail(networkReady ? 4 : 2, "connect");
            close(fd);
            return -1;
        }
        Log_Debug("connect: in progress\n");
        int err = 0;
        socklen_t len = sizeof err;
        if (waitWritable(fd, 5000) != 0) {
            Log_Debug("connect: timed out\n");
            *code = 4;
            close(fd);
            return -1;
        }
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            errno = err;
            *code = fail(4, "connect");
            close(fd);
            return -1;
        }
    }
    return fd;
}

int main(int argc, char *argv[])
{
    if (argc < 2) {
        Log_Debug("usage: app PORT [HOST [LINE]]\n");
        return 1;
    }
    const char *port = argv[1];
    const char *host = argc > 2 ? argv[2] : "localhost";
    const char *text = argc > 3 ? argv[3] : "hello from the A7";

    bool ready = false;
    Networking_IsNetworkingReady(&ready);
    Log_Debug("Networking_IsNetworkingReady: %s\n", ready ? "yes" : "no");

    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *found = NULL;
    int gai = getaddrinfo(host, port, &hints, &found);
    if (gai != 0) {
        Log_Debug("getaddrinfo(%s): %s\n", host, gai_strerror(gai));
        return 3;
    }
    struct sockaddr_in addr;
    memcpy(&addr, found->ai_addr, sizeof addr);
    freeaddrinfo(found);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
    Log_Debug("%s is %s\n", host, ip);

    int code = 0;
    int fd = connectTo(&addr, ready, &code);
    if (fd < 0) return code;
    struct sockaddr_in peer;
    socklen_t peerLen = sizeof peer;
    getpeername(fd, (struct sockaddr *)&peer, &peerLen);
    inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
    Log_Debug("connected to %s:%u\n", ip, ntohs(peer.sin_port));

    /* From here on, blocking calls: the emulated OS sleeps the app until the host has data. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    struct timeval fiveSeconds = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &fiveSeconds, sizeof fiveSeconds);
    char out[256];
    int n = snprintf(out, sizeof out, "%s\n", text);
    if (send(fd, out, (size_t)n, MSG_NOSIGNAL) != n) return fail(5, "send");
    char line[256];
    if (receiveLine(fd, line, sizeof line) < 0) return fail(5, "recv");
    Log_Debug("echo: %s\n", line);
    shutdown(fd, SHUT_WR);
    char rest;
    ssize_t end = recv(fd, &rest, 1, 0);
    Log_Debug("%s\n", end == 0 ? "server closed the connection" : "server did not close the connection");
    close(fd);
    return strcmp(line, text) == 0 && end == 0 ? 0 : 5;
}
