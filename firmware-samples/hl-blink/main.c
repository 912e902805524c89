/* HL blink: LED1 red (GPIO 8, active low on the RDB) blinks from an EventLoop timer; button A
 * (GPIO 12, active low) switches between a fast (125 ms) and a slow (500 ms) blink. Written
 * for mt3620-emu (docs/hl-apps.md). Every change is logged with Log_Debug. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <applibs/eventloop.h>
#include <applibs/gpio.h>
#include <applibs/log.h>

#include "eventloop_timer_utilities.h"

#define LED_GPIO 8
#define BUTTON_GPIO 12

static int ledFd = -1;
static int buttonFd = -1;
static EventLoopTimer *blinkTimer;
static EventLoopTimer *buttonTimer;
static bool ledOn;
static bool fast;
static GPIO_Value_Type lastButton = GPIO_Value_High;
static volatile sig_atomic_t exitCode;

static const struct timespec kSlow = {0, 500 * 1000 * 1000};
static const struct timespec kFast = {0, 125 * 1000 * 1000};
static const struct timespec kButtonPoll = {0, 10 * 1000 * 1000};

static void onTerminate(int signal)
{
    (void)signal;
    exitCode = 2;
}

static void blink(EventLoopTimer *timer)
{
    if (ConsumeEventLoopTimerEvent(timer) < 0) {
        exitCode = 3;
        return;
    }
    ledOn = !ledOn;
    /* Active low: driving the pin low lights the LED. */
    if (GPIO_SetValue(ledFd, ledOn ? GPIO_Value_Low : GPIO_Value_High) < 0) {
        Log_Debug("ERROR: GPIO_SetValue: %s (%d)\n", strerror(errno), errno);
        exitCode = 4;
        return;
    }
    Log_Debug("LED %s\n", ledOn ? "on" : "off");
}

static void pollButton(EventLoopTimer *timer)
{
    if (ConsumeEventLoopTimerEvent(timer) < 0) {
        exitCode = 3;
        return;
    }
    GPIO_Value_Type value;
    if (GPIO_GetValue(buttonFd, &value) < 0) {
        exitCode = 5;
        return;
    }
    if (value == GPIO_Value_Low && lastButton == GPIO_Value_High) {
        fast = !fast;
        SetEventLoopTimerPeriod(blinkTimer, fast ? &kFast : &kSlow);
        Log_Debug("button A: %s blink\n", fast ? "fast" : "slow");
    }
    lastButton = value;
}

int main(void)
{
    Log_Debug("hl-blink: LED1 red on GPIO %d, button A on GPIO %d\n", LED_GPIO, BUTTON_GPIO);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = onTerminate;
    sigaction(SIGTERM, &action, NULL);

    ledFd = GPIO_OpenAsOutput(LED_GPIO, GPIO_OutputMode_PushPull, GPIO_Value_High);
    buttonFd = GPIO_OpenAsInput(BUTTON_GPIO);
    if (ledFd < 0 || buttonFd < 0) {
        Log_Debug("ERROR: cannot open the GPIOs: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    EventLoop *loop = EventLoop_Create();
    blinkTimer = loop ? CreateEventLoopPeriodicTimer(loop, blink, &kSlow) : NULL;
    buttonTimer = loop ? CreateEventLoopPeriodicTimer(loop, pollButton, &kButtonPoll) : NULL;
    if (blinkTimer == NULL || buttonTimer == NULL) {
        Log_Debug("ERROR: cannot set up the event loop: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    while (exitCode == 0) {
        if (EventLoop_Run(loop, -1, true) == EventLoop_Run_Failed && errno != EINTR) exitCode = 6;
    }
    DisposeEventLoopTimer(blinkTimer);
    DisposeEventLoopTimer(buttonTimer);
    EventLoop_Close(loop);
    close(ledFd);
    close(buttonFd);
    Log_Debug("hl-blink: exit %d\n", (int)exitCode);
    return exitCode == 2 ? 0 : exitCode;
}
