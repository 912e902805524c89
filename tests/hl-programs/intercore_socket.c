/* The socket calls of the emulated OS on Application_Connect's family (docs/intercore.md),
 * driven directly (no libapplibs), against the intercore-echo RTApp on M4 core 0. The test runs
 * it with a manifest whose AllowedApplicationConnections lists intercore-echo, and compares
 * every line. Each line: what was tried, the result, and errno when it failed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define AF_INTERCORE 0x3620 /* MT_AF_INTERCORE, src/os/DeviceAbi.h */

static void result(const char *what, long r)
{
    if (r < 0) printf("%s: -1 errno %d\n", what, errno);
    else printf("%s: %ld\n", what, r);
}

/* 005180bc-402f-4cb3-a662-72937dbcde47 (intercore-echo), in the wire order. */
static void address(unsigned char a[20], int other)
{
    static const unsigned char echo[16] = {0xbc, 0x80, 0x51, 0x00, 0x2f, 0x40, 0xb3, 0x4c,
                                           0xa6, 0x62, 0x72, 0x93, 0x7d, 0xbc, 0xde, 0x47};
    memset(a, 0, 20);
    uint16_t family = AF_INTERCORE;
    memcpy(a, &family, 2);
    memcpy(a + 4, echo, 16);
    if (other) a[4] ^= 0xff; /* an ID the manifest does not list */
}

static volatile sig_atomic_t pipes;
static void onPipe(int sig)
{
    (void)sig;
    ++pipes;
}

static int64_t nowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Message i: 104 bytes, so a request takes a 128-byte block of the ring and its 109-byte reply a
 * 144-byte one: the RTApp's reply ring fills before the request ring. */
static size_t message(unsigned i, char *out)
{
    int n = sprintf(out, "message %03u ", i);
    memset(out + n, 'a' + (int)(i % 26u), 104 - (size_t)n);
    return 104;
}

int main(void)
{
    unsigned char a[20];
    char buf[1100];
    result("socket(AF_INET6)", socket(AF_INET6, SOCK_STREAM, 0));
    result("socket(intercore, SOCK_STREAM)", socket(AF_INTERCORE, SOCK_STREAM, 0));
    result("socket(intercore, protocol 1)", socket(AF_INTERCORE, SOCK_SEQPACKET, 1));
    result("send on stdout", send(1, "x", 1, 0));
    int s = socket(AF_INTERCORE, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
    printf("socket: %s\n", s >= 0 ? "ok" : "failed");
    result("send before connect", send(s, "x", 1, 0));
    result("getpeername before connect", getpeername(s, (struct sockaddr *)a, &(socklen_t){20}));
    address(a, 1);
    result("connect to an app the manifest does not list", connect(s, (struct sockaddr *)a, 20));
    address(a, 0);
    result("connect with a short address", connect(s, (struct sockaddr *)a, 8));
    result("connect to intercore-echo", connect(s, (struct sockaddr *)a, 20));
    result("connect again", connect(s, (struct sockaddr *)a, 20));

    int v = 0;
    socklen_t len = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len);
    printf("SO_TYPE: %d (len %u)\n", v, (unsigned)len);
    v = 1000;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len);
    printf("SO_RCVBUF after setting 1000: %d\n", v);
    result("getsockopt(SOL_IP)", getsockopt(s, 0, 1, &v, &len));
    unsigned char peer[32];
    socklen_t peer_len = sizeof peer;
    getpeername(s, (struct sockaddr *)peer, &peer_len);
    printf("getpeername: len %u, family %#x, same ID %d\n", (unsigned)peer_len, peer[0] | peer[1] << 8,
           memcmp(peer + 4, a + 4, 16) == 0);

    memset(buf, 'x', sizeof buf);
    result("send 1025 bytes", send(s, buf, 1025, 0));

    /* Fill both rings without reading replies: the RTApp stops when its reply ring is full, then
     * the request ring fills. Full for good: no room even after letting the RTApp run 10 ms. */
    unsigned sent = 0, refused = 0;
    while (refused < 2) {
        size_t n = message(sent, buf);
        if (send(s, buf, n, MSG_DONTWAIT) == (ssize_t)n) {
            ++sent;
            refused = 0;
        } else if (errno == EAGAIN) {
            ++refused;
            usleep(10000);
        } else {
            break;
        }
    }
    printf("sent %u until full: errno %d\n", sent, errno);
    struct pollfd p = {.fd = s, .events = POLLIN | POLLOUT};
    poll(&p, 1, 0);
    printf("poll: in %d out %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT));

    /* Read one reply: the RTApp may go on, but it has not run yet, so the request ring is still
     * full; a blocking send then waits until the RTApp has read a request. */
    fcntl(s, F_SETFL, 0);
    ssize_t got = recv(s, buf, sizeof buf, 0);
    printf("first reply: %d bytes: %.16s\n", (int)got, buf);
    size_t n = message(sent, buf);
    result("send MSG_DONTWAIT", send(s, buf, n, MSG_DONTWAIT));
    int64_t t0 = nowNs();
    result("blocking send", send(s, buf, n, 0));
    ++sent;
    printf("it waited at least 1 us: %d\n", nowNs() - t0 >= 1000);

    /* Every reply, in order, intact. */
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    unsigned replies = 1, bad = 0;
    for (;;) {
        got = recv(s, buf, sizeof buf, 0);
        if (got < 0) break;
        char expected[120];
        memcpy(expected, "echo:", 5);
        size_t m = 5 + message(replies, expected + 5);
        if ((size_t)got != m || memcmp(buf, expected, m) != 0) ++bad;
        ++replies;
    }
    printf("replies %u of %u, %u wrong, then errno %d\n", replies, sent, bad, errno);

    struct timeval tv_out;
    len = sizeof tv_out;
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv_out, &len);
    printf("SO_RCVTIMEO: %ld.%06ld s\n", (long)tv_out.tv_sec, (long)tv_out.tv_usec);
    tv.tv_usec = 50000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    t0 = nowNs();
    result("recv with nothing sent", recv(s, buf, sizeof buf, 0));
    printf("it waited %lld ms\n", (long long)((nowNs() - t0) / 1000000));

    /* MSG_PEEK keeps the message; a short buffer truncates it; MSG_TRUNC tells the real size. */
    send(s, "peek-test", 9, 0);
    result("recv MSG_PEEK into 4 bytes", recv(s, buf, 4, MSG_PEEK));
    result("recv MSG_TRUNC into 4 bytes", recv(s, buf, 4, MSG_TRUNC));
    printf("got: %.4s\n", buf);
    result("recv MSG_DONTWAIT after it", recv(s, buf, sizeof buf, MSG_DONTWAIT));

    /* sendmsg / recvmsg with two pieces each. */
    struct iovec out[2] = {{"two ", 4}, {"pieces", 6}};
    struct msghdr mh = {.msg_iov = out, .msg_iovlen = 2};
    result("sendmsg", sendmsg(s, &mh, 0));
    char head[3], tail[64] = {0};
    struct iovec in[2] = {{head, 3}, {tail, sizeof tail - 1}};
    struct msghdr rh = {.msg_iov = in, .msg_iovlen = 2};
    result("recvmsg", recvmsg(s, &rh, 0));
    printf("recvmsg: %.3s|%s flags %d\n", head, tail, rh.msg_flags);

    /* epoll: readable when the reply comes. */
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    result("epoll_wait with nothing to read", epoll_wait(ep, &ev, 1, 0));
    send(s, "ping", 4, 0);
    result("epoll_wait after a send", epoll_wait(ep, &ev, 1, 1000));
    printf("event: data %u in %d\n", ev.data.u32, !!(ev.events & EPOLLIN));
    recv(s, buf, sizeof buf, 0);

    result("shutdown(SHUT_WR)", shutdown(s, SHUT_WR));
    result("send after SHUT_WR", send(s, "x", 1, MSG_NOSIGNAL));
    signal(SIGPIPE, onPipe);
    result("send after SHUT_WR without MSG_NOSIGNAL", send(s, "x", 1, 0));
    printf("SIGPIPE handled: %d\n", (int)pipes);
    result("shutdown(SHUT_RD)", shutdown(s, SHUT_RD));
    result("recv after SHUT_RD", recv(s, buf, sizeof buf, 0));
    result("close", close(s));
    return 0;
}
