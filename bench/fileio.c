/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File system throughput in a directory, for bench/fileio.sh:
 *   fileio DIR meta N   create (write 100 bytes), stat and unlink N files: files/s
 *   fileio DIR seq MB   write an MB MiB file in 1 MiB writes (fsync at the end), read it
 *                       back in 1 MiB reads: MB/s each way
 * Prints one "name: value unit" line per result.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "fileio: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void meta(const char *dir, long n)
{
    char path[4096], data[100];
    struct stat st;
    double t0, t1, t2, t3;

    memset(data, 'm', sizeof(data));
    t0 = now();
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/f%ld", dir, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
            die("create", path);
        if (write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))
            die("write", path);
        close(fd);
    }
    t1 = now();
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/f%ld", dir, i);
        if (stat(path, &st) < 0 || st.st_size != (off_t)sizeof(data))
            die("stat", path);
    }
    t2 = now();
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/f%ld", dir, i);
        if (unlink(path) < 0)
            die("unlink", path);
    }
    t3 = now();
    printf("create: %.0f files/s\n", (double)n / (t1 - t0));
    printf("stat: %.0f files/s\n", (double)n / (t2 - t1));
    printf("unlink: %.0f files/s\n", (double)n / (t3 - t2));
    printf("meta: %.0f files/s\n", (double)n / (t3 - t0));
}

static void seq(const char *dir, long mb)
{
    const size_t chunk = 1 << 20;
    char path[4096];
    char *buf = malloc(chunk);
    double t0, t1, t2;
    int fd;

    if (buf == NULL)
        die("malloc", "");
    memset(buf, 's', chunk);
    snprintf(path, sizeof(path), "%s/seq", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("create", path);
    t0 = now();
    for (long i = 0; i < mb; i++) {
        if (write(fd, buf, chunk) != (ssize_t)chunk)
            die("write", path);
    }
    if (fsync(fd) < 0)
        die("fsync", path);
    t1 = now();
    if (lseek(fd, 0, SEEK_SET) != 0)
        die("lseek", path);
    for (long i = 0; i < mb; i++) {
        if (read(fd, buf, chunk) != (ssize_t)chunk)
            die("read", path);
    }
    t2 = now();
    close(fd);
    unlink(path);
    free(buf);
    printf("seqwrite: %.0f MB/s\n", (double)mb / (t1 - t0));
    printf("seqread: %.0f MB/s\n", (double)mb / (t2 - t1));
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[2], "meta") != 0 && strcmp(argv[2], "seq") != 0)) {
        fprintf(stderr, "usage: fileio DIR meta N | fileio DIR seq MB\n");
        return 2;
    }
    if (strcmp(argv[2], "meta") == 0)
        meta(argv[1], atol(argv[3]));
    else
        seq(argv[1], atol(argv[3]));
    return 0;
}
