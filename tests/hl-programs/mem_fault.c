// Memory semantics: munmap'd pages fault, mprotect is honoured, brk grows and shrinks.
// Argument: "ok" (everything allowed works, exit 0), "munmap" (write to an unmapped page:
// SIGSEGV), "readonly" (write to a PROT_READ page: SIGSEGV), "noexec" (call into a page
// without PROT_EXEC: SIGSEGV).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
    const char* what = argc > 1 ? argv[1] : "ok";
    const size_t page = 4096;
    unsigned char* p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 2;
    memset(p, 0x11, 4 * page);
    munmap(p + page, page);                     // a hole
    mprotect(p + 2 * page, page, PROT_READ);    // read-only
    printf("mapped, hole, read-only page; byte %02x %02x\n", p[0], p[2 * page]);
    fflush(stdout);
    if (!strcmp(what, "munmap")) p[page + 8] = 1;
    if (!strcmp(what, "readonly")) p[2 * page + 8] = 1;
    if (!strcmp(what, "noexec")) {
        static const uint16_t bx_lr = 0x4770;  // Thumb "bx lr" in a data page
        memcpy(p, &bx_lr, 2);
        ((void (*)(void))(uintptr_t)(p + 1))();
    }
    // Remapped pages start zeroed; protection changes back; brk moves.
    unsigned char* q = mmap(p + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("remapped hole %s, reads %02x\n", q == p + page ? "in place" : "elsewhere", q[100]);
    mprotect(p + 2 * page, page, PROT_READ | PROT_WRITE);
    p[2 * page + 8] = 0x22;
    uintptr_t top = (uintptr_t)syscall(SYS_brk, 0);  // musl's sbrk only reads the break
    uintptr_t grown = (uintptr_t)syscall(SYS_brk, top + 3 * page);
    ((unsigned char*)top)[3 * page - 1] = 0x33;
    uintptr_t shrunk = (uintptr_t)syscall(SYS_brk, top);
    printf("write after mprotect %02x, brk grew %s and shrank %s\n", p[2 * page + 8],
           grown == top + 3 * page ? "yes" : "no", shrunk == top ? "yes" : "no");
    munmap(p, 4 * page);
    printf("done\n");
    return 0;
}
