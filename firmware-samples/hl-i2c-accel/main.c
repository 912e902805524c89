/* HL I2C accelerometer read: an LSM6DS3 at address 0x6A on ISU2. Checks WHO_AM_I (0x0F reads
 * 0x69), sets the accelerometer to 104 Hz / +-2 g (CTRL1_XL 0x10 = 0x40), then reads the
 * three axes (OUTX_L_XL 0x28, six bytes, little-endian) five times, 100 ms apart, and logs
 * them in milli-g (0.061 mg per LSB at +-2 g). Register facts: ST's LSM6DS3 datasheet.
 * Written for mt3620-emu (docs/hl-apps.md). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <applibs/i2c.h>
#include <applibs/log.h>

#define LSM6DS3_ADDRESS 0x6A
#define REG_WHO_AM_I 0x0F
#define REG_CTRL1_XL 0x10
#define REG_OUTX_L_XL 0x28
#define WHO_AM_I_VALUE 0x69

static int readRegisters(int fd, uint8_t reg, uint8_t *out, size_t count)
{
    ssize_t n = I2CMaster_WriteThenRead(fd, LSM6DS3_ADDRESS, &reg, 1, out, count);
    if (n != (ssize_t)(1 + count)) {
        Log_Debug("ERROR: read of register 0x%02x: %s (%d)\n", reg, n < 0 ? strerror(errno) : "short", n < 0 ? errno : 0);
        return -1;
    }
    return 0;
}

int main(void)
{
    int fd = I2CMaster_Open(2);
    if (fd < 0) {
        Log_Debug("ERROR: I2CMaster_Open(ISU2): %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    if (I2CMaster_SetBusSpeed(fd, I2C_BUS_SPEED_STANDARD) < 0 || I2CMaster_SetTimeout(fd, 100) < 0) {
        Log_Debug("ERROR: bus set-up: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    uint8_t id = 0;
    if (readRegisters(fd, REG_WHO_AM_I, &id, 1) < 0) return 2;
    Log_Debug("WHO_AM_I = 0x%02x%s\n", id, id == WHO_AM_I_VALUE ? " (LSM6DS3)" : " (unexpected)");
    if (id != WHO_AM_I_VALUE) return 3;

    static const uint8_t kCtrl1[] = {REG_CTRL1_XL, 0x40};
    if (I2CMaster_Write(fd, LSM6DS3_ADDRESS, kCtrl1, sizeof kCtrl1) != (ssize_t)sizeof kCtrl1) {
        Log_Debug("ERROR: CTRL1_XL write: %s (%d)\n", strerror(errno), errno);
        return 4;
    }
    for (int i = 0; i < 5; ++i) {
        usleep(100 * 1000);
        uint8_t raw[6];
        if (readRegisters(fd, REG_OUTX_L_XL, raw, sizeof raw) < 0) return 5;
        int axes[3];
        for (int a = 0; a < 3; ++a) {
            int16_t v = (int16_t)(raw[2 * a] | (raw[2 * a + 1] << 8));
            long micro_g = (long)v * 61;  /* 0.061 mg per LSB, rounded to the nearest mg */
            axes[a] = (int)((micro_g >= 0 ? micro_g + 500 : micro_g - 500) / 1000);
        }
        Log_Debug("acceleration mg: x=%d y=%d z=%d\n", axes[0], axes[1], axes[2]);
    }
    close(fd);
    return 0;
}
