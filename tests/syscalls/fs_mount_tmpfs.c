/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mount(2) and umount2(2) of tmpfs in a private mount namespace: options,
 * remount ro/rw, propagation flags, EBUSY, MNT_DETACH, errors, EPERM
 * without CAP_SYS_ADMIN. Needs root (natively: harmless, the namespace is
 * the test's own).
 */
#include "test.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define TMPFS_MAGIC 0x01021994

/* Whether /proc/self/mountinfo has a mount at `path` of type `type`. */
static int has_mount(const char *path, const char *type)
{
    char line[4096];
    FILE *f = fopen("/proc/self/mountinfo", "r");
    int found = 0;

    CHECK(f != NULL);
    while (fgets(line, sizeof(line), f) != NULL) {
        char mp[4096], fstype[256];
        char *dash = strstr(line, " - ");

        if (dash == NULL || sscanf(line, "%*d %*d %*s %*s %4095s", mp) != 1 ||
            sscanf(dash + 3, "%255s", fstype) != 1)
            continue;
        if (strcmp(mp, path) == 0 && strcmp(fstype, type) == 0)
            found = 1;
    }
    fclose(f);
    return found;
}

static void child_unprivileged(const char *d)
{
    pid_t pid = fork();
    int st;

    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setresgid(65534, 65534, 65534) == 0);
        CHECK(setresuid(65534, 65534, 65534) == 0);
        CHECK_ERR(mount("none", d, "tmpfs", 0, NULL), EPERM);
        CHECK_ERR(umount2(d, 0), EPERM);
        /* The path is looked up first. */
        CHECK_ERR(mount("none", "/no/such/dir", "tmpfs", 0, NULL), ENOENT);
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    char d[] = "/tmp/fs_mount_tmpfs.XXXXXX";
    char sub[64], file[64], nested[64];
    struct stat st;
    struct statfs sf;
    int fd;

    CHECK(unshare(CLONE_NEWNS) == 0);
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    CHECK(mkdtemp(d) != NULL);
    snprintf(sub, sizeof(sub), "%s/sub", d);
    snprintf(file, sizeof(file), "%s/f", d);
    snprintf(nested, sizeof(nested), "%s/sub/n", d);

    /* A new tmpfs with options. */
    CHECK(mount("none", d, "tmpfs", 0, "size=1m,mode=0750") == 0);
    CHECK(stat(d, &st) == 0);
    CHECK(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750);
    CHECK(statfs(d, &sf) == 0);
    CHECK(sf.f_type == TMPFS_MAGIC);
    CHECK(has_mount(d, "tmpfs"));
    CHECK(mkdir(sub, 0755) == 0);
    CHECK((fd = open(file, O_CREAT | O_WRONLY, 0644)) >= 0);
    CHECK(close(fd) == 0);

    /* Errors of the new-mount path. */
    CHECK_ERR(mount("none", sub, "tmpfs", 0, "bogus=1"), EINVAL);
    CHECK_ERR(mount("none", sub, "nosuchfs", 0, NULL), ENODEV);
    CHECK_ERR(mount("none", sub, NULL, 0, NULL), EINVAL);
    CHECK_ERR(mount("none", file, "tmpfs", 0, NULL), ENOTDIR);

    /* Remount read-only and back. */
    CHECK(mount(NULL, d, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0);
    CHECK_ERR(open(file, O_WRONLY), EROFS);
    CHECK_ERR(open(nested, O_CREAT | O_WRONLY, 0644), EROFS);
    CHECK(mount(NULL, d, NULL, MS_REMOUNT, NULL) == 0);
    CHECK((fd = open(file, O_WRONLY)) >= 0);
    CHECK(close(fd) == 0);
    /* Remounting what is not a mount's root. */
    CHECK_ERR(mount(NULL, sub, NULL, MS_REMOUNT | MS_RDONLY, NULL), EINVAL);

    /* Propagation types: one at a time, on a mount's root. */
    CHECK(mount(NULL, d, NULL, MS_PRIVATE, NULL) == 0);
    CHECK(mount(NULL, d, NULL, MS_SLAVE, NULL) == 0);
    CHECK(mount(NULL, d, NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    CHECK_ERR(mount(NULL, d, NULL, MS_SHARED | MS_PRIVATE, NULL), EINVAL);
    CHECK_ERR(mount(NULL, sub, NULL, MS_PRIVATE, NULL), EINVAL);

    /* umount2 errors. */
    CHECK_ERR(umount2(d, 0x100), EINVAL);
    CHECK_ERR(umount2(sub, 0), EINVAL);
    CHECK_ERR(umount2("/no/such/dir", 0), ENOENT);
    CHECK_ERR(umount2(d, MNT_EXPIRE | MNT_DETACH), EINVAL);

    /* Busy: an open file, then the cwd. */
    CHECK((fd = open(file, O_RDONLY)) >= 0);
    CHECK_ERR(umount2(d, 0), EBUSY);
    CHECK(close(fd) == 0);
    CHECK(chdir(sub) == 0);
    CHECK_ERR(umount2(d, 0), EBUSY);
    CHECK(chdir("/") == 0);
    /* MNT_EXPIRE: the first call marks it, the second unmounts it. */
    CHECK_ERR(umount2(d, MNT_EXPIRE), EAGAIN);
    CHECK(umount2(d, MNT_EXPIRE) == 0);
    CHECK(!has_mount(d, "tmpfs"));
    CHECK(mount("none", d, "tmpfs", 0, NULL) == 0);
    CHECK(umount2(d, 0) == 0);
    CHECK(!has_mount(d, "tmpfs"));
    CHECK_ERR(access(file, F_OK), ENOENT);
    CHECK_ERR(umount2(d, 0), EINVAL);

    /* A mount below it: busy, unless detached (which takes both). */
    CHECK(mount("none", d, "tmpfs", 0, NULL) == 0);
    CHECK(mkdir(sub, 0755) == 0);
    CHECK(mount("none", sub, "tmpfs", 0, NULL) == 0);
    CHECK(has_mount(sub, "tmpfs"));
    CHECK_ERR(umount2(d, 0), EBUSY);
    CHECK(umount2(d, MNT_DETACH) == 0);
    CHECK(!has_mount(d, "tmpfs") && !has_mount(sub, "tmpfs"));
    CHECK_ERR(access(sub, F_OK), ENOENT);

    /* Stacked mounts: the top one goes first. */
    CHECK(mount("none", d, "tmpfs", 0, "mode=0700") == 0);
    CHECK(mount("none", d, "tmpfs", 0, "mode=0711") == 0);
    CHECK(stat(d, &st) == 0 && (st.st_mode & 07777) == 0711);
    CHECK(umount2(d, 0) == 0);
    CHECK(stat(d, &st) == 0 && (st.st_mode & 07777) == 0700);
    CHECK(umount2(d, 0) == 0);

    /* Without CAP_SYS_ADMIN. */
    child_unprivileged(d);
    CHECK(rmdir(d) == 0);
    TEST_OK();
}
