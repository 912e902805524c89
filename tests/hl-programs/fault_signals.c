// Guest faults delivered as signals to the app's handlers, as Linux does (docs/hl-apps.md):
// SIGSEGV (unmapped: SEGV_MAPERR; read-only page: SEGV_ACCERR) with si_addr and the faulting
// instruction's PC in the ucontext, a handler that siglongjmps out (twice: the mask comes
// back), a handler that fixes the page with mprotect and returns (the store runs again),
// SIGILL for an undefined instruction, SIGTRAP for BKPT, SIGBUS for an unaligned LDREX, SIGFPE
// from libgcc's division by zero.
// Exit code 0. The emulator and qemu-arm must print the same. With the argument "crash" it
// prints where its store instruction is and dies of SIGSEGV there.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jump_back;
static volatile int got_signo, got_code;
static volatile uintptr_t got_addr, got_pc;
static volatile int jump_out = 1;
static volatile char* fix_page;

static void on_fault(int sig, siginfo_t* info, void* context) {
    ucontext_t* uc = context;
    got_signo = sig == info->si_signo ? sig : -1;
    got_code = info->si_code;
    got_addr = (uintptr_t)info->si_addr;
    got_pc = uc->uc_mcontext.arm_pc;
    if (jump_out) siglongjmp(jump_back, 1);
    // Fix the cause and return: the faulting store runs again and succeeds.
    mprotect((void*)fix_page, 4096, PROT_READ | PROT_WRITE);
}

extern char load_insn[], store_insn[], udf_insn[], bkpt_insn[], ldrex_insn[], it_load_insn[];

__attribute__((noinline)) static int load_from(volatile int* p) {
    int v, n = 0;
    // Two instructions before the load: the fault is not at the start of a block.
    __asm__ volatile("adds %1, #1\n\tadds %1, #1\n\t.globl load_insn\nload_insn:\n\tldr %0, [%2]"
                     : "=&r"(v), "+r"(n) : "r"(p) : "cc", "memory");
    return v + n;
}

__attribute__((noinline)) static void store_to(volatile int* p, int v) {
    __asm__ volatile("nop\n\t.globl store_insn\nstore_insn:\n\tstr %0, [%1]" : : "r"(v), "r"(p) : "memory");
}

// A load inside a Thumb IT block: after the handler fixes the page and returns, the rest of
// the block must still obey its conditions (n ends at 1, not 101).
__attribute__((noinline)) static int load_in_it_block(volatile int* p) {
    int n = 0, v;
    __asm__ volatile("cmp %2, %2\n\titte eq\n\t.globl it_load_insn\nit_load_insn:\n\tldreq %1, [%2]\n\t"
                     "addeq %0, %0, #1\n\taddne %0, %0, #100"
                     : "+r"(n), "=&r"(v) : "r"(p) : "cc", "memory");
    return n + v;
}

__attribute__((noinline)) static void undefined(void) {
    __asm__ volatile(".globl udf_insn\nudf_insn:\n\tudf #7" ::: "memory");
}

__attribute__((noinline)) static void breakpoint(void) {
    __asm__ volatile(".globl bkpt_insn\nbkpt_insn:\n\tbkpt #3" ::: "memory");
}

__attribute__((noinline)) static int load_exclusive(volatile int* p) {
    int v;
    __asm__ volatile(".globl ldrex_insn\nldrex_insn:\n\tldrex %0, [%1]\n\tclrex" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static void report(const char* what, uintptr_t want_addr, const char* insn) {
    printf("%s: signal %d (%s), si_code %d, si_addr %s, pc %s\n", what, got_signo, strsignal(got_signo), got_code,
           got_addr == want_addr ? "exact" : "WRONG", got_pc == ((uintptr_t)insn & ~1u) ? "at the instruction" : "WRONG");
    got_signo = got_code = 0;
    got_addr = got_pc = 0;
}

extern const char __ehdr_start[];

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        // No handler: the default action ends the app, and the report names the store.
        printf("store at +0x%lx\n", (unsigned long)((uintptr_t)store_insn - (uintptr_t)__ehdr_start) & ~1ul);
        fflush(stdout);
        store_to((volatile int*)0x20, 1);
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);
    setvbuf(stdout, NULL, _IONBF, 0);

    for (int round = 1; round <= 2; ++round) {
        if (sigsetjmp(jump_back, 1) == 0) {
            printf("never: %d\n", load_from((volatile int*)0x10));
        } else {
            printf("round %d: ", round);
            report("unmapped read", 0x10, load_insn);
        }
    }

    volatile int* page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jump_back, 1) == 0) store_to(page + 2, 5);
    else report("read-only write", (uintptr_t)(page + 2), store_insn);

    jump_out = 0;
    fix_page = (volatile char*)page;
    store_to(page + 3, 42);
    report("fixed by the handler", (uintptr_t)(page + 3), store_insn);
    printf("stored after the fix: %d\n", page[3]);
    volatile int* it_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fix_page = (volatile char*)it_page;
    const int n = load_in_it_block(it_page + 1);
    report("fixed inside an IT block", (uintptr_t)(it_page + 1), it_load_insn);
    printf("IT block after the fix: n + loaded = %d\n", n);
    jump_out = 1;

    if (sigsetjmp(jump_back, 1) == 0) undefined();
    else printf("undefined instruction: signal %d (%s), pc %s\n", got_signo, strsignal(got_signo),
                got_pc == ((uintptr_t)udf_insn & ~1u) && got_addr == got_pc ? "at the instruction" : "WRONG");

    if (sigsetjmp(jump_back, 1) == 0) breakpoint();
    else printf("breakpoint: signal %d (%s), pc %s\n", got_signo, strsignal(got_signo),
                got_pc == ((uintptr_t)bkpt_insn & ~1u) ? "at the instruction" : "WRONG");

    static int words[4];
    static volatile int* volatile odd;
    odd = (volatile int*)((char*)words + 2);
    if (sigsetjmp(jump_back, 1) == 0) printf("never: %d\n", load_exclusive(odd));
    else report("unaligned exclusive load", (uintptr_t)odd, ldrex_insn);

    // ARMv7-A has no divide instruction without IDIV: libgcc's division raises SIGFPE itself.
    sigaction(SIGFPE, &sa, NULL);
    static volatile int zero = 0;
    if (sigsetjmp(jump_back, 1) == 0) printf("never: %d\n", 7 / zero);
    else printf("division by zero: signal %d (%s), si_code SI_TKILL: %s\n", got_signo, strsignal(got_signo),
                got_code == SI_TKILL ? "yes" : "no");
    printf("done\n");
    return 0;
}
