#include <fcntl.h>
#include <stdio.h>

#include "internal.h"

int applibs_open_device(const char *format, int number, int flags)
{
    if (number < 0) APPLIBS_FAIL(ENODEV);
    char path[64];
    snprintf(path, sizeof path, format, number);
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) errno = ENODEV;  /* no such device: the id is invalid */
    return fd;
}
