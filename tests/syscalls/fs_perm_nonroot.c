/* SPDX-License-Identifier: Apache-2.0 */
/* Permission checks for an unprivileged user: the owner class applies even when "other" would
 * allow more (EACCES), group bits apply to supplementary groups, a directory without x blocks
 * lookups (EACCES) while one without r blocks listing but not lookups. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96], g[96], d[96], inner[128];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 0755) == 0);
    snprintf(f, sizeof(f), "%s/owner_none", dir);
    snprintf(g, sizeof(g), "%s/group_rw", dir);
    snprintf(d, sizeof(d), "%s/d", dir);
    snprintf(inner, sizeof(inner), "%s/d/inner", dir);
    int fd = open(f, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK(chown(f, 2000, 2000) == 0);
    CHECK(chmod(f, 0007) == 0); /* owner: nothing; other: rwx */
    fd = open(g, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK(chown(g, 0, 3000) == 0);
    CHECK(chmod(g, 0060) == 0);
    CHECK(mkdir(d, 0755) == 0);
    fd = open(inner, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        gid_t groups[1] = { 3000 };
        CHECK(setgroups(1, groups) == 0);
        CHECK(setgid(2000) == 0);
        CHECK(setuid(2000) == 0);
        /* Owner bits are 0: EACCES although "other" has rwx. */
        CHECK_ERR(open(f, O_RDONLY), EACCES);
        CHECK_ERR(open(f, O_WRONLY), EACCES);
        /* The owner may still chmod. */
        CHECK(chmod(f, 0400) == 0);
        fd = open(f, O_RDONLY);
        CHECK(fd >= 0);
        close(fd);
        CHECK_ERR(open(f, O_RDWR), EACCES);
        /* Supplementary group 3000 gets rw on group_rw. */
        fd = open(g, O_RDWR);
        CHECK(fd >= 0);
        close(fd);
        _exit(0);
    }
    test_wait_exit(pid, 0);

    /* Directory bits for "other" (uid 4000). */
    CHECK(chmod(d, 0704) == 0); /* r but no x for other */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setgid(4000) == 0 && setuid(4000) == 0);
        DIR *dp = opendir(d);
        CHECK(dp != NULL); /* listing works ... */
        int names = 0;
        struct dirent *e;
        while ((e = readdir(dp)) != NULL)
            names++;
        CHECK_EQ(names, 3);
        closedir(dp);
        struct stat st;
        CHECK_ERR(stat(inner, &st), EACCES); /* ... but lookups do not */
        CHECK_ERR(open(inner, O_RDONLY), EACCES);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK(chmod(d, 0701) == 0); /* x but no r for other */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setgid(4000) == 0 && setuid(4000) == 0);
        CHECK_ERR(open(d, O_RDONLY | O_DIRECTORY), EACCES);
        fd = open(inner, O_RDONLY);
        CHECK(fd >= 0);
        close(fd);
        /* Creating needs w on the directory. */
        char nf[160];
        snprintf(nf, sizeof(nf), "%s/new", d);
        CHECK_ERR(open(nf, O_WRONLY | O_CREAT, 0600), EACCES);
        _exit(0);
    }
    test_wait_exit(pid, 0);

    CHECK(unlink(inner) == 0);
    CHECK(rmdir(d) == 0);
    CHECK(unlink(f) == 0);
    CHECK(unlink(g) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
