/* SPI masters through spidev (/dev/spidev<ISU>.<chip select>): SPI_IOC_MESSAGE carries a
 * sequence of half-duplex transfers under one chip-select assertion (docs/hl-apps.md). */
#include <applibs/spi.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

struct spi_ioc_transfer {
    uint64_t tx_buf;
    uint64_t rx_buf;
    uint32_t len;
    uint32_t speed_hz;
    uint16_t delay_usecs;
    uint8_t bits_per_word;
    uint8_t cs_change;
    uint8_t tx_nbits;
    uint8_t rx_nbits;
    uint8_t word_delay_usecs;
    uint8_t pad;
};
_Static_assert(sizeof(struct spi_ioc_transfer) == MT_SPI_IOC_TRANSFER_SIZE, "spi_ioc_transfer layout");

int z__SPIMaster_InitConfig(z__SPIMaster_Config_Base *config, uint32_t structVersion)
{
    if (config == NULL) APPLIBS_FAIL(EFAULT);
    if (structVersion != 1) APPLIBS_FAIL(EINVAL);
    struct z__SPIMaster_Config_v1 *c = (struct z__SPIMaster_Config_v1 *)config;
    c->z__magicAndVersion = applibs_magic_version(z__SPIMASTER_CONFIG_MAGIC, 1);
    c->csPolarity = SPI_ChipSelectPolarity_ActiveLow;
    return 0;
}

int z__SPIMaster_Open(SPI_InterfaceId interfaceId, SPI_ChipSelectId chipSelectId, const z__SPIMaster_Config_Base *config)
{
    if (config == NULL) APPLIBS_FAIL(EFAULT);
    if (!applibs_check_version(config->z__magicAndVersion, z__SPIMASTER_CONFIG_MAGIC, 1)) APPLIBS_FAIL(EINVAL);
    const struct z__SPIMaster_Config_v1 *c = (const struct z__SPIMaster_Config_v1 *)config;
    if (c->csPolarity != SPI_ChipSelectPolarity_ActiveLow && c->csPolarity != SPI_ChipSelectPolarity_ActiveHigh)
        APPLIBS_FAIL(EINVAL);
    /* Chip selects as the MT3620 hardware definition names them: MT3620_SPI_CS_A is -1 and
     * MT3620_SPI_CS_B -2 (src/sdk/HardwareDefinitions/inc/hw/mt3620.h); 0 and 1 are taken too. */
    if (chipSelectId == -1 || chipSelectId == -2) chipSelectId = -1 - chipSelectId;
    if (interfaceId < 0 || chipSelectId < 0) APPLIBS_FAIL(ENODEV);
    char path[64];
    snprintf(path, sizeof path, MT_SPI_PATH_FORMAT, interfaceId, chipSelectId);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) errno = ENODEV;  /* no such interface or chip select */
        return -1;
    }
    uint8_t mode = c->csPolarity == SPI_ChipSelectPolarity_ActiveHigh ? MT_SPI_CS_HIGH : 0;  /* mode 0 */
    uint8_t lsb = 0;
    if (ioctl(fd, MT_SPI_IOC_WR_MODE, &mode) < 0 || ioctl(fd, MT_SPI_IOC_WR_LSB_FIRST, &lsb) < 0) {
        int e = errno;
        close(fd);
        APPLIBS_FAIL(e);
    }
    return fd;
}

int SPIMaster_SetBusSpeed(int fd, uint32_t speedInHz)
{
    if (speedInHz == 0) APPLIBS_FAIL(EINVAL);
    return ioctl(fd, MT_SPI_IOC_WR_MAX_SPEED_HZ, &speedInHz) < 0 ? -1 : 0;
}

int SPIMaster_SetMode(int fd, SPI_Mode mode)
{
    if (mode < SPI_Mode_0 || mode > SPI_Mode_3) APPLIBS_FAIL(EINVAL);
    uint8_t bits = 0;
    if (ioctl(fd, MT_SPI_IOC_RD_MODE, &bits) < 0) return -1;
    const unsigned m = (unsigned)mode - 1;  /* 0..3: CPOL in bit 1, CPHA in bit 0 */
    bits = (uint8_t)((bits & ~(MT_SPI_CPOL | MT_SPI_CPHA)) | ((m & 2) ? MT_SPI_CPOL : 0) | ((m & 1) ? MT_SPI_CPHA : 0));
    return ioctl(fd, MT_SPI_IOC_WR_MODE, &bits) < 0 ? -1 : 0;
}

int SPIMaster_SetBitOrder(int fd, SPI_BitOrder order)
{
    if (order != SPI_BitOrder_LsbFirst && order != SPI_BitOrder_MsbFirst) APPLIBS_FAIL(EINVAL);
    uint8_t lsb = order == SPI_BitOrder_LsbFirst;
    return ioctl(fd, MT_SPI_IOC_WR_LSB_FIRST, &lsb) < 0 ? -1 : 0;
}

int z__SPIMaster_InitTransfers(z__SPIMaster_Transfer_Base *transfers, size_t transferCount, uint32_t structVersion)
{
    if (transfers == NULL) APPLIBS_FAIL(EFAULT);
    if (structVersion != 1 || transferCount == 0) APPLIBS_FAIL(EINVAL);
    struct z__SPIMaster_Transfer_v1 *t = (struct z__SPIMaster_Transfer_v1 *)transfers;
    for (size_t i = 0; i < transferCount; ++i) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].z__magicAndVersion = applibs_magic_version(z__SPIMASTER_TRANSFER_MAGIC, 1);
    }
    return 0;
}

ssize_t z__SPIMaster_TransferSequential(int fd, const z__SPIMaster_Transfer_Base *transfers, size_t transferCount,
                                        uint32_t structVersion)
{
    if (transfers == NULL) APPLIBS_FAIL(EFAULT);
    if (structVersion != 1 || transferCount == 0 || transferCount > SPI_MASTER_MAX_TRANSFERS) APPLIBS_FAIL(EINVAL);
    const struct z__SPIMaster_Transfer_v1 *t = (const struct z__SPIMaster_Transfer_v1 *)transfers;
    struct spi_ioc_transfer x[SPI_MASTER_MAX_TRANSFERS];
    memset(x, 0, transferCount * sizeof x[0]);
    ssize_t total = 0;
    for (size_t i = 0; i < transferCount; ++i) {
        if (!applibs_check_version(t[i].z__magicAndVersion, z__SPIMASTER_TRANSFER_MAGIC, 1)) APPLIBS_FAIL(EINVAL);
        /* Half duplex only: exactly one direction per transfer. */
        if (t[i].flags == SPI_TransferFlags_Read) {
            if (t[i].readData == NULL) APPLIBS_FAIL(EFAULT);
            x[i].rx_buf = (uintptr_t)t[i].readData;
        } else if (t[i].flags == SPI_TransferFlags_Write) {
            if (t[i].writeData == NULL) APPLIBS_FAIL(EFAULT);
            x[i].tx_buf = (uintptr_t)t[i].writeData;
        } else {
            APPLIBS_FAIL(EINVAL);
        }
        if (t[i].length == 0) APPLIBS_FAIL(EINVAL);
        x[i].len = t[i].length;
        total += t[i].length;
    }
    if (ioctl(fd, MT_SPI_IOC_MESSAGE(transferCount), x) < 0) return -1;
    return total;
}
