/* The small APIs: application, networking, power management, RTC (docs/hl-apps.md). */
#include <applibs/application.h>
#include <applibs/networking.h>
#include <applibs/powermanagement.h>
#include <applibs/rtc.h>

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (optionally in braces) to the intercore byte order:
 * the first three groups little-endian, the last two as written. 0, or -1 if malformed. */
static int parse_component_id(const char *text, uint8_t out[16])
{
    size_t n = strlen(text);
    if (n == 38 && text[0] == '{' && text[37] == '}') {
        ++text;
        n = 36;
    }
    if (n != 36) return -1;
    uint8_t raw[16];
    size_t k = 0;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i++] != '-') return -1;
            continue;
        }
        int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) return -1;
        raw[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i) out[i] = raw[order[i]];
    return 0;
}

/* The OS side is a socket family of the emulated kernel (DeviceAbi.h, docs/intercore.md):
 * connect() applies the manifests' AllowedApplicationConnections and sets up the buffers. */
int Application_Connect(const char *componentId)
{
    if (componentId == NULL) APPLIBS_FAIL(EINVAL);
    uint8_t address[MT_SOCKADDR_INTERCORE_SIZE] = {0};
    const uint16_t family = MT_AF_INTERCORE;
    memcpy(address, &family, sizeof family);
    if (parse_component_id(componentId, address + 4) != 0) APPLIBS_FAIL(EINVAL);
    int fd = socket(MT_AF_INTERCORE, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (const struct sockaddr *)address, sizeof address) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int Application_IsDeviceAuthReady(bool *outIsReady)
{
    if (outIsReady == NULL) APPLIBS_FAIL(EFAULT);
    /* Ready when the OS lets this app read the device certificate (docs/security.md). */
    int fd = open(MT_DEVICEAUTH_CERT_PATH, O_RDONLY | O_CLOEXEC);
    *outIsReady = fd >= 0;
    if (fd >= 0) close(fd);
    return 0;
}

int Networking_IsNetworkingReady(bool *outIsNetworkingReady)
{
    if (outIsNetworkingReady == NULL) APPLIBS_FAIL(EFAULT);
    /* The OS answers on /dev/networking: 1 when the emulator runs with --network. */
    int fd = open(MT_NETWORKING_PATH, O_RDONLY | O_CLOEXEC);
    int ready = fd < 0 ? 0 : ioctl(fd, MT_NETWORKING_IOC_READY, 0);
    if (fd >= 0) close(fd);
    *outIsNetworkingReady = ready == 1;
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
