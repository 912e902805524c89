// argv and the environment; the exit code is the number of arguments.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) printf("argv[%d] = '%s'\n", i, argv[i]);
    const char* g = getenv("GREETING");
    printf("GREETING=%s\n", g ? g : "(unset)");
    return argc - 1;
}
