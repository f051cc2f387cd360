/* SPDX-License-Identifier: Apache-2.0 */
/* readdir/telldir/seekdir: seeking back to a telldir cookie replays the same entries in the
 * same order; rewinddir restarts; entries created after opendir may or may not show up, but
 * entries deleted before the first readdir never do. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>

#define N 50

int main(void)
{
    char dir[64], p[128];
    test_mkdtemp(dir);
    for (int i = 0; i < N; i++) {
        snprintf(p, sizeof(p), "%s/n%02d", dir, i);
        int fd = open(p, O_WRONLY | O_CREAT, 0600);
        CHECK(fd >= 0);
        close(fd);
    }
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    /* Deleted before the first read: never returned. */
    snprintf(p, sizeof(p), "%s/n07", dir);
    CHECK(unlink(p) == 0);

    char order[N + 2][16];
    long cookies[N + 2];
    int count = 0;
    struct dirent *e;
    for (;;) {
        cookies[count] = telldir(d);
        e = readdir(d);
        if (!e)
            break;
        CHECK(count < N + 2);
        CHECK(strcmp(e->d_name, "n07") != 0);
        CHECK(strlen(e->d_name) < sizeof(order[count]));
        strcpy(order[count], e->d_name);
        count++;
    }
    CHECK_EQ(count, N - 1 + 2);

    /* Replay from every fifth cookie. */
    for (int start = 0; start < count; start += 5) {
        seekdir(d, cookies[start]);
        for (int k = start; k < count && k < start + 3; k++) {
            e = readdir(d);
            CHECK(e != NULL);
            CHECK(strcmp(e->d_name, order[k]) == 0);
        }
    }
    /* Seeking to the end cookie reads nothing. */
    seekdir(d, cookies[count]);
    CHECK(readdir(d) == NULL);

    /* Delete an entry we have not reached after seeking back: it is not returned. */
    seekdir(d, cookies[10]);
    snprintf(p, sizeof(p), "%s/%s", dir, order[20]);
    CHECK(unlink(p) == 0);
    int after = 0;
    while ((e = readdir(d)) != NULL) {
        CHECK(strcmp(e->d_name, order[20]) != 0);
        after++;
    }
    CHECK_EQ(after, count - 10 - 1);

    rewinddir(d);
    int again = 0;
    while ((e = readdir(d)) != NULL)
        again++;
    CHECK_EQ(again, count - 1);
    closedir(d);

    for (int i = 0; i < N; i++) {
        snprintf(p, sizeof(p), "%s/n%02d", dir, i);
        unlink(p);
    }
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
