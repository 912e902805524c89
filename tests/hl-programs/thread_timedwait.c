// A thread blocked in a futex with a timeout: first nobody wakes it (ETIMEDOUT after the
// timeout, on the emulator's virtual clock), then the main thread signals it before the
// timeout (woken, no ETIMEDOUT). Also a semaphore handed between threads.
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int flag = 0;
static sem_t ready, go;

static long long nowMs(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int waitFor(long ms) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&lock);
    int r = 0;
    while (!flag && r == 0) r = pthread_cond_timedwait(&cond, &lock, &until);
    flag = 0;
    pthread_mutex_unlock(&lock);
    return r;
}

static void* waiter(void* arg) {
    (void)arg;
    long long t0 = nowMs();
    int r = waitFor(100);
    long long waited = nowMs() - t0;
    printf("first wait: %s after >= 100 ms: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : strerror(r),
           waited >= 100 ? "yes" : "no");
    sem_post(&ready);
    r = waitFor(10000);
    printf("second wait: %s\n", r == 0 ? "woken" : strerror(r));
    sem_wait(&go);
    printf("semaphore passed\n");
    return NULL;
}

int main(void) {
    sem_init(&ready, 0, 0);
    sem_init(&go, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    sem_wait(&ready);
    struct timespec pause = {0, 20 * 1000000L};
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&lock);
    flag = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    sem_post(&go);
    pthread_join(t, NULL);
    struct timespec ts = {0, 0};
    int r = sem_timedwait(&go, &ts);  // already past: times out at once
    printf("sem_timedwait in the past: %s\n", r == -1 && errno == ETIMEDOUT ? "ETIMEDOUT" : "unexpected");
    printf("done\n");
    return 0;
}
