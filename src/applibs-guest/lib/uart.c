/* UARTs as ttys (/dev/ttyISU<n>) configured through termios, as on Linux (docs/hl-apps.md). */
#include <applibs/uart.h>

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

struct kernel_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};
_Static_assert(sizeof(struct kernel_termios) == MT_KERNEL_TERMIOS_SIZE, "termios layout");

int z__UART_InitConfig(struct z__UART_Config_Base *uartConfig, uint32_t uartConfigStructVersion)
{
    if (uartConfig == NULL) APPLIBS_FAIL(EFAULT);
    if (uartConfigStructVersion != 1) APPLIBS_FAIL(EINVAL);
    struct z__UART_Config_v1 *c = (struct z__UART_Config_v1 *)uartConfig;
    memset(c, 0, sizeof *c);
    c->z__magicAndVersion = applibs_magic_version(z__UART_CONFIG_MAGIC, 1);
    c->baudRate = 115200;
    c->blockingMode = UART_BlockingMode_NonBlocking;
    c->dataBits = UART_DataBits_Eight;
    c->parity = UART_Parity_None;
    c->stopBits = UART_StopBits_One;
    c->flowControl = UART_FlowControl_None;
    return 0;
}

/* The termios CBAUD code for a rate; 0 if the tty layer has none. */
static uint32_t baud_code(uint32_t rate)
{
#define MT_BAUD_CASE(code, r) \
    if (rate == (r)) return (code);
    MT_BAUD_TABLE(MT_BAUD_CASE)
#undef MT_BAUD_CASE
    return 0;
}

static int termios_for(const struct z__UART_Config_v1 *c, struct kernel_termios *t)
{
    static const uint32_t kSize[] = {MT_CS5, MT_CS6, MT_CS7, MT_CS8};
    uint32_t code = baud_code(c->baudRate);
    if (code == 0 || c->blockingMode != UART_BlockingMode_NonBlocking || c->dataBits < 5 || c->dataBits > 8 ||
        c->parity > UART_Parity_Odd || c->stopBits < 1 || c->stopBits > 2 || c->flowControl > UART_FlowControl_XONXOFF)
        return -1;
    memset(t, 0, sizeof *t);
    t->c_cflag = code | kSize[c->dataBits - 5] | MT_CREAD | MT_CLOCAL;
    if (c->stopBits == 2) t->c_cflag |= MT_CSTOPB;
    if (c->parity != UART_Parity_None) t->c_cflag |= MT_PARENB | (c->parity == UART_Parity_Odd ? MT_PARODD : 0);
    if (c->flowControl == UART_FlowControl_RTSCTS) t->c_cflag |= MT_CRTSCTS;
    if (c->flowControl == UART_FlowControl_XONXOFF) t->c_iflag |= MT_IXON | MT_IXOFF;
    return 0;  /* raw: no output processing, no line discipline, no echo */
}

int z__UART_Open(UART_Id uartId, const struct z__UART_Config_Base *uartConfig)
{
    if (uartConfig == NULL) APPLIBS_FAIL(EFAULT);
    if (!applibs_check_version(uartConfig->z__magicAndVersion, z__UART_CONFIG_MAGIC, 1)) APPLIBS_FAIL(EINVAL);
    struct kernel_termios t;
    if (termios_for((const struct z__UART_Config_v1 *)uartConfig, &t) < 0) APPLIBS_FAIL(EINVAL);
    /* UART ids as the MT3620 hardware definition numbers them: ISU0-ISU4 are 4-8
     * (MT3620_ISU0_UART in src/sdk/HardwareDefinitions/inc/hw/mt3620.h). */
    if (uartId < 4 || uartId > 8) APPLIBS_FAIL(ENODEV);
    int fd = applibs_open_device(MT_UART_PATH_FORMAT, uartId - 4, O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return -1;
    if (ioctl(fd, MT_TCSETSF, &t) < 0) {
        int e = errno;
        close(fd);
        APPLIBS_FAIL(e);
    }
    return fd;
}
