/* applibs/storage.h: the app's mutable storage and the files of its image package (this
 * project's implementation of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* A read-write descriptor on the app's mutable storage file (created empty the first time),
 * or -1 and errno (EACCES: no MutableStorage capability in the manifest). */
int Storage_OpenMutableFile(void);
/* Empties the mutable storage: 0, or -1 and errno (EACCES, ENOENT: nothing stored yet). */
int Storage_DeleteMutableFile(void);
/* A read-only descriptor on a file of the app's image package, by relative path. */
int Storage_OpenFileInImagePackage(const char *relativePath);
/* The absolute path of a file in the image package (free() it), or NULL and errno. */
char *Storage_GetAbsolutePathInImagePackage(const char *relativePath);

#ifdef __cplusplus
}
#endif
