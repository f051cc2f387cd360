/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Large reads of regular files (the sentry maps the host file for reads of
 * 128 KiB and more): the bytes at unaligned offsets, the position, short
 * reads at EOF, a buffer whose tail is not writable (partial read, the rest
 * stays unread), EFAULT, readv/preadv across large iovecs, a read after the
 * file shrank. In /tmp and, when it exists, /dev/shm (tmpfs).
 */
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>

#define SIZE (3 * 1024 * 1024 + 777)
#define PAGE 4096

static unsigned char byte_at(long off)
{
    return (unsigned char)((off * 7 + off / 4096) & 0xff);
}

static int same(const unsigned char *buf, long off, long len)
{
    for (long i = 0; i < len; i++)
        if (buf[i] != byte_at(off + i))
            return 0;
    return 1;
}

static void check_dir(const char *dir)
{
    char path[128];
    static unsigned char data[SIZE];
    unsigned char *buf = malloc(4 * 1024 * 1024);
    int fd;

    CHECK(buf != NULL);
    snprintf(path, sizeof(path), "%s/large", dir);
    for (long i = 0; i < SIZE; i++)
        data[i] = byte_at(i);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, data, SIZE), SIZE);

    /* read(): unaligned start, the position moves by what was read. */
    CHECK_EQ(lseek(fd, 12345, SEEK_SET), 12345);
    long n = read(fd, buf, 1536 * 1024);
    CHECK(n > 0 && n <= 1536 * 1024);
    CHECK(same(buf, 12345, n));
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12345 + n);

    /* pread(): the position stays; short at EOF, 0 past it. */
    CHECK_EQ(pread(fd, buf, 1024 * 1024, SIZE - 300 * 1024), 300 * 1024);
    CHECK(same(buf, SIZE - 300 * 1024, 300 * 1024));
    CHECK_EQ(pread(fd, buf, 1024 * 1024, SIZE), 0);
    CHECK_EQ(pread(fd, buf, 1024 * 1024, SIZE + 5000), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12345 + n);
    /* A large read whose tail in the file is short: the bytes up to EOF. */
    CHECK_EQ(pread(fd, buf, 512 * 1024, SIZE - 1000), 1000);
    CHECK(same(buf, SIZE - 1000, 1000));

    /* Read until EOF with read(): every byte once, in order. */
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    long total = 0;
    while ((n = read(fd, buf, 1024 * 1024)) > 0) {
        CHECK(same(buf, total, n));
        total += n;
    }
    CHECK_EQ(n, 0);
    CHECK_EQ(total, SIZE);

    /* A buffer of 64 writable pages, then a read-only one: the read stops there. */
    unsigned char *m =
        mmap(NULL, 65 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK(mprotect(m + 64 * PAGE, PAGE, PROT_READ) == 0);
    CHECK_EQ(pread(fd, m + 100, 65 * PAGE, 4096 + 3), 64 * PAGE - 100);
    CHECK(same(m + 100, 4096 + 3, 64 * PAGE - 100));
    CHECK_EQ(lseek(fd, 7, SEEK_SET), 7);
    CHECK_EQ(read(fd, m, 65 * PAGE), 64 * PAGE);
    CHECK(same(m, 7, 64 * PAGE));
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7 + 64 * PAGE);
    /* Nothing writable at all: EFAULT, the position stays. */
    CHECK_ERR(read(fd, m + 64 * PAGE, PAGE), EFAULT);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7 + 64 * PAGE);
    CHECK(munmap(m, 65 * PAGE) == 0);

    /* readv/preadv over two large iovecs. */
    struct iovec iov[2] = { { buf, 300 * 1024 }, { buf + 300 * 1024, 700 * 1024 } };
    CHECK_EQ(preadv(fd, iov, 2, 999), 1000 * 1024);
    CHECK(same(buf, 999, 1000 * 1024));
    CHECK_EQ(lseek(fd, 4096, SEEK_SET), 4096);
    CHECK_EQ(readv(fd, iov, 2), 1000 * 1024);
    CHECK(same(buf, 4096, 1000 * 1024));

    /* The file shrinks: reads see the new size. */
    CHECK(ftruncate(fd, 200 * 1024) == 0);
    CHECK_EQ(pread(fd, buf, 1024 * 1024, 0), 200 * 1024);
    CHECK(same(buf, 0, 200 * 1024));
    CHECK_EQ(pread(fd, buf, 1024 * 1024, 300 * 1024), 0);

    /* Not open for reading: EBADF. */
    int wfd = open(path, O_WRONLY);
    CHECK(wfd >= 0);
    CHECK_ERR(read(wfd, buf, 1024 * 1024), EBADF);
    close(wfd);

    close(fd);
    CHECK(unlink(path) == 0);
    free(buf);
}

int main(void)
{
    char dir[64];

    test_mkdtemp(dir);
    check_dir(dir);
    CHECK(rmdir(dir) == 0);
    if (access("/dev/shm", W_OK) == 0) {
        char shm[64];

        strcpy(shm, "/dev/shm/systest.XXXXXX");
        CHECK(mkdtemp(shm) != NULL);
        check_dir(shm);
        CHECK(rmdir(shm) == 0);
    }
    TEST_OK();
}
