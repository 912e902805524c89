/* Mutable storage and image-package files (docs/hl-apps.md). The app's image package is
 * mounted at /mnt/apps/<component-id>/; its mutable storage file lives under /mnt/config. */
#include <applibs/storage.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* "/mnt/apps/<component-id>" from the executable's path; 0, or -1 and errno. */
static int app_root(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) return -1;
    exe[n] = 0;
    static const char kApps[] = "/mnt/apps/";
    if (strncmp(exe, kApps, sizeof kApps - 1) != 0) APPLIBS_FAIL(ENOENT);
    const char *end = strchr(exe + sizeof kApps - 1, '/');
    size_t len = end ? (size_t)(end - exe) : (size_t)n;
    if (len + 1 > size) APPLIBS_FAIL(ENAMETOOLONG);
    memcpy(out, exe, len);
    out[len] = 0;
    return 0;
}

static int storage_path(char *out, size_t size)
{
    char root[PATH_MAX];
    if (app_root(root, sizeof root) < 0) return -1;
    const char *id = root + strlen("/mnt/apps/");
    if ((size_t)snprintf(out, size, "%s/%s/%s", MT_STORAGE_DIR, id, MT_STORAGE_FILE) >= size) APPLIBS_FAIL(ENAMETOOLONG);
    return 0;
}

int Storage_OpenMutableFile(void)
{
    char path[PATH_MAX];
    if (storage_path(path, sizeof path) < 0) return -1;
    return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

int Storage_DeleteMutableFile(void)
{
    char path[PATH_MAX];
    if (storage_path(path, sizeof path) < 0) return -1;
    int fd = open(path, O_RDWR | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

char *Storage_GetAbsolutePathInImagePackage(const char *relativePath)
{
    if (relativePath == NULL) {
        errno = EFAULT;
        return NULL;
    }
    if (relativePath[0] == '/') {
        errno = EINVAL;
        return NULL;
    }
    char root[PATH_MAX];
    if (app_root(root, sizeof root) < 0) return NULL;
    size_t len = strlen(root) + 1 + strlen(relativePath) + 1;
    char *path = malloc(len);
    if (path == NULL) return NULL;
    snprintf(path, len, "%s/%s", root, relativePath);
    return path;
}

int Storage_OpenFileInImagePackage(const char *relativePath)
{
    char *path = Storage_GetAbsolutePathInImagePackage(relativePath);
    if (path == NULL) return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int e = errno;
    free(path);
    errno = e;
    return fd;
}
