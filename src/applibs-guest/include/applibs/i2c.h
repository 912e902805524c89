/* applibs/i2c.h: I2C master interfaces the app manifest's "I2cMaster" list grants (this
 * project's implementation of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define I2C_BUS_SPEED_STANDARD 100000
#define I2C_BUS_SPEED_FAST 400000
#define I2C_BUS_SPEED_FAST_PLUS 1000000
#define I2C_BUS_SPEED_HIGH 3400000

typedef int I2C_InterfaceId;
typedef uint32_t I2C_DeviceAddress;  /* 7-bit, without the R/W bit */

/* A descriptor, or -1 and errno (EACCES: not in the manifest). */
int I2CMaster_Open(I2C_InterfaceId id);
int I2CMaster_SetBusSpeed(int fd, uint32_t speedInHz);
int I2CMaster_SetTimeout(int fd, uint32_t timeoutInMs);
/* Bytes transferred, or -1 and errno (ENXIO: the target did not ACK; EBUSY; ETIMEDOUT). */
ssize_t I2CMaster_Read(int fd, I2C_DeviceAddress address, uint8_t *buffer, size_t maxLength);
ssize_t I2CMaster_Write(int fd, I2C_DeviceAddress address, const uint8_t *data, size_t length);
/* One transaction: START, write, repeated START, read, STOP. Bytes written + read. */
ssize_t I2CMaster_WriteThenRead(int fd, I2C_DeviceAddress address, const uint8_t *writeData,
                                size_t lenWriteData, uint8_t *readData, size_t lenReadData);
/* The target of plain read(2)/write(2) on `fd`. */
int I2CMaster_SetDefaultTargetAddress(int fd, I2C_DeviceAddress address);

#ifdef __cplusplus
}
#endif
