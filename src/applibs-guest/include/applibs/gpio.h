/* applibs/gpio.h: GPIO pins the app manifest's "Gpio" list grants (this project's
 * implementation of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int GPIO_Id;
typedef uint8_t GPIO_Value_Type;
typedef enum {
    GPIO_Value_Low = 0,
    GPIO_Value_High = 1,
} GPIO_Value;
typedef uint8_t GPIO_OutputMode_Type;
typedef enum {
    GPIO_OutputMode_PushPull = 0,
    GPIO_OutputMode_OpenDrain = 1,
    GPIO_OutputMode_OpenSource = 2,
} GPIO_OutputMode;

/* Both return a descriptor, or -1 and errno: EACCES (the pin is not in the manifest),
 * ENODEV (no such pin), EBUSY (already open), EINVAL (bad mode or value). */
int GPIO_OpenAsInput(GPIO_Id gpioId);
int GPIO_OpenAsOutput(GPIO_Id gpioId, GPIO_OutputMode_Type outputMode, GPIO_Value_Type initialValue);
/* 0, or -1 and errno (EFAULT, EBADF). */
int GPIO_GetValue(int gpioFd, GPIO_Value_Type *outValue);
/* 0, or -1 and errno (EINVAL, EBADF). */
int GPIO_SetValue(int gpioFd, GPIO_Value_Type value);

#ifdef __cplusplus
}
#endif
