/* applibs/uart.h: the ISU UARTs the app manifest's "Uart" list grants (this project's
 * implementation of the public Azure Sphere API; docs/hl-apps.md). Define UART_STRUCTS_VERSION
 * (only 1 exists) before including it, or get version 1. */
#pragma once
#include <stdint.h>
#include <stdlib.h>

#ifndef UART_STRUCTS_VERSION
#define UART_STRUCTS_VERSION 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef int UART_Id;
typedef uint32_t UART_BaudRate_Type;
typedef uint8_t UART_BlockingMode_Type;
typedef uint8_t UART_DataBits_Type;
typedef uint8_t UART_Parity_Type;
typedef uint8_t UART_StopBits_Type;
typedef uint8_t UART_FlowControl_Type;

typedef enum { UART_BlockingMode_NonBlocking = 0 } UART_BlockingMode;
typedef enum {
    UART_DataBits_Five = 5,
    UART_DataBits_Six = 6,
    UART_DataBits_Seven = 7,
    UART_DataBits_Eight = 8,
} UART_DataBits;
typedef enum { UART_Parity_None = 0, UART_Parity_Even = 1, UART_Parity_Odd = 2 } UART_Parity;
typedef enum { UART_StopBits_One = 1, UART_StopBits_Two = 2 } UART_StopBits;
typedef enum {
    UART_FlowControl_None = 0,
    UART_FlowControl_RTSCTS = 1,
    UART_FlowControl_XONXOFF = 2,
} UART_FlowControl;

/* Version 1 of the configuration. The first field identifies the struct and its version;
 * UART_InitConfig sets it. */
struct z__UART_Config_v1 {
    uint32_t z__magicAndVersion;
    UART_BaudRate_Type baudRate;
    UART_BlockingMode_Type blockingMode;
    UART_DataBits_Type dataBits;
    UART_Parity_Type parity;
    UART_StopBits_Type stopBits;
    UART_FlowControl_Type flowControl;
};

#if UART_STRUCTS_VERSION == 1
typedef struct z__UART_Config_v1 UART_Config;
#else
#error "applibs/uart.h: UART_STRUCTS_VERSION must be 1"
#endif

/* The part every version shares. */
struct z__UART_Config_Base {
    uint32_t z__magicAndVersion;
};
#define z__UART_CONFIG_MAGIC 0xde2a0000u

/* Versioned entry points the inline wrappers below call (exported by libapplibs). */
int z__UART_InitConfig(struct z__UART_Config_Base *uartConfig, uint32_t uartConfigStructVersion);
int z__UART_Open(UART_Id uartId, const struct z__UART_Config_Base *uartConfig);

/* Fills `uartConfig` with the defaults: 115200 baud, 8N1, no flow control, non-blocking. */
static inline void UART_InitConfig(UART_Config *uartConfig)
{
    z__UART_InitConfig((struct z__UART_Config_Base *)uartConfig, UART_STRUCTS_VERSION);
}

/* Opens UART `uartId` (MT3620_ISU0_UART..MT3620_ISU4_UART: 4-8, <hw/mt3620.h>) for exclusive
 * use: a descriptor for read(2)/write(2), or -1
 * and errno: EACCES (not in the manifest), ENODEV, EINVAL (bad configuration), EBUSY, EFAULT. */
static inline int UART_Open(UART_Id uartId, const UART_Config *uartConfig)
{
    return z__UART_Open(uartId, (const struct z__UART_Config_Base *)uartConfig);
}

#ifdef __cplusplus
}
#endif
