/* AF_INET socket calls (docs/networking.md), driven directly (no libapplibs), against the test's
 * TCP echo server on 127.0.0.1: the same program runs under `mt3620-emu run --network` and under
 * qemu-arm (the host's own sockets), and the test compares every line.
 * Usage: inet-socket ECHO_PORT CLOSED_PORT [UDP_ECHO_PORT]
 * Each line: what was tried, the result, and errno when it failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r)
{
    if (r < 0) printf("%s: -1 errno %d\n", what, errno);
    else printf("%s: %ld\n", what, r);
}

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int pollOnce(int fd, short events, int timeoutMs)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, timeoutMs);
    return n < 0 ? -1 : p.revents;
}

static volatile sig_atomic_t pipes;
static void onPipe(int sig)
{
    (void)sig;
    ++pipes;
}

static int64_t nowMs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char *argv[])
{
    if (argc < 3) return 1;
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, onPipe);
    struct sockaddr_in echo = loopback(atoi(argv[1])), closed = loopback(atoi(argv[2]));
    char buf[64];
    int v = 0;
    socklen_t len = sizeof v;

    /* Before any connection. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    printf("socket: %s\n", s >= 0 ? "ok" : "failed");
    getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len);
    printf("SO_TYPE: %d\n", v);
    result("send before connect", send(s, "x", 1, MSG_NOSIGNAL));
    result("recv before connect", recv(s, buf, sizeof buf, 0));
    printf("poll before connect: %#x\n", pollOnce(s, POLLIN | POLLOUT, 0));
    result("getpeername before connect", getpeername(s, (struct sockaddr *)buf, &(socklen_t){sizeof buf}));
    result("connect with a short address", connect(s, (struct sockaddr *)&echo, 8));
    result("blocking connect to a closed port", connect(s, (struct sockaddr *)&closed, sizeof closed));
    close(s);

    /* A blocking connection. */
    s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    result("setsockopt TCP_NODELAY", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int)));
    result("setsockopt SO_KEEPALIVE", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &(int){1}, sizeof(int)));
    result("blocking connect", connect(s, (struct sockaddr *)&echo, sizeof echo));
    result("connect again", connect(s, (struct sockaddr *)&echo, sizeof echo));
    len = sizeof v;
    getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    printf("TCP_NODELAY: %d\n", v != 0);
    struct sockaddr_in peer, self;
    socklen_t peerLen = sizeof peer, selfLen = sizeof self;
    getpeername(s, (struct sockaddr *)&peer, &peerLen);
    getsockname(s, (struct sockaddr *)&self, &selfLen);
    printf("getpeername: len %u, the echo server %d\n", (unsigned)peerLen,
           peer.sin_port == echo.sin_port && peer.sin_addr.s_addr == echo.sin_addr.s_addr);
    printf("getsockname: len %u, 127.0.0.1 %d, a port %d\n", (unsigned)selfLen,
           self.sin_addr.s_addr == htonl(INADDR_LOOPBACK), self.sin_port != 0);
    result("recv MSG_DONTWAIT with nothing sent", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    result("send", send(s, "hello\n", 6, 0));
    printf("poll for POLLIN: %#x\n", pollOnce(s, POLLIN, 2000));
    result("recv MSG_PEEK into 3 bytes", recv(s, buf, 3, MSG_PEEK));
    result("recv", recv(s, buf, sizeof buf, 0));
    printf("got: %.6s", buf);
    struct timeval tv = {.tv_usec = 100000};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int64_t t0 = nowMs();
    result("recv with SO_RCVTIMEO 100 ms", recv(s, buf, sizeof buf, 0));
    printf("it waited at least 100 ms: %d\n", nowMs() - t0 >= 100);

    /* Non-blocking, with epoll, read and write. */
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = 7}, got;
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    result("epoll_wait on an idle connection", epoll_wait(ep, &got, 1, 1000));
    printf("event: data %u events %#x\n", got.data.u32, got.events);
    result("write", write(s, "abc\n", 4));
    ev.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev);
    result("epoll_wait for the echo", epoll_wait(ep, &got, 1, 2000));
    result("read", read(s, buf, sizeof buf));
    result("read again", read(s, buf, sizeof buf));
    close(ep);
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);

    /* Shutting down. */
    result("shutdown(SHUT_WR)", shutdown(s, SHUT_WR));
    result("send after SHUT_WR", send(s, "x", 1, MSG_NOSIGNAL));
    result("send after SHUT_WR without MSG_NOSIGNAL", send(s, "x", 1, 0));
    printf("SIGPIPE: %d\n", (int)pipes);
    tv.tv_sec = 2;
    tv.tv_usec = 0;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    result("recv after the server closed", recv(s, buf, sizeof buf, 0));
    printf("poll after both closed: %#x\n", pollOnce(s, POLLIN, 0) & (POLLIN | POLLHUP | POLLERR));
    result("close", close(s));

    /* A non-blocking connection: EINPROGRESS, POLLOUT, SO_ERROR. */
    s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(s, (struct sockaddr *)&echo, sizeof echo);
    printf("non-blocking connect: %s\n", r == 0 || errno == EINPROGRESS ? "0 or EINPROGRESS" : strerror(errno));
    printf("poll for POLLOUT: %#x\n", pollOnce(s, POLLOUT, 2000));
    len = sizeof v;
    v = -1;
    result("getsockopt SO_ERROR", getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len));
    printf("SO_ERROR: %d\n", v);
    close(s);

    s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    r = connect(s, (struct sockaddr *)&closed, sizeof closed);
    if (r != 0 && errno == EINPROGRESS) {
        pollOnce(s, POLLOUT, 2000);
        len = sizeof v;
        getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len);
        printf("non-blocking connect to a closed port: SO_ERROR %d\n", v);
    } else {
        printf("non-blocking connect to a closed port: SO_ERROR %d\n", errno);
    }
    close(s);

    /* UDP without connect: sendto and recvfrom carry the addresses. */
    if (argc > 3) {
        struct sockaddr_in udp = loopback(atoi(argv[3])), src;
        socklen_t srcLen = sizeof src;
        int u = socket(AF_INET, SOCK_DGRAM, 0);
        result("UDP send without a destination", send(u, "x", 1, 0));
        result("UDP sendto", sendto(u, "datagram", 8, 0, (struct sockaddr *)&udp, sizeof udp));
        printf("poll UDP for POLLIN: %#x\n", pollOnce(u, POLLIN, 2000));
        result("UDP recvfrom into 4 bytes, MSG_TRUNC",
               recvfrom(u, buf, 4, MSG_TRUNC, (struct sockaddr *)&src, &srcLen));
        printf("from: len %u, the UDP echo %d\n", (unsigned)srcLen,
               src.sin_port == udp.sin_port && src.sin_addr.s_addr == udp.sin_addr.s_addr);
        close(u);
    }
    return 0;
}
