/* HL UART echo: ISU0 at 115200 8N1. Sends a banner, then echoes every byte it receives (the
 * EventLoop wakes on input); a 'q' ends the app with exit code 0. Written for mt3620-emu
 * (docs/hl-apps.md). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <applibs/eventloop.h>
#include <applibs/log.h>
#include <applibs/uart.h>

#include <hw/mt3620.h>

static int uartFd = -1;
static int done;
static size_t echoed;

static void writeAll(const void *data, size_t length)
{
    const char *p = data;
    while (length > 0) {
        ssize_t n = write(uartFd, p, length);
        if (n < 0) {
            if (errno == EAGAIN) continue;  /* the driver's buffer is full: try again */
            Log_Debug("ERROR: write: %s (%d)\n", strerror(errno), errno);
            done = 2;
            return;
        }
        p += n;
        length -= (size_t)n;
    }
}

static void onUartInput(EventLoop *el, int fd, EventLoop_IoEvents events, void *context)
{
    (void)el;
    (void)events;
    (void)context;
    char buffer[64];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
        if (errno != EAGAIN) done = 3;
        return;
    }
    writeAll(buffer, (size_t)n);
    echoed += (size_t)n;
    Log_Debug("echoed %d byte(s), %u in all\n", (int)n, (unsigned)echoed);
    if (memchr(buffer, 'q', (size_t)n) != NULL) done = 1;
}

int main(void)
{
    UART_Config config;
    UART_InitConfig(&config);
    config.baudRate = 115200;
    uartFd = UART_Open(MT3620_ISU0_UART, &config);
    if (uartFd < 0) {
        Log_Debug("ERROR: UART_Open(ISU0): %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    EventLoop *loop = EventLoop_Create();
    if (loop == NULL || EventLoop_RegisterIo(loop, uartFd, EventLoop_Input, onUartInput, NULL) == NULL) {
        Log_Debug("ERROR: event loop: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    static const char kBanner[] = "hl-uart-echo ready\r\n";
    writeAll(kBanner, sizeof kBanner - 1);
    Log_Debug("hl-uart-echo: waiting for input on ISU0\n");
    while (!done) {
        if (EventLoop_Run(loop, -1, true) == EventLoop_Run_Failed && errno != EINTR) done = 4;
    }
    static const char kBye[] = "\r\nbye\r\n";
    writeAll(kBye, sizeof kBye - 1);
    /* Let the driver drain its buffer before the UART is closed. */
    usleep(10 * 1000);
    EventLoop_Close(loop);
    close(uartFd);
    Log_Debug("hl-uart-echo: exit %d\n", done == 1 ? 0 : done);
    return done == 1 ? 0 : done;
}
