// Mutex and condition variable ping-pong between two threads: strictly alternating turns,
// so the printed sequence is the same on any scheduler.
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn = 0;  // 0: ping's turn, 1: pong's
static int count = 0;
enum { kRounds = 2000 };

static void play(int me, const char* name) {
    for (int i = 0; i < kRounds; ++i) {
        pthread_mutex_lock(&lock);
        while (turn != me) pthread_cond_wait(&changed, &lock);
        ++count;
        if (i < 3 || i == kRounds - 1) printf("%s %d (count %d)\n", name, i, count);
        turn = !me;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
}

static void* pong(void* arg) {
    (void)arg;
    play(1, "pong");
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, pong, NULL);
    play(0, "ping");
    pthread_join(t, NULL);
    printf("done: %d turns\n", count);
    return 0;
}
