/* mt3620-emu SDK: the MT3620's peripherals as apps name them. Generated from mt3620.json. */

#pragma once

// GPIO 0; its pad is PWM controller 0 channel 0
#define MT3620_GPIO0 (0)

// GPIO 1; its pad is PWM controller 0 channel 1
#define MT3620_GPIO1 (1)

// GPIO 2; its pad is PWM controller 0 channel 2
#define MT3620_GPIO2 (2)

// GPIO 3; its pad is PWM controller 0 channel 3
#define MT3620_GPIO3 (3)

// GPIO 4; its pad is PWM controller 1 channel 0
#define MT3620_GPIO4 (4)

// GPIO 5; its pad is PWM controller 1 channel 1
#define MT3620_GPIO5 (5)

// GPIO 6; its pad is PWM controller 1 channel 2
#define MT3620_GPIO6 (6)

// GPIO 7; its pad is PWM controller 1 channel 3
#define MT3620_GPIO7 (7)

// GPIO 8; its pad is PWM controller 2 channel 0
#define MT3620_GPIO8 (8)

// GPIO 9; its pad is PWM controller 2 channel 1
#define MT3620_GPIO9 (9)

// GPIO 10; its pad is PWM controller 2 channel 2
#define MT3620_GPIO10 (10)

// GPIO 11; its pad is PWM controller 2 channel 3
#define MT3620_GPIO11 (11)

// GPIO 12
#define MT3620_GPIO12 (12)

// GPIO 13
#define MT3620_GPIO13 (13)

// GPIO 14
#define MT3620_GPIO14 (14)

// GPIO 15
#define MT3620_GPIO15 (15)

// GPIO 16
#define MT3620_GPIO16 (16)

// GPIO 17
#define MT3620_GPIO17 (17)

// GPIO 18
#define MT3620_GPIO18 (18)

// GPIO 19
#define MT3620_GPIO19 (19)

// GPIO 20
#define MT3620_GPIO20 (20)

// GPIO 21
#define MT3620_GPIO21 (21)

// GPIO 22
#define MT3620_GPIO22 (22)

// GPIO 23
#define MT3620_GPIO23 (23)

// GPIO 26; its pad belongs to ISU0
#define MT3620_GPIO26 (26)

// GPIO 27; its pad belongs to ISU0
#define MT3620_GPIO27 (27)

// GPIO 28; its pad belongs to ISU0
#define MT3620_GPIO28 (28)

// GPIO 29; its pad belongs to ISU0
#define MT3620_GPIO29 (29)

// GPIO 30; its pad belongs to ISU0
#define MT3620_GPIO30 (30)

// GPIO 31; its pad belongs to ISU1
#define MT3620_GPIO31 (31)

// GPIO 32; its pad belongs to ISU1
#define MT3620_GPIO32 (32)

// GPIO 33; its pad belongs to ISU1
#define MT3620_GPIO33 (33)

// GPIO 34; its pad belongs to ISU1
#define MT3620_GPIO34 (34)

// GPIO 35; its pad belongs to ISU1
#define MT3620_GPIO35 (35)

// GPIO 36; its pad belongs to ISU2
#define MT3620_GPIO36 (36)

// GPIO 37; its pad belongs to ISU2
#define MT3620_GPIO37 (37)

// GPIO 38; its pad belongs to ISU2
#define MT3620_GPIO38 (38)

// GPIO 39; its pad belongs to ISU2
#define MT3620_GPIO39 (39)

// GPIO 40; its pad belongs to ISU2
#define MT3620_GPIO40 (40)

// GPIO 41; its pad is ADC controller 0 channel 0
#define MT3620_GPIO41 (41)

// GPIO 42; its pad is ADC controller 0 channel 1
#define MT3620_GPIO42 (42)

// GPIO 43; its pad is ADC controller 0 channel 2
#define MT3620_GPIO43 (43)

// GPIO 44; its pad is ADC controller 0 channel 3
#define MT3620_GPIO44 (44)

// GPIO 45; its pad is ADC controller 0 channel 4
#define MT3620_GPIO45 (45)

// GPIO 46; its pad is ADC controller 0 channel 5
#define MT3620_GPIO46 (46)

// GPIO 47; its pad is ADC controller 0 channel 6
#define MT3620_GPIO47 (47)

// GPIO 48; its pad is ADC controller 0 channel 7
#define MT3620_GPIO48 (48)

// GPIO 56
#define MT3620_GPIO56 (56)

// GPIO 57
#define MT3620_GPIO57 (57)

// GPIO 58
#define MT3620_GPIO58 (58)

// GPIO 59
#define MT3620_GPIO59 (59)

// GPIO 60
#define MT3620_GPIO60 (60)

// GPIO 61
#define MT3620_GPIO61 (61)

// GPIO 62
#define MT3620_GPIO62 (62)

// GPIO 63
#define MT3620_GPIO63 (63)

// GPIO 64
#define MT3620_GPIO64 (64)

// GPIO 65
#define MT3620_GPIO65 (65)

// GPIO 66; its pad belongs to ISU3
#define MT3620_GPIO66 (66)

// GPIO 67; its pad belongs to ISU3
#define MT3620_GPIO67 (67)

// GPIO 68; its pad belongs to ISU3
#define MT3620_GPIO68 (68)

// GPIO 69; its pad belongs to ISU3
#define MT3620_GPIO69 (69)

// GPIO 70; its pad belongs to ISU3
#define MT3620_GPIO70 (70)

// GPIO 71; its pad belongs to ISU4
#define MT3620_GPIO71 (71)

// GPIO 72; its pad belongs to ISU4
#define MT3620_GPIO72 (72)

// GPIO 73; its pad belongs to ISU4
#define MT3620_GPIO73 (73)

// GPIO 74; its pad belongs to ISU4
#define MT3620_GPIO74 (74)

// GPIO 75; its pad belongs to ISU4
#define MT3620_GPIO75 (75)

// GPIO 80
#define MT3620_GPIO80 (80)

// PWM controller 0: channels 0-3 drive GPIO 0-3, which an app then cannot open as GPIOs
#define MT3620_PWM_CONTROLLER0 (0)

// PWM controller 1: channels 0-3 drive GPIO 4-7, which an app then cannot open as GPIOs
#define MT3620_PWM_CONTROLLER1 (1)

// PWM controller 2: channels 0-3 drive GPIO 8-11, which an app then cannot open as GPIOs
#define MT3620_PWM_CONTROLLER2 (2)

// ADC controller 0: channels 0-7 on GPIO 41-48, which an app then cannot open as GPIOs
#define MT3620_ADC_CONTROLLER0 (0)

// ISU0 as an I2C master
#define MT3620_ISU0_I2C (0)

// ISU1 as an I2C master
#define MT3620_ISU1_I2C (1)

// ISU2 as an I2C master
#define MT3620_ISU2_I2C (2)

// ISU3 as an I2C master
#define MT3620_ISU3_I2C (3)

// ISU4 as an I2C master
#define MT3620_ISU4_I2C (4)

// ISU0 as an SPI master
#define MT3620_ISU0_SPI (0)

// ISU1 as an SPI master
#define MT3620_ISU1_SPI (1)

// ISU2 as an SPI master
#define MT3620_ISU2_SPI (2)

// ISU3 as an SPI master
#define MT3620_ISU3_SPI (3)

// ISU4 as an SPI master
#define MT3620_ISU4_SPI (4)

// ISU0 as a UART (UART ids 4-8 are ISU0-ISU4)
#define MT3620_ISU0_UART (4)

// ISU1 as a UART (UART ids 4-8 are ISU0-ISU4)
#define MT3620_ISU1_UART (5)

// ISU2 as a UART (UART ids 4-8 are ISU0-ISU4)
#define MT3620_ISU2_UART (6)

// ISU3 as a UART (UART ids 4-8 are ISU0-ISU4)
#define MT3620_ISU3_UART (7)

// ISU4 as a UART (UART ids 4-8 are ISU0-ISU4)
#define MT3620_ISU4_UART (8)

// PWM channel 0 of a controller (not a manifest value)
#define MT3620_PWM_CHANNEL0 (0)

// PWM channel 1 of a controller (not a manifest value)
#define MT3620_PWM_CHANNEL1 (1)

// PWM channel 2 of a controller (not a manifest value)
#define MT3620_PWM_CHANNEL2 (2)

// PWM channel 3 of a controller (not a manifest value)
#define MT3620_PWM_CHANNEL3 (3)

// SPI chip select A (not a manifest value)
#define MT3620_SPI_CS_A (-1)

// SPI chip select B (not a manifest value)
#define MT3620_SPI_CS_B (-2)

// ADC channel 0 (GPIO 41; not a manifest value)
#define MT3620_ADC_CHANNEL0 (0)

// ADC channel 1 (GPIO 42; not a manifest value)
#define MT3620_ADC_CHANNEL1 (1)

// ADC channel 2 (GPIO 43; not a manifest value)
#define MT3620_ADC_CHANNEL2 (2)

// ADC channel 3 (GPIO 44; not a manifest value)
#define MT3620_ADC_CHANNEL3 (3)

// ADC channel 4 (GPIO 45; not a manifest value)
#define MT3620_ADC_CHANNEL4 (4)

// ADC channel 5 (GPIO 46; not a manifest value)
#define MT3620_ADC_CHANNEL5 (5)

// ADC channel 6 (GPIO 47; not a manifest value)
#define MT3620_ADC_CHANNEL6 (6)

// ADC channel 7 (GPIO 48; not a manifest value)
#define MT3620_ADC_CHANNEL7 (7)
