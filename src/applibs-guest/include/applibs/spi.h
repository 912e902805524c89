/* applibs/spi.h: SPI master interfaces the app manifest's "SpiMaster" list grants (this
 * project's implementation of the public Azure Sphere API; docs/hl-apps.md). Define
 * SPI_STRUCTS_VERSION (only 1 exists) before including it, or get version 1. */
#pragma once
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef SPI_STRUCTS_VERSION
#define SPI_STRUCTS_VERSION 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SPI_MASTER_MAX_TRANSFERS 256

typedef int SPI_InterfaceId;
typedef int SPI_ChipSelectId;

typedef enum SPI_Mode {
    SPI_Mode_Invalid = 0x0,
    SPI_Mode_0 = 0x1, /* CPOL 0, CPHA 0 */
    SPI_Mode_1 = 0x2, /* CPOL 0, CPHA 1 */
    SPI_Mode_2 = 0x3, /* CPOL 1, CPHA 0 */
    SPI_Mode_3 = 0x4, /* CPOL 1, CPHA 1 */
} SPI_Mode;
typedef enum SPI_BitOrder {
    SPI_BitOrder_Invalid = 0x0,
    SPI_BitOrder_LsbFirst = 0x1,
    SPI_BitOrder_MsbFirst = 0x2,
} SPI_BitOrder;
typedef enum SPI_ChipSelectPolarity {
    SPI_ChipSelectPolarity_Invalid = 0x0,
    SPI_ChipSelectPolarity_ActiveLow = 0x1,
    SPI_ChipSelectPolarity_ActiveHigh = 0x2,
} SPI_ChipSelectPolarity;
typedef enum SPI_TransferFlags {
    SPI_TransferFlags_None = 0x0,
    SPI_TransferFlags_Read = 0x1,
    SPI_TransferFlags_Write = 0x2,
} SPI_TransferFlags;

/* Version 1 structs; the first field identifies the struct and its version. */
struct z__SPIMaster_Config_v1 {
    uint32_t z__magicAndVersion;
    SPI_ChipSelectPolarity csPolarity;
};
struct z__SPIMaster_Transfer_v1 {
    uint32_t z__magicAndVersion;
    SPI_TransferFlags flags;
    const uint8_t *writeData;
    uint8_t *readData;
    uint32_t length;
};

#if SPI_STRUCTS_VERSION == 1
typedef struct z__SPIMaster_Config_v1 SPIMaster_Config;
typedef struct z__SPIMaster_Transfer_v1 SPIMaster_Transfer;
#else
#error "applibs/spi.h: SPI_STRUCTS_VERSION must be 1"
#endif

typedef struct z__SPIMaster_Config_Base {
    uint32_t z__magicAndVersion;
} z__SPIMaster_Config_Base;
typedef struct z__SPIMaster_Transfer_Base {
    uint32_t z__magicAndVersion;
} z__SPIMaster_Transfer_Base;
#define z__SPIMASTER_CONFIG_MAGIC 0x45170000u
#define z__SPIMASTER_TRANSFER_MAGIC 0x22130000u

/* Versioned entry points the inline wrappers below call (exported by libapplibs). */
int z__SPIMaster_InitConfig(z__SPIMaster_Config_Base *config, uint32_t structVersion);
int z__SPIMaster_Open(SPI_InterfaceId interfaceId, SPI_ChipSelectId chipSelectId,
                      const z__SPIMaster_Config_Base *config);
int z__SPIMaster_InitTransfers(z__SPIMaster_Transfer_Base *transfers, size_t transferCount,
                               uint32_t structVersion);
ssize_t z__SPIMaster_TransferSequential(int fd, const z__SPIMaster_Transfer_Base *transfers,
                                        size_t transferCount, uint32_t structVersion);

int SPIMaster_SetBusSpeed(int fd, uint32_t speedInHz);
int SPIMaster_SetMode(int fd, SPI_Mode mode);
int SPIMaster_SetBitOrder(int fd, SPI_BitOrder order);

/* Defaults: chip select active low. */
static inline int SPIMaster_InitConfig(SPIMaster_Config *config)
{
    return z__SPIMaster_InitConfig((z__SPIMaster_Config_Base *)config, SPI_STRUCTS_VERSION);
}
/* A descriptor (mode 0, MSB first), or -1 and errno (EACCES: not in the manifest). */
static inline int SPIMaster_Open(SPI_InterfaceId interfaceId, SPI_ChipSelectId chipSelectId,
                                 const SPIMaster_Config *config)
{
    return z__SPIMaster_Open(interfaceId, chipSelectId, (const z__SPIMaster_Config_Base *)config);
}
static inline int SPIMaster_InitTransfers(SPIMaster_Transfer *transfers, size_t transferCount)
{
    return z__SPIMaster_InitTransfers((z__SPIMaster_Transfer_Base *)transfers, transferCount,
                                      SPI_STRUCTS_VERSION);
}
/* Half-duplex transfers under one chip-select assertion: bytes transferred, or -1 and errno. */
static inline ssize_t SPIMaster_TransferSequential(int fd, const SPIMaster_Transfer *transfers,
                                                   size_t transferCount)
{
    return z__SPIMaster_TransferSequential(fd, (const z__SPIMaster_Transfer_Base *)transfers,
                                           transferCount, SPI_STRUCTS_VERSION);
}
static inline ssize_t SPIMaster_WriteThenRead(int fd, const uint8_t *writeData, size_t lenWriteData,
                                              uint8_t *readData, size_t lenReadData)
{
    if (writeData == NULL || readData == NULL) {
        errno = EFAULT;
        return -1;
    }
    if (lenWriteData == 0 || lenReadData == 0) {
        errno = EINVAL;
        return -1;
    }
    SPIMaster_Transfer t[2];
    if (SPIMaster_InitTransfers(t, 2) < 0) return -1;
    t[0].flags = SPI_TransferFlags_Write;
    t[0].writeData = writeData;
    t[0].length = (uint32_t)lenWriteData;
    t[1].flags = SPI_TransferFlags_Read;
    t[1].readData = readData;
    t[1].length = (uint32_t)lenReadData;
    return SPIMaster_TransferSequential(fd, t, 2);
}

#ifdef __cplusplus
}
#endif
