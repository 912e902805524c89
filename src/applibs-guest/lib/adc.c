/* ADC controllers through this project's /dev/adc<n> character device (docs/hl-apps.md). */
#include <applibs/adc.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

struct mt_adc_channel_value {
    uint32_t channel;
    uint32_t value;
};

int ADC_Open(ADC_ControllerId id)
{
    if (id > 0x7fffffffu) APPLIBS_FAIL(ENODEV);
    return applibs_open_device(MT_ADC_PATH_FORMAT, (int)id, O_RDWR);
}

int ADC_GetSampleBitCount(int fd, ADC_ChannelId channel)
{
    struct mt_adc_channel_value cv = {channel, 0};
    if (ioctl(fd, MT_ADC_IOC_GET_SAMPLE_BITS, &cv) < 0) return -1;
    return (int)cv.value;
}

int ADC_SetReferenceVoltage(int fd, ADC_ChannelId channel, float referenceVoltage)
{
    if (!(referenceVoltage > 0.0f && referenceVoltage < 100.0f)) APPLIBS_FAIL(EINVAL);
    struct mt_adc_channel_value cv = {channel, (uint32_t)(referenceVoltage * 1e6f + 0.5f)};
    return ioctl(fd, MT_ADC_IOC_SET_REFERENCE, &cv) < 0 ? -1 : 0;
}

int ADC_Poll(int fd, ADC_ChannelId channel, uint32_t *outSampleValue)
{
    if (outSampleValue == NULL) APPLIBS_FAIL(EFAULT);
    if (ioctl(fd, MT_ADC_IOC_START, (unsigned long)channel) < 0) return -1;
    /* The descriptor is blocking: read waits for the conversion. */
    uint32_t entry = 0;
    ssize_t n = read(fd, &entry, sizeof entry);
    if (n < 0) return -1;
    if (n != sizeof entry || (entry & 0xfu) != channel) APPLIBS_FAIL(EIO);
    *outSampleValue = (entry >> 4) & 0xfffu;
    return 0;
}
