/* applibs/adc.h: ADC controllers the app manifest's "Adc" list grants (this project's
 * implementation of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t ADC_ControllerId;
typedef uint32_t ADC_ChannelId;

/* A descriptor, or -1 and errno (EACCES: not in the manifest). */
int ADC_Open(ADC_ControllerId id);
/* The sample width in bits (12 on the MT3620), or -1 and errno. */
int ADC_GetSampleBitCount(int fd, ADC_ChannelId channel);
/* 2.5 or 1.8 (volts) on the MT3620; others: -1 and EINVAL. */
int ADC_SetReferenceVoltage(int fd, ADC_ChannelId channel, float referenceVoltage);
/* One conversion of `channel`: 0 and the sample, or -1 and errno. */
int ADC_Poll(int fd, ADC_ChannelId channel, uint32_t *outSampleValue);

#ifdef __cplusplus
}
#endif
