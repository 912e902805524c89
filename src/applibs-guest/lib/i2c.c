/* I2C masters through i2c-dev (/dev/i2c-<ISU>): I2C_RDWR transactions, I2C_SLAVE for plain
 * read(2)/write(2) (docs/hl-apps.md). */
#include <applibs/i2c.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

struct i2c_msg {
    uint16_t addr;
    uint16_t flags;
    uint16_t len;
    uint8_t *buf;
};
struct i2c_rdwr_ioctl_data {
    struct i2c_msg *msgs;
    uint32_t nmsgs;
};
_Static_assert(sizeof(struct i2c_msg) == MT_I2C_MSG_SIZE, "i2c_msg layout");

int I2CMaster_Open(I2C_InterfaceId id) { return applibs_open_device(MT_I2C_PATH_FORMAT, id, O_RDWR); }

int I2CMaster_SetBusSpeed(int fd, uint32_t speedInHz) { return ioctl(fd, MT_I2C_SET_BUS_SPEED, &speedInHz); }

int I2CMaster_SetTimeout(int fd, uint32_t timeoutInMs)
{
    return ioctl(fd, MT_I2C_TIMEOUT, (unsigned long)((timeoutInMs + 9) / 10));
}

int I2CMaster_SetDefaultTargetAddress(int fd, I2C_DeviceAddress address)
{
    return ioctl(fd, MT_I2C_SLAVE, (unsigned long)address);
}

/* One transaction of up to two messages: the bytes moved, or -1 and errno. */
static ssize_t transfer(int fd, I2C_DeviceAddress address, struct i2c_msg *msgs, uint32_t count)
{
    size_t total = 0;
    for (uint32_t i = 0; i < count; ++i) {
        if (msgs[i].len > 0 && msgs[i].buf == NULL) APPLIBS_FAIL(EFAULT);
        msgs[i].addr = (uint16_t)address;
        total += msgs[i].len;
    }
    if (address > 0x7f) APPLIBS_FAIL(EINVAL);  /* the MT3620 has no 10-bit addressing */
    struct i2c_rdwr_ioctl_data data = {msgs, count};
    if (ioctl(fd, MT_I2C_RDWR, &data) < 0) return -1;
    return (ssize_t)total;
}

ssize_t I2CMaster_Read(int fd, I2C_DeviceAddress address, uint8_t *buffer, size_t maxLength)
{
    if (maxLength > 0xffff) maxLength = 0xffff;
    struct i2c_msg m = {0, MT_I2C_M_RD, (uint16_t)maxLength, buffer};
    return transfer(fd, address, &m, 1);
}

ssize_t I2CMaster_Write(int fd, I2C_DeviceAddress address, const uint8_t *data, size_t length)
{
    if (length > 0xffff) length = 0xffff;
    struct i2c_msg m = {0, 0, (uint16_t)length, (uint8_t *)data};
    return transfer(fd, address, &m, 1);
}

ssize_t I2CMaster_WriteThenRead(int fd, I2C_DeviceAddress address, const uint8_t *writeData,
                                size_t lenWriteData, uint8_t *readData, size_t lenReadData)
{
    if (lenWriteData > 0xffff || lenReadData > 0xffff) APPLIBS_FAIL(EINVAL);
    struct i2c_msg m[2] = {{0, 0, (uint16_t)lenWriteData, (uint8_t *)writeData},
                           {0, MT_I2C_M_RD, (uint16_t)lenReadData, readData}};
    return transfer(fd, address, m, 2);
}
