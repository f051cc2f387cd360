/* SPDX-License-Identifier: Apache-2.0 */
/* Eventfd as a counter between threads: 4 writer threads add 1 a thousand times each while a
 * reader drains with blocking reads; the sum of everything read is exactly 4000 and the
 * counter ends at 0. */
#include "test.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>

#define WRITERS 4
#define ADDS    1000

static int g_fd;

static void *writer(void *arg)
{
    (void)arg;
    uint64_t one = 1;
    for (int i = 0; i < ADDS; i++)
        if (write(g_fd, &one, 8) != 8)
            return (void *)1;
    return NULL;
}

int main(void)
{
    g_fd = eventfd(0, 0);
    CHECK(g_fd >= 0);
    pthread_t t[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        CHECK(pthread_create(&t[i], NULL, writer, NULL) == 0);
    uint64_t sum = 0;
    while (sum < WRITERS * ADDS) {
        uint64_t v = 0;
        CHECK_EQ(read(g_fd, &v, 8), 8);
        CHECK(v >= 1);
        sum += v;
    }
    for (int i = 0; i < WRITERS; i++) {
        void *r;
        CHECK(pthread_join(t[i], &r) == 0);
        CHECK(r == NULL);
    }
    CHECK_EQ(sum, WRITERS * ADDS);
    CHECK(fcntl(g_fd, F_SETFL, O_NONBLOCK) == 0);
    uint64_t v;
    CHECK_ERR(read(g_fd, &v, 8), EAGAIN);
    close(g_fd);
    TEST_OK();
}
