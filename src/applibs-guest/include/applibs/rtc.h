/* applibs/rtc.h: the real-time clock (this project's implementation of the public Azure
 * Sphere API; docs/hl-apps.md). */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* Copies the system time to the RTC. The emulator keeps one virtual clock, so there is
 * nothing to copy: 0. */
int clock_systohc(void);

#ifdef __cplusplus
}
#endif
