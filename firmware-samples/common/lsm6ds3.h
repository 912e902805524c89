/* Conversions for the ST LSM6DS3 that the i2c-accel and spi-accel samples read. */
#ifndef LSM6DS3_H
#define LSM6DS3_H

#include <stdint.h>

/* Raw +-2 g reading to mg: 0.061 mg/LSB, rounded half away from zero. */
static inline int32_t lsm6ds3_raw_to_mg(int16_t raw)
{
    const int32_t micro_g = (int32_t)raw * 61;
    return micro_g >= 0 ? (micro_g + 500) / 1000 : -((-micro_g + 500) / 1000);
}

#endif
