/* Mutable storage counter: counts how many times the app has started. The count lives in the
 * app's mutable storage file, which survives restarts (the emulator keeps it in a host
 * directory, `--storage DIR`). With the argument "reset" the storage is deleted first.
 * Written for mt3620-emu (docs/hl-apps.md). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <applibs/log.h>
#include <applibs/storage.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "reset") == 0) {
        if (Storage_DeleteMutableFile() < 0 && errno != ENOENT) {
            Log_Debug("ERROR: Storage_DeleteMutableFile: %s (%d)\n", strerror(errno), errno);
            return 1;
        }
        Log_Debug("storage deleted\n");
    }
    int fd = Storage_OpenMutableFile();
    if (fd < 0) {
        Log_Debug("ERROR: Storage_OpenMutableFile: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    uint32_t count = 0;
    ssize_t n = read(fd, &count, sizeof count);
    if (n < 0) {
        Log_Debug("ERROR: read: %s (%d)\n", strerror(errno), errno);
        return 2;
    }
    if (n != sizeof count) count = 0;  /* a new (empty) storage */
    ++count;
    if (lseek(fd, 0, SEEK_SET) != 0 || write(fd, &count, sizeof count) != sizeof count) {
        Log_Debug("ERROR: write: %s (%d)\n", strerror(errno), errno);
        return 3;
    }
    close(fd);
    Log_Debug("this app has started %u time%s\n", (unsigned)count, count == 1 ? "" : "s");
    return 0;
}
