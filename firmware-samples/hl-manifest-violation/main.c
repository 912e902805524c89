/* Manifest violation: the manifest grants GPIO 8 and nothing else. The app opens GPIO 8 (must
 * work), then every peripheral it was not granted; each must fail with EACCES, as the Azure
 * Sphere OS answers. One line per attempt; exit code 0 only if every answer was right.
 * Written for mt3620-emu (docs/hl-apps.md). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <applibs/adc.h>
#include <applibs/gpio.h>
#include <applibs/i2c.h>
#include <applibs/log.h>
#include <applibs/pwm.h>
#include <applibs/spi.h>
#include <applibs/storage.h>
#include <applibs/uart.h>

#include <hw/mt3620.h>

static int failures;

static void expect(const char *what, int fd, int expectedErrno)
{
    int e = fd < 0 ? errno : 0;
    int ok = expectedErrno == 0 ? fd >= 0 : (fd < 0 && e == expectedErrno);
    if (fd < 0)
        Log_Debug("%s: refused: %s (%d)%s\n", what, strerror(e), e, ok ? "" : " UNEXPECTED");
    else
        Log_Debug("%s: opened%s\n", what, ok ? "" : " UNEXPECTED");
    if (fd >= 0) close(fd);
    if (!ok) ++failures;
}

int main(void)
{
    expect("GPIO 8 (granted)", GPIO_OpenAsOutput(8, GPIO_OutputMode_PushPull, GPIO_Value_High), 0);
    expect("GPIO 9", GPIO_OpenAsOutput(9, GPIO_OutputMode_PushPull, GPIO_Value_High), EACCES);
    expect("GPIO 12 as input", GPIO_OpenAsInput(12), EACCES);

    UART_Config uart;
    UART_InitConfig(&uart);
    expect("UART ISU0", UART_Open(MT3620_ISU0_UART, &uart), EACCES);
    expect("I2C ISU2", I2CMaster_Open(2), EACCES);

    SPIMaster_Config spi;
    SPIMaster_InitConfig(&spi);
    expect("SPI ISU1 CS0", SPIMaster_Open(MT3620_ISU1_SPI, MT3620_SPI_CS_A, &spi), EACCES);
    expect("ADC controller 0", ADC_Open(0), EACCES);
    expect("PWM controller 0", PWM_Open(0), EACCES);
    expect("mutable storage", Storage_OpenMutableFile(), EACCES);

    Log_Debug("%d unexpected answer%s\n", failures, failures == 1 ? "" : "s");
    return failures == 0 ? 0 : 1;
}
