/* A high-level app in the shape of Microsoft's HelloWorld_HighLevelApp sample, written for this
 * project from the public API: the LED named by the hardware definition (SAMPLE_LED) blinks once
 * a second from an EventLoop timer, SIGTERM ends the app cleanly, and the exit code says what
 * failed. It is built by its CMakeLists.txt through the SDK's azsphere_* functions (docs/sdk.md);
 * scripts/try-ms-sample.sh builds Microsoft's own sample the same way. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <applibs/eventloop.h>
#include <applibs/gpio.h>
#include <applibs/log.h>

#include <hw/sample_appliance.h>

#include "eventloop_timer_utilities.h"

typedef enum {
    ExitCode_Success = 0,
    ExitCode_TermHandler_SigTerm = 1,
    ExitCode_Main_EventLoopFail = 2,
    ExitCode_LedTimer_Consume = 3,
    ExitCode_Init_EventLoop = 4,
    ExitCode_Init_LedTimer = 5,
    ExitCode_Init_OpenLed = 6,
} ExitCode;

static volatile sig_atomic_t exitCode = ExitCode_Success;
static int ledFd = -1;
static EventLoop *eventLoop = NULL;
static EventLoopTimer *ledTimer = NULL;
static GPIO_Value_Type ledState = GPIO_Value_High;

static void TerminationHandler(int signalNumber)
{
    (void)signalNumber;
    exitCode = ExitCode_TermHandler_SigTerm;
}

static void LedTimerEventHandler(EventLoopTimer *timer)
{
    if (ConsumeEventLoopTimerEvent(timer) != 0) {
        exitCode = ExitCode_LedTimer_Consume;
        return;
    }
    ledState = ledState == GPIO_Value_High ? GPIO_Value_Low : GPIO_Value_High;
    GPIO_SetValue(ledFd, ledState);
}

static ExitCode InitPeripheralsAndHandlers(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof(struct sigaction));
    action.sa_handler = TerminationHandler;
    sigaction(SIGTERM, &action, NULL);

    eventLoop = EventLoop_Create();
    if (eventLoop == NULL) {
        Log_Debug("Could not create event loop.\n");
        return ExitCode_Init_EventLoop;
    }

    Log_Debug("Opening SAMPLE_LED as output.\n");
    ledFd = GPIO_OpenAsOutput(SAMPLE_LED, GPIO_OutputMode_PushPull, GPIO_Value_High);
    if (ledFd == -1) {
        Log_Debug("ERROR: Could not open SAMPLE_LED: %s (%d).\n", strerror(errno), errno);
        return ExitCode_Init_OpenLed;
    }

    static const struct timespec blinkInterval = {.tv_sec = 1, .tv_nsec = 0};
    ledTimer = CreateEventLoopPeriodicTimer(eventLoop, &LedTimerEventHandler, &blinkInterval);
    if (ledTimer == NULL) {
        return ExitCode_Init_LedTimer;
    }
    return ExitCode_Success;
}

static void ClosePeripheralsAndHandlers(void)
{
    DisposeEventLoopTimer(ledTimer);
    EventLoop_Close(eventLoop);
    Log_Debug("Closing file descriptors.\n");
    if (ledFd >= 0) {
        GPIO_SetValue(ledFd, GPIO_Value_High);
        close(ledFd);
    }
}

int main(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    Log_Debug("Starting CMake Hello application...\n");
    exitCode = InitPeripheralsAndHandlers();
    while (exitCode == ExitCode_Success) {
        EventLoop_Run_Result result = EventLoop_Run(eventLoop, -1, true);
        if (result == EventLoop_Run_Failed && errno != EINTR) {
            exitCode = ExitCode_Main_EventLoopFail;
        }
    }
    ClosePeripheralsAndHandlers();
    Log_Debug("Application exiting.\n");
    return exitCode;
}
