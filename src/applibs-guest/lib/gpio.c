/* GPIO through the Linux GPIO character device (v1 line handles), as the Azure Sphere OS
 * exposes it: /dev/gpiochip0's line offsets are the MT3620 GPIO numbers (docs/hl-apps.md). */
#include <applibs/gpio.h>

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

struct gpiohandle_request {
    uint32_t lineoffsets[MT_GPIOHANDLES_MAX];
    uint32_t flags;
    uint8_t default_values[MT_GPIOHANDLES_MAX];
    char consumer_label[32];
    uint32_t lines;
    int fd;
};
_Static_assert(sizeof(struct gpiohandle_request) == MT_GPIOHANDLE_REQUEST_SIZE, "gpiohandle_request layout");

static int open_line(GPIO_Id gpioId, uint32_t flags, GPIO_Value_Type value)
{
    if (gpioId < 0) APPLIBS_FAIL(ENODEV);
    int chip = open(MT_GPIO_CHIP_PATH, O_RDWR | O_CLOEXEC);
    if (chip < 0) return -1;
    struct gpiohandle_request req;
    memset(&req, 0, sizeof req);
    req.lineoffsets[0] = (uint32_t)gpioId;
    req.flags = flags;
    req.default_values[0] = value;
    strcpy(req.consumer_label, "applibs");
    req.lines = 1;
    int r = ioctl(chip, MT_GPIO_GET_LINEHANDLE_IOCTL, &req);
    int e = errno;
    close(chip);
    if (r < 0) APPLIBS_FAIL(e);
    return req.fd;
}

int GPIO_OpenAsInput(GPIO_Id gpioId) { return open_line(gpioId, MT_GPIOHANDLE_REQUEST_INPUT, 0); }

int GPIO_OpenAsOutput(GPIO_Id gpioId, GPIO_OutputMode_Type outputMode, GPIO_Value_Type initialValue)
{
    static const uint32_t kModeFlags[] = {0, MT_GPIOHANDLE_REQUEST_OPEN_DRAIN, MT_GPIOHANDLE_REQUEST_OPEN_SOURCE};
    if (outputMode > GPIO_OutputMode_OpenSource || initialValue > GPIO_Value_High) APPLIBS_FAIL(EINVAL);
    return open_line(gpioId, MT_GPIOHANDLE_REQUEST_OUTPUT | kModeFlags[outputMode], initialValue);
}

int GPIO_GetValue(int gpioFd, GPIO_Value_Type *outValue)
{
    if (outValue == NULL) APPLIBS_FAIL(EFAULT);
    uint8_t data[MT_GPIOHANDLE_DATA_SIZE] = {0};
    if (ioctl(gpioFd, MT_GPIOHANDLE_GET_LINE_VALUES_IOCTL, data) < 0) return -1;
    *outValue = data[0] ? GPIO_Value_High : GPIO_Value_Low;
    return 0;
}

int GPIO_SetValue(int gpioFd, GPIO_Value_Type value)
{
    if (value > GPIO_Value_High) APPLIBS_FAIL(EINVAL);
    uint8_t data[MT_GPIOHANDLE_DATA_SIZE] = {0};
    data[0] = value;
    return ioctl(gpioFd, MT_GPIOHANDLE_SET_LINE_VALUES_IOCTL, data) < 0 ? -1 : 0;
}
