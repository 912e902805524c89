/* The small APIs: application, networking, power management, RTC (docs/hl-apps.md). */
#include <applibs/application.h>
#include <applibs/networking.h>
#include <applibs/powermanagement.h>
#include <applibs/rtc.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

int Application_Connect(const char *componentId)
{
    if (componentId == NULL) APPLIBS_FAIL(EFAULT);
    APPLIBS_FAIL(ENOSYS);  /* inter-core sockets are not routed to HL apps yet */
}

int Application_IsDeviceAuthReady(bool *outIsReady)
{
    if (outIsReady == NULL) APPLIBS_FAIL(EFAULT);
    *outIsReady = false;
    return 0;
}

int Networking_IsNetworkingReady(bool *outIsNetworkingReady)
{
    if (outIsNetworkingReady == NULL) APPLIBS_FAIL(EFAULT);
    *outIsNetworkingReady = false;
    return 0;
}

/* The OS answers on /dev/power: EACCES without the capability, else it ends the app. */
static int power_request(uint32_t request, unsigned long arg)
{
    int fd = open(MT_POWER_PATH, O_RDWR | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = ioctl(fd, request, arg);
    int e = errno;
    close(fd);
    errno = e;
    return r < 0 ? -1 : 0;
}

int PowerManagement_ForceSystemReboot(void) { return power_request(MT_POWER_IOC_REBOOT, 0); }

int PowerManagement_ForceSystemPowerDown(unsigned int maximum_residency_in_seconds)
{
    return power_request(MT_POWER_IOC_POWER_DOWN, maximum_residency_in_seconds);
}

int clock_systohc(void) { return 0; }
