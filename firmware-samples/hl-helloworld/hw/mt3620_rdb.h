/* MT3620 reference development board peripherals, by the GPIO that drives them
 * (boards/mt3620-rdb.yaml). */
#pragma once

#define MT3620_RDB_LED1_RED 8
#define MT3620_RDB_LED1_GREEN 9
#define MT3620_RDB_LED1_BLUE 10
#define MT3620_RDB_BUTTON_A 12
#define MT3620_RDB_BUTTON_B 13
