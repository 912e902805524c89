/* Conversions and printing for the ST LSM6DS3 that the i2c-accel and spi-accel samples read. */
#ifndef LSM6DS3_H
#define LSM6DS3_H

#include <stdint.h>

#include "mt3620.h"

/* Raw +-2 g reading to mg: 0.061 mg/LSB, rounded half away from zero. */
static inline int32_t lsm6ds3_raw_to_mg(int16_t raw)
{
    const int32_t micro_g = (int32_t)raw * 61;
    return micro_g >= 0 ? (micro_g + 500) / 1000 : -((-micro_g + 500) / 1000);
}

/* Prints "accel x=<mg> y=<mg> z=<mg> mg" on the debug UART from the six bytes read from
 * OUTX_L_XL: three little-endian 16-bit readings. */
static inline void lsm6ds3_print_accel(const uint8_t out[6])
{
    uart_puts("accel x=");
    uart_put_signed(lsm6ds3_raw_to_mg((int16_t)(out[0] | (out[1] << 8))));
    uart_puts(" y=");
    uart_put_signed(lsm6ds3_raw_to_mg((int16_t)(out[2] | (out[3] << 8))));
    uart_puts(" z=");
    uart_put_signed(lsm6ds3_raw_to_mg((int16_t)(out[4] | (out[5] << 8))));
    uart_puts(" mg\r\n");
}

#endif
