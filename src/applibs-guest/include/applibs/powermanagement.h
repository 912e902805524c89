/* applibs/powermanagement.h: reboot and power-down requests (this project's implementation of
 * the public Azure Sphere API; docs/hl-apps.md). Both need the matching "PowerControls"
 * entry in the manifest (EACCES otherwise); the emulator ends the app as the device would. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

int PowerManagement_ForceSystemReboot(void);
int PowerManagement_ForceSystemPowerDown(unsigned int maximum_residency_in_seconds);

#ifdef __cplusplus
}
#endif
