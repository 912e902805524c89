// fork and execve are not available on Azure Sphere: the calls fail with ENOSYS and the app
// goes on.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    long r = syscall(SYS_fork);
    printf("fork: %s\n", r == -1 ? strerror(errno) : "succeeded");
    char* argv[] = {"/bin/true", NULL};
    r = syscall(SYS_execve, "/bin/true", argv, NULL);
    printf("execve: %s\n", r == -1 ? strerror(errno) : "succeeded");
    return 0;
}
