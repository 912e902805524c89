/* Helpers shared by the libapplibs sources (not installed). */
#pragma once
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "DeviceAbi.h"

/* Opens a device file named by a printf format and one number; -1 and errno on failure. */
__attribute__((visibility("hidden"))) int applibs_open_device(const char *format, int number, int flags);
/* Puts errno back after cleanup calls that may change it. */
#define APPLIBS_FAIL(err) \
    do {                  \
        errno = (err);    \
        return -1;        \
    } while (0)
/* The struct-version field of a versioned struct: magic in the high half, version in the low. */
static inline uint32_t applibs_magic_version(uint32_t magic, uint32_t version) { return magic | version; }
static inline int applibs_check_version(uint32_t field, uint32_t magic, uint32_t max_version)
{
    return (field & 0xffff0000u) == magic && (field & 0xffffu) >= 1 && (field & 0xffffu) <= max_version;
}
