/* applibs/log.h: debug output of a high-level app (this project's implementation of the
 * public Azure Sphere API; docs/hl-apps.md). The text goes to the app's debug output stream. */
#pragma once
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Formats like printf and writes the text to the debug output. 0 on success, -1 and errno
 * on failure. */
int Log_Debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list. */
int Log_DebugVarArgs(const char *fmt, va_list args);

#ifdef __cplusplus
}
#endif
