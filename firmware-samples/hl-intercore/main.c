/* hl-intercore: a high-level app that talks to the intercore-echo RTApp (component ID
 * 005180bc-402f-4cb3-a662-72937dbcde47) through Application_Connect, in the shape of Microsoft's
 * IntercoreComms high-level app. Written for mt3620-emu (docs/intercore.md):
 *   - an EventLoop timer sends messages ("msg NNNN " and 0-289 filler letters, so the ring
 *     blocks wrap at every offset), keeping at most WINDOW of them unanswered;
 *   - the socket, registered in the event loop, receives the replies; each is checked against
 *     "echo:" + what was sent, in order, and printed with Log_Debug;
 *   - after COUNT replies it prints a summary and exits: 0 when every reply was right.
 * Usage: app [COUNT [WINDOW [PERIOD_MS [RTAPP_COMPONENT_ID]]]]   (defaults 20, 1, 100,
 * intercore-echo's ID) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <applibs/application.h>
#include <applibs/eventloop.h>
#include <applibs/log.h>

#include "eventloop_timer_utilities.h"

static const char rtAppComponentId[] = "005180bc-402f-4cb3-a662-72937dbcde47";

static int sockFd = -1;
static unsigned count = 20, window = 1, sent, received, wrong;
static volatile sig_atomic_t exitCode = -1; /* -1: running */

static void onTerm(int sig)
{
    (void)sig;
    exitCode = 1;
}

/* Message `i`: its text and length (at most 9 + 289 bytes). */
static size_t makeMessage(unsigned i, char *out)
{
    int n = sprintf(out, "msg %04u ", i);
    size_t filler = (i * 37u) % 290u;
    memset(out + n, 'a' + (int)(i % 26u), filler);
    return (size_t)n + filler;
}

static void sendMore(void)
{
    char msg[320];
    while (sent < count && sent - received < window) {
        size_t n = makeMessage(sent, msg);
        if (send(sockFd, msg, n, 0) != (ssize_t)n) {
            Log_Debug("ERROR: send: %s (%d)\n", strerror(errno), errno);
            exitCode = 3;
            return;
        }
        ++sent;
    }
}

static void onSendTimer(EventLoopTimer *timer)
{
    if (ConsumeEventLoopTimerEvent(timer) != 0) {
        exitCode = 2;
        return;
    }
    sendMore();
}

static void onSocket(EventLoop *el, int fd, EventLoop_IoEvents events, void *context)
{
    (void)el;
    (void)events;
    (void)context;
    char reply[1100], expected[330];
    ssize_t n = recv(fd, reply, sizeof reply - 1, 0);
    if (n < 0) {
        if (errno == EAGAIN) return; /* a message for another app, dropped by the OS */
        Log_Debug("ERROR: recv: %s (%d)\n", strerror(errno), errno);
        exitCode = 4;
        return;
    }
    reply[n] = '\0';
    memcpy(expected, "echo:", 5);
    size_t m = 5 + makeMessage(received, expected + 5);
    int ok = (size_t)n == m && memcmp(reply, expected, m) == 0;
    if (!ok) ++wrong;
    Log_Debug("reply %04u (%d bytes)%s: %s\n", received, (int)n, ok ? "" : " WRONG", reply);
    if (++received == count) exitCode = wrong ? 5 : 0;
}

int main(int argc, char *argv[])
{
    if (argc > 1) count = (unsigned)strtoul(argv[1], NULL, 10);
    if (argc > 2) window = (unsigned)strtoul(argv[2], NULL, 10);
    unsigned periodMs = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 100;
    const char *rtApp = argc > 4 ? argv[4] : rtAppComponentId;
    if (window == 0) window = 1;
    Log_Debug("hl-intercore: %u messages to %s, %u at a time, every %u ms\n", count, rtApp, window, periodMs);

    struct sigaction action = {.sa_handler = onTerm};
    sigaction(SIGTERM, &action, NULL);

    EventLoop *loop = EventLoop_Create();
    if (loop == NULL) return 6;
    sockFd = Application_Connect(rtApp);
    if (sockFd < 0) {
        Log_Debug("ERROR: Application_Connect: %s (%d)\n", strerror(errno), errno);
        return 7;
    }
    /* As Microsoft's sample does: do not wait for ever if the RTApp stops answering. */
    const struct timeval recvTimeout = {.tv_sec = 5, .tv_usec = 0};
    if (setsockopt(sockFd, SOL_SOCKET, SO_RCVTIMEO, &recvTimeout, sizeof recvTimeout) != 0) {
        Log_Debug("ERROR: setsockopt: %s (%d)\n", strerror(errno), errno);
        return 8;
    }
    EventRegistration *reg = EventLoop_RegisterIo(loop, sockFd, EventLoop_Input, onSocket, NULL);
    const struct timespec period = {.tv_sec = periodMs / 1000, .tv_nsec = (long)(periodMs % 1000) * 1000000};
    EventLoopTimer *timer = CreateEventLoopPeriodicTimer(loop, onSendTimer, &period);
    if (reg == NULL || timer == NULL) return 9;

    while (exitCode < 0) {
        if (EventLoop_Run(loop, -1, true) == EventLoop_Run_Failed && errno != EINTR) exitCode = 10;
    }
    Log_Debug("hl-intercore: %u sent, %u replies, %u wrong\n", sent, received, wrong);
    DisposeEventLoopTimer(timer);
    EventLoop_UnregisterIo(loop, reg);
    EventLoop_Close(loop);
    close(sockFd);
    return exitCode;
}
