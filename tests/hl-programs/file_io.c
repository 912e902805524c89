// File I/O on the app's own (read-only) files: open, read, lseek, fstat, stdio, directories, errors.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(void) {
    int fd = open("data/readme.txt", O_RDONLY);
    if (fd < 0) {
        printf("open failed: %s\n", strerror(errno));
        return 1;
    }
    struct stat st;
    fstat(fd, &st);
    printf("size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    char buf[128] = {0};
    ssize_t n = read(fd, buf, 10);
    printf("read %zd: '%s'\n", n, buf);
    off_t pos = lseek(fd, -11, SEEK_END);
    memset(buf, 0, sizeof buf);
    n = read(fd, buf, sizeof buf - 1);
    printf("at %lld read %zd: '%s'", (long long)pos, n, buf);
    printf("read at end: %zd\n", read(fd, buf, 1));
    close(fd);

    FILE* f = fopen("data/readme.txt", "r");
    char line[128];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        ++lines;
        if (strstr(line, "12345")) printf("found: %s", line);
    }
    fclose(f);
    printf("%d lines\n", lines);

    DIR* d = opendir("data");
    char* names[16];
    int count = 0;
    struct dirent* e;
    while ((e = readdir(d)) && count < 16)
        if (e->d_name[0] != '.') names[count++] = strdup(e->d_name);
    closedir(d);
    qsort(names, count, sizeof names[0], cmp);
    for (int i = 0; i < count; ++i) printf("entry %s\n", names[i]);

    f = fopen("data/sub/nested.txt", "r");
    if (f && fgets(line, sizeof line, f)) printf("nested: %s", line);
    if (f) fclose(f);
    errno = 0;
    printf("missing: %d %s\n", open("data/no-such-file", O_RDONLY), strerror(errno));
    printf("stat dir: %d\n", stat("data/sub", &st) == 0 && S_ISDIR(st.st_mode));
    printf("access: %d\n", access("data/readme.txt", R_OK));
    return 0;
}
