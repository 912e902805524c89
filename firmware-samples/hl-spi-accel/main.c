/* HL SPI accelerometer read: an LSM6DS3 on ISU1, chip select B (CS 1), as wired in
 * boards/mt3620-rdb-spi.yaml. Over SPI the first byte is the register address with bit 7 set
 * for a read; the LSM6DS3 then streams registers from there (CTRL3_C.IF_INC is set after
 * reset). Checks WHO_AM_I (0x0F reads 0x69), sets the accelerometer to 104 Hz / +-2 g
 * (CTRL1_XL 0x10 = 0x40), then reads the three axes (OUTX_L_XL 0x28, six bytes,
 * little-endian) five times, 100 ms apart, and logs them in milli-g. Register facts: ST's
 * LSM6DS3 datasheet. Written for mt3620-emu (docs/hl-apps.md). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <applibs/log.h>
#include <applibs/spi.h>

#include "../common/lsm6ds3.h"

#define ACCEL_ISU 1
#define ACCEL_CHIP_SELECT 1 /* CSB */
#define SPI_READ 0x80
#define REG_WHO_AM_I 0x0F
#define REG_CTRL1_XL 0x10
#define REG_OUTX_L_XL 0x28
#define WHO_AM_I_VALUE 0x69

static int readRegisters(int fd, uint8_t reg, uint8_t *out, size_t count)
{
    const uint8_t command = (uint8_t)(SPI_READ | reg);
    ssize_t n = SPIMaster_WriteThenRead(fd, &command, 1, out, count);
    if (n != (ssize_t)(1 + count)) {
        Log_Debug("ERROR: read of register 0x%02x: %s (%d)\n", reg, n < 0 ? strerror(errno) : "short", n < 0 ? errno : 0);
        return -1;
    }
    return 0;
}

static int writeRegister(int fd, uint8_t reg, uint8_t value)
{
    const uint8_t bytes[2] = {reg, value};
    SPIMaster_Transfer transfer;
    if (SPIMaster_InitTransfers(&transfer, 1) < 0) return -1;
    transfer.flags = SPI_TransferFlags_Write;
    transfer.writeData = bytes;
    transfer.length = sizeof bytes;
    return SPIMaster_TransferSequential(fd, &transfer, 1) == (ssize_t)sizeof bytes ? 0 : -1;
}

int main(void)
{
    SPIMaster_Config config;
    if (SPIMaster_InitConfig(&config) < 0) {
        Log_Debug("ERROR: SPIMaster_InitConfig: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    config.csPolarity = SPI_ChipSelectPolarity_ActiveLow;
    int fd = SPIMaster_Open(ACCEL_ISU, ACCEL_CHIP_SELECT, &config);
    if (fd < 0) {
        Log_Debug("ERROR: SPIMaster_Open(ISU1, CS B): %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    if (SPIMaster_SetBusSpeed(fd, 400000) < 0 || SPIMaster_SetMode(fd, SPI_Mode_3) < 0 ||
        SPIMaster_SetBitOrder(fd, SPI_BitOrder_MsbFirst) < 0) {
        Log_Debug("ERROR: bus set-up: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    uint8_t id = 0;
    if (readRegisters(fd, REG_WHO_AM_I, &id, 1) < 0) return 2;
    Log_Debug("WHO_AM_I = 0x%02x%s\n", id, id == WHO_AM_I_VALUE ? " (LSM6DS3)" : " (unexpected)");
    if (id != WHO_AM_I_VALUE) return 3;

    if (writeRegister(fd, REG_CTRL1_XL, 0x40) < 0) {
        Log_Debug("ERROR: CTRL1_XL write: %s (%d)\n", strerror(errno), errno);
        return 4;
    }
    uint8_t ctrl1 = 0;
    if (readRegisters(fd, REG_CTRL1_XL, &ctrl1, 1) < 0) return 5;
    Log_Debug("CTRL1_XL = 0x%02x\n", ctrl1);
    for (int i = 0; i < 5; ++i) {
        usleep(100 * 1000);
        uint8_t raw[6];
        if (readRegisters(fd, REG_OUTX_L_XL, raw, sizeof raw) < 0) return 6;
        int32_t mg[3];
        for (int a = 0; a < 3; ++a) mg[a] = lsm6ds3_raw_to_mg((int16_t)(raw[2 * a] | (raw[2 * a + 1] << 8)));
        Log_Debug("acceleration mg: x=%d y=%d z=%d\n", (int)mg[0], (int)mg[1], (int)mg[2]);
    }
    close(fd);
    return 0;
}
