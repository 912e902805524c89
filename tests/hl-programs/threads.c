// pthread_create/join: several threads with their own stacks and thread-local storage, each
// allocating and computing; main joins them and prints their results in order.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kThreads = 6 };
static __thread uint32_t tls_value;  // one per thread (TPIDRURO)

struct job {
    int index;
    uint32_t result;
    uint32_t tls_seen;
    int tid_differs;
};

static void* work(void* arg) {
    struct job* j = arg;
    tls_value = 1000u + (uint32_t)j->index;
    uint32_t h = 2166136261u;
    for (int round = 0; round < 200; ++round) {
        size_t n = 64 + (size_t)((j->index * 131 + round * 17) % 4000);
        unsigned char* p = malloc(n);
        memset(p, j->index + round, n);
        for (size_t k = 0; k < n; k += 7) h = (h ^ p[k]) * 16777619u;
        free(p);
        if (round % 50 == 0) sched_yield();
    }
    j->result = h;
    j->tls_seen = tls_value;
    j->tid_differs = pthread_self() != (pthread_t)0;
    return (void*)(intptr_t)(j->index * 10);
}

int main(void) {
    pthread_t t[kThreads];
    struct job jobs[kThreads];
    tls_value = 7;
    for (int i = 0; i < kThreads; ++i) {
        jobs[i] = (struct job){.index = i};
        int r = pthread_create(&t[i], NULL, work, &jobs[i]);
        if (r) {
            printf("pthread_create %d failed: %s\n", i, strerror(r));
            return 1;
        }
    }
    for (int i = 0; i < kThreads; ++i) {
        void* ret;
        pthread_join(t[i], &ret);
        printf("thread %d: result %08x tls %u returned %d\n", i, jobs[i].result, jobs[i].tls_seen, (int)(intptr_t)ret);
    }
    printf("main tls still %u\n", tls_value);
    return 0;
}
