/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bind mounts in a private mount namespace: directories and files, a
 * read-only bind remount, MS_REC, MS_MOVE and their errors. Needs root.
 */
#include "test.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char g_d[] = "/tmp/fs_mount_bind.XXXXXX";

/* g_d/<name> in a static buffer (one of four in rotation). */
static const char *P(const char *name)
{
    static char bufs[4][128];
    static int i;
    char *b = bufs[i++ % 4];

    snprintf(b, 128, "%s/%s", g_d, name);
    return b;
}

static void write_file(const char *path, const char *s)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

    CHECK(fd >= 0);
    CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
    CHECK(close(fd) == 0);
}

static void check_file(const char *path, const char *s)
{
    char buf[64] = { 0 };
    int fd = open(path, O_RDONLY);

    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof(buf) - 1) == (ssize_t)strlen(s));
    CHECK(strcmp(buf, s) == 0);
    CHECK(close(fd) == 0);
}

/* The options field of `path`'s line in /proc/self/mounts contains `opt`. */
static int mount_has_opt(const char *path, const char *opt)
{
    char line[4096];
    FILE *f = fopen("/proc/self/mounts", "r");
    int found = 0;

    CHECK(f != NULL);
    while (fgets(line, sizeof(line), f) != NULL) {
        char mp[1024], opts[1024];

        if (sscanf(line, "%*s %1023s %*s %1023s", mp, opts) != 2 || strcmp(mp, path) != 0)
            continue;
        found = 0;
        for (char *save = NULL, *o = strtok_r(opts, ",", &save); o != NULL;
             o = strtok_r(NULL, ",", &save))
            found |= strcmp(o, opt) == 0;
    }
    fclose(f);
    return found;
}

int main(void)
{
    struct stat a, b;
    int fd;

    CHECK(unshare(CLONE_NEWNS) == 0);
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    CHECK(mkdtemp(g_d) != NULL);
    CHECK(mount("none", g_d, "tmpfs", 0, NULL) == 0);
    CHECK(mkdir(P("a"), 0755) == 0);
    CHECK(mkdir(P("b"), 0755) == 0);
    CHECK(mkdir(P("c"), 0755) == 0);
    CHECK(mkdir(P("e"), 0755) == 0);
    CHECK(mkdir(P("a/sub"), 0755) == 0);
    write_file(P("a/x"), "hello");
    write_file(P("y"), "other");

    /* A directory bind: the same files. */
    CHECK(mount(P("a"), P("b"), NULL, MS_BIND, NULL) == 0);
    check_file(P("b/x"), "hello");
    CHECK(stat(P("a/x"), &a) == 0 && stat(P("b/x"), &b) == 0);
    CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    write_file(P("b/z"), "via b");
    check_file(P("a/z"), "via b");

    /* Read-only through a bind remount; the original stays writable. */
    CHECK(mount(NULL, P("b"), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == 0);
    CHECK(mount_has_opt(P("b"), "ro"));
    CHECK_ERR(open(P("b/x"), O_WRONLY), EROFS);
    CHECK_ERR(open(P("b/new"), O_CREAT | O_WRONLY, 0644), EROFS);
    write_file(P("a/x"), "hello");
    CHECK(mount(NULL, P("b"), NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV, NULL) == 0);
    CHECK(mount_has_opt(P("b"), "rw") && mount_has_opt(P("b"), "nosuid") &&
          mount_has_opt(P("b"), "nodev"));
    CHECK(umount2(P("b"), 0) == 0);

    /* A file bind onto a file; a directory onto a file is ENOTDIR. */
    CHECK(mount(P("a/x"), P("y"), NULL, MS_BIND, NULL) == 0);
    check_file(P("y"), "hello");
    CHECK_ERR(mount(P("a"), P("y"), NULL, MS_BIND, NULL), ENOTDIR);
    CHECK(umount2(P("y"), 0) == 0);
    check_file(P("y"), "other");
    CHECK_ERR(mount(P("a"), P("y"), NULL, MS_BIND, NULL), ENOTDIR);
    CHECK_ERR(mount(P("y"), P("b"), NULL, MS_BIND, NULL), ENOTDIR);

    /* Errors: no source, a missing one. */
    CHECK_ERR(mount("", P("b"), NULL, MS_BIND, NULL), EINVAL);
    CHECK_ERR(mount(NULL, P("b"), NULL, MS_BIND, NULL), EINVAL);
    CHECK_ERR(mount(P("nope"), P("b"), NULL, MS_BIND, NULL), ENOENT);

    /* MS_REC copies the mounts below the source; a plain bind does not. */
    CHECK(mount("none", P("a/sub"), "tmpfs", 0, NULL) == 0);
    write_file(P("a/sub/inner"), "inner");
    CHECK(mount(P("a"), P("b"), NULL, MS_BIND, NULL) == 0);
    CHECK(mount(P("a"), P("c"), NULL, MS_BIND | MS_REC, NULL) == 0);
    CHECK_ERR(access(P("b/sub/inner"), F_OK), ENOENT);
    check_file(P("c/sub/inner"), "inner");
    CHECK(stat(P("a/sub"), &a) == 0 && stat(P("c/sub"), &b) == 0);
    CHECK(a.st_dev == b.st_dev);
    CHECK(stat(P("b/sub"), &b) == 0 && a.st_dev != b.st_dev);

    /* MS_MOVE: the mount leaves c for e. */
    CHECK(mount(P("c"), P("e"), NULL, MS_MOVE, NULL) == 0);
    check_file(P("e/sub/inner"), "inner");
    CHECK_ERR(access(P("c/x"), F_OK), ENOENT);
    CHECK_ERR(mount(P("e/sub/inner"), P("c"), NULL, MS_MOVE, NULL), EINVAL);
    CHECK_ERR(mount(P("e"), P("e/sub"), NULL, MS_MOVE, NULL), ELOOP);

    /* An open file keeps the bind busy. */
    CHECK((fd = open(P("e/x"), O_RDONLY)) >= 0);
    CHECK_ERR(umount2(P("e"), 0), EBUSY);
    CHECK(close(fd) == 0);
    CHECK(umount2(P("e"), MNT_DETACH) == 0);
    CHECK(umount2(P("b"), 0) == 0);
    CHECK(umount2(P("a/sub"), 0) == 0);
    CHECK(umount2(g_d, 0) == 0);
    CHECK(rmdir(g_d) == 0);
    TEST_OK();
}
