/* Log_Debug: the app's debug output is its stderr, which the emulator shows as the app's
 * output stream (docs/hl-apps.md). One write per call keeps lines whole. */
#include <applibs/log.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int Log_DebugVarArgs(const char *fmt, va_list args)
{
    if (fmt == NULL) {
        errno = EFAULT;
        return -1;
    }
    char small[256];
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) return -1;
    char *text = small;
    if ((size_t)n >= sizeof small) {
        text = malloc((size_t)n + 1);
        if (text == NULL) return -1;
        vsnprintf(text, (size_t)n + 1, fmt, args);
    }
    ssize_t done = 0;
    while (done < n) {
        ssize_t w = write(STDERR_FILENO, text + done, (size_t)(n - done));
        if (w < 0) break;
        done += w;
    }
    if (text != small) free(text);
    return done == n ? 0 : -1;
}

int Log_Debug(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int r = Log_DebugVarArgs(fmt, args);
    va_end(args);
    return r;
}
