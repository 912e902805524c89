/* applibs/networking.h: network state (this project's implementation of the public Azure
 * Sphere API; docs/hl-apps.md). The emulator has no network interface: networking is never
 * ready. */
#pragma once
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 and *outIsNetworkingReady (true when the emulator runs with --network, docs/networking.md),
 * or -1 and errno (EFAULT). */
int Networking_IsNetworkingReady(bool *outIsNetworkingReady);

#ifdef __cplusplus
}
#endif
