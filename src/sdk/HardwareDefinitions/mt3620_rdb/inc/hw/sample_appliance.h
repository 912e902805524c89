/* mt3620-emu SDK: the "sample appliance" our samples are written for, on the MT3620 RDB. Generated from sample_appliance.json. */

#pragma once
#include "mt3620_rdb.h"

// the LED a sample blinks: LED1 red
#define SAMPLE_LED MT3620_RDB_LED1_RED

// a sample's first button: A
#define SAMPLE_BUTTON_1 MT3620_RDB_BUTTON_A

// a sample's second button: B
#define SAMPLE_BUTTON_2 MT3620_RDB_BUTTON_B

// an RGB LED for samples: LED2
#define SAMPLE_RGBLED_RED MT3620_RDB_LED2_RED

// an RGB LED for samples: LED2
#define SAMPLE_RGBLED_GREEN MT3620_RDB_LED2_GREEN

// an RGB LED for samples: LED2
#define SAMPLE_RGBLED_BLUE MT3620_RDB_LED2_BLUE

// the UART a sample talks on: ISU0 (header 2)
#define SAMPLE_UART_LOOPBACK MT3620_RDB_HEADER2_ISU0_UART

// the accelerometer's I2C bus: ISU2 (header 4)
#define SAMPLE_LSM6DS3_I2C MT3620_RDB_HEADER4_ISU2_I2C

// the accelerometer's SPI bus: ISU1 (header 4)
#define SAMPLE_LSM6DS3_SPI MT3620_RDB_HEADER4_ISU1_SPI

// the accelerometer's chip select on that bus: A
#define SAMPLE_LSM6DS3_SPI_CS MT3620_SPI_CS_A

// the ADC a sample reads
#define SAMPLE_POTENTIOMETER_ADC_CONTROLLER MT3620_RDB_ADC_CONTROLLER0

// its channel: 0 (GPIO 41, header 2 pin 11)
#define SAMPLE_POTENTIOMETER_ADC_CHANNEL MT3620_ADC_CHANNEL0

// the PWM controller of LED1
#define SAMPLE_LED_PWM_CONTROLLER MT3620_RDB_LED_PWM_CONTROLLER2

// its channel for LED1 green
#define SAMPLE_LED_PWM_CHANNEL MT3620_PWM_CHANNEL1
