/* The hardware definition this sample targets, in the form Azure Sphere hardware definitions
 * take: sample peripherals named after the board's. Here: the MT3620 RDB. */
#pragma once
#include "mt3620_rdb.h"

#define SAMPLE_LED MT3620_RDB_LED1_RED
