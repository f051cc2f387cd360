/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/exe links to the running binary (same inode as argv[0] resolved), can be opened
 * and read (starting with the ELF magic), and a child exec'd from a copy sees the copy's path;
 * /proc/self/cwd and /proc/self/root link to the cwd and "/". */
#include "test.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "child") == 0) {
        char buf[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
        if (n <= 0)
            _exit(2);
        buf[n] = 0;
        /* Print the path so the parent can compare. */
        printf("%s\n", buf);
        fflush(stdout);
        _exit(0);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = 0;
    CHECK(exe[0] == '/');
    struct stat a, b;
    CHECK(stat(exe, &a) == 0);
    CHECK(stat("/proc/self/exe", &b) == 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_dev, b.st_dev);
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    char magic[4];
    CHECK_EQ(read(fd, magic, 4), 4);
    CHECK(memcmp(magic, "\177ELF", 4) == 0);
    close(fd);

    char cwd[PATH_MAX], link[PATH_MAX];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
    CHECK(n > 0);
    link[n] = 0;
    CHECK(strcmp(link, cwd) == 0);
    n = readlink("/proc/self/root", link, sizeof(link) - 1);
    CHECK(n > 0);
    link[n] = 0;
    CHECK(strcmp(link, "/") == 0);

    /* Copy ourselves and run the copy. */
    char dir[64], copy[96];
    test_mkdtemp(dir);
    snprintf(copy, sizeof(copy), "%s/copy-of-exe", dir);
    int in = open("/proc/self/exe", O_RDONLY);
    int out = open(copy, O_WRONLY | O_CREAT, 0755);
    CHECK(in >= 0 && out >= 0);
    static char buf[1 << 16];
    long r;
    while ((r = read(in, buf, sizeof(buf))) > 0)
        CHECK_EQ(write(out, buf, r), r);
    CHECK_EQ(r, 0);
    close(in);
    close(out);
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        execl(copy, copy, "child", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char got[PATH_MAX] = { 0 };
    size_t tot = 0;
    while ((r = read(p[0], got + tot, sizeof(got) - 1 - tot)) > 0)
        tot += (size_t)r;
    test_wait_exit(pid, 0);
    got[strcspn(got, "\n")] = 0;
    CHECK(strcmp(got, copy) == 0);
    (void)argv;
    CHECK(unlink(copy) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
