/* SPDX-License-Identifier: Apache-2.0 */
/* EFD_SEMAPHORE: each read returns 1 and decrements the counter by one, until it is zero
 * (EAGAIN non-blocking); a blocked reader in another thread wakes on a write. */
#include "test.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>

static int g_fd;

static void *reader(void *arg)
{
    (void)arg;
    uint64_t v = 0;
    long n = read(g_fd, &v, 8);
    return (void *)(intptr_t)(n == 8 && v == 1);
}

int main(void)
{
    int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK(fd >= 0);
    uint64_t v;
    for (int i = 0; i < 3; i++) {
        v = 0;
        CHECK_EQ(read(fd, &v, 8), 8);
        CHECK_EQ(v, 1);
    }
    CHECK_ERR(read(fd, &v, 8), EAGAIN);
    v = 2;
    CHECK_EQ(write(fd, &v, 8), 8);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 1);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(read(fd, &v, 8), -1);
    close(fd);

    g_fd = eventfd(0, EFD_SEMAPHORE);
    CHECK(g_fd >= 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, reader, NULL) == 0);
    struct timespec ts = { 0, 10 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    v = 5;
    CHECK_EQ(write(g_fd, &v, 8), 8);
    void *ok;
    CHECK(pthread_join(t, &ok) == 0);
    CHECK(ok == (void *)1);
    /* 4 left. */
    int fl = fcntl(g_fd, F_GETFL);
    CHECK(fcntl(g_fd, F_SETFL, fl | O_NONBLOCK) == 0);
    int n = 0;
    while (read(g_fd, &v, 8) == 8)
        n++;
    CHECK_EQ(errno, EAGAIN);
    CHECK_EQ(n, 4);
    close(g_fd);
    TEST_OK();
}
