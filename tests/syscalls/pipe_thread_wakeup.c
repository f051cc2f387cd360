/* SPDX-License-Identifier: Apache-2.0 */
/* A blocking pipe read in one thread wakes when another thread writes, and returns what is
 * available rather than waiting to fill its buffer; a blocked writer wakes when a reader
 * makes room. */
#include "test.h"

#include <pthread.h>

static int g_p[2];
static volatile int g_state;

static void *reader(void *arg)
{
    (void)arg;
    char buf[64];
    g_state = 1;
    ssize_t n = read(g_p[0], buf, sizeof(buf));
    CHECK_EQ(n, 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    g_state = 2;
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    static char big[65536 + 1000];
    memset(big, 'w', sizeof(big));
    /* Blocks once the pipe is full, until main drains some. */
    ssize_t n = write(g_p[1], big, sizeof(big));
    CHECK_EQ(n, (ssize_t)sizeof(big));
    return NULL;
}

int main(void)
{
    CHECK(pipe(g_p) == 0);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, reader, NULL) == 0);
    while (g_state == 0)
        usleep(1000);
    /* Give the reader time to block; correctness does not depend on it. */
    usleep(10000);
    CHECK_EQ(g_state, 1);
    CHECK_EQ(write(g_p[1], "abc", 3), 3);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK_EQ(g_state, 2);

    CHECK(pthread_create(&th, NULL, writer, NULL) == 0);
    static char buf[65536 + 1000];
    size_t got = 0;
    while (got < sizeof(buf)) {
        ssize_t n = read(g_p[0], buf + got, sizeof(buf) - got);
        CHECK(n > 0);
        got += n;
    }
    CHECK(pthread_join(th, NULL) == 0);
    CHECK_EQ(buf[0], 'w');
    CHECK_EQ(buf[sizeof(buf) - 1], 'w');
    TEST_OK();
}
