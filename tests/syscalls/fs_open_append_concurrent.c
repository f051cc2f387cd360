/* SPDX-License-Identifier: Apache-2.0 */
/* O_APPEND writes from several processes with their own open files never overwrite each
 * other: the final size is the sum of all writes and every record is intact. lseek does not
 * stop O_APPEND from writing at the end. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

#define WRITERS 4
#define RECORDS 200
#define RECLEN  64

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/log", dir);
    int fd = open(f, O_WRONLY | O_CREAT | O_APPEND, 0600);
    CHECK(fd >= 0);
    close(fd);

    int go[2];
    CHECK(pipe(go) == 0);
    pid_t kids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        kids[w] = fork();
        CHECK(kids[w] >= 0);
        if (kids[w] == 0) {
            close(go[1]);
            int cfd = open(f, O_WRONLY | O_APPEND);
            if (cfd < 0)
                _exit(2);
            char c;
            if (read(go[0], &c, 1) != 0)
                _exit(3);
            char rec[RECLEN];
            memset(rec, 'a' + w, sizeof(rec));
            rec[RECLEN - 1] = '\n';
            for (int i = 0; i < RECORDS; i++) {
                /* Seeking to 0 must not matter with O_APPEND. */
                lseek(cfd, 0, SEEK_SET);
                if (write(cfd, rec, sizeof(rec)) != RECLEN)
                    _exit(4);
            }
            _exit(0);
        }
    }
    close(go[0]);
    close(go[1]); /* Start all writers at once. */
    for (int w = 0; w < WRITERS; w++)
        test_wait_exit(kids[w], 0);

    struct stat st;
    CHECK(stat(f, &st) == 0);
    CHECK_EQ(st.st_size, WRITERS * RECORDS * RECLEN);
    fd = open(f, O_RDONLY);
    CHECK(fd >= 0);
    int counts[WRITERS] = { 0 };
    char rec[RECLEN];
    for (int i = 0; i < WRITERS * RECORDS; i++) {
        CHECK_EQ(read(fd, rec, RECLEN), RECLEN);
        int w = rec[0] - 'a';
        CHECK(w >= 0 && w < WRITERS);
        for (int k = 0; k < RECLEN - 1; k++)
            CHECK(rec[k] == rec[0]);
        CHECK(rec[RECLEN - 1] == '\n');
        counts[w]++;
    }
    for (int w = 0; w < WRITERS; w++)
        CHECK_EQ(counts[w], RECORDS);
    CHECK_EQ(read(fd, rec, 1), 0);
    close(fd);

    /* The file offset of an O_APPEND fd moves to the end after each write. */
    fd = open(f, O_RDWR | O_APPEND);
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 10, SEEK_SET), 10);
    CHECK_EQ(write(fd, "x", 1), 1);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), st.st_size + 1);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
