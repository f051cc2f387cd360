/* SPDX-License-Identifier: Apache-2.0 */
/*
 * chroot(2) (".." clamped at the new root, EPERM without CAP_SYS_CHROOT)
 * and pivot_root(2) (its EINVAL/EBUSY rules, put_old, the "." "." idiom)
 * in children with private mount namespaces. Needs root.
 */
#include "test.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char g_d[] = "/tmp/fs_mount_pivot.XXXXXX";

static void run(void (*fn)(void))
{
    pid_t pid = fork();
    int st;

    CHECK(pid >= 0);
    if (pid == 0) {
        fn();
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void touch(const char *path)
{
    int fd = open(path, O_CREAT | O_WRONLY, 0644);

    CHECK(fd >= 0);
    CHECK(close(fd) == 0);
}

static void do_chroot(void)
{
    char buf[256], path[128];

    snprintf(path, sizeof(path), "%s/file", g_d);
    CHECK_ERR(chroot(path), ENOTDIR);
    snprintf(path, sizeof(path), "%s/none", g_d);
    CHECK_ERR(chroot(path), ENOENT);
    snprintf(path, sizeof(path), "%s/dir", g_d);
    CHECK(chroot(path) == 0);
    CHECK(access("/marker", F_OK) == 0);
    CHECK(chdir("/") == 0);
    CHECK(chdir("../../..") == 0);
    CHECK(getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, "/") == 0);
    CHECK(access("marker", F_OK) == 0);
    CHECK(access("/../marker", F_OK) == 0);
    CHECK_ERR(access("/tmp", F_OK), ENOENT);
}

static void do_chroot_unprivileged(void)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/dir", g_d);
    CHECK(setresuid(65534, 65534, 65534) == 0);
    CHECK_ERR(chroot(path), EPERM);
    CHECK_ERR(syscall(SYS_pivot_root, path, path), EPERM);
}

static void do_pivot(void)
{
    char newroot[128], old[128], plain[128], outside[128], buf[256];
    struct stat st;

    CHECK(unshare(CLONE_NEWNS) == 0);
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    snprintf(newroot, sizeof(newroot), "%s/root", g_d);
    snprintf(old, sizeof(old), "%s/root/old", g_d);
    snprintf(plain, sizeof(plain), "%s/root/plain", g_d);
    snprintf(outside, sizeof(outside), "%s/out", g_d);
    CHECK(mount("none", newroot, "tmpfs", 0, NULL) == 0);
    CHECK(mount("none", outside, "tmpfs", 0, NULL) == 0);
    CHECK(mkdir(old, 0755) == 0);
    CHECK(mkdir(plain, 0755) == 0);
    touch(strcat(strcpy(buf, newroot), "/newmarker"));

    /* The rules: new_root a mount's root, put_old under it, not the current root's mount. */
    CHECK_ERR(syscall(SYS_pivot_root, plain, plain), EINVAL);
    CHECK_ERR(syscall(SYS_pivot_root, newroot, outside), EINVAL);
    CHECK_ERR(syscall(SYS_pivot_root, "/", "/"), EBUSY);
    CHECK_ERR(syscall(SYS_pivot_root, newroot, "/nonexistent"), ENOENT);
    snprintf(buf, sizeof(buf), "%s/file", g_d);
    CHECK_ERR(syscall(SYS_pivot_root, buf, old), ENOTDIR);

    CHECK(syscall(SYS_pivot_root, newroot, old) == 0);
    /* The old root is at /old now, the new one at /. */
    CHECK(access("/newmarker", F_OK) == 0);
    snprintf(buf, sizeof(buf), "/old%s/dir/marker", g_d);
    CHECK(access(buf, F_OK) == 0);
    CHECK(stat("/old/proc", &st) == 0);
    CHECK(chdir("/") == 0);
    CHECK(umount2("/old", MNT_DETACH) == 0);
    CHECK_ERR(access(buf, F_OK), ENOENT);
    CHECK(access("/newmarker", F_OK) == 0);
}

/* runc's way: pivot_root(".", ".") and unmount the old root from under the new one. */
static void do_pivot_dot(void)
{
    char newroot[128];
    struct stat st;

    CHECK(unshare(CLONE_NEWNS) == 0);
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    snprintf(newroot, sizeof(newroot), "%s/root", g_d);
    CHECK(mount("none", newroot, "tmpfs", 0, NULL) == 0);
    CHECK(mkdir(strcat(strcpy((char[160]){ 0 }, newroot), "/proc"), 0755) == 0);
    touch(strcat(strcpy((char[160]){ 0 }, newroot), "/dotmarker"));
    CHECK(chdir(newroot) == 0);
    CHECK(syscall(SYS_pivot_root, ".", ".") == 0);
    CHECK(umount2(".", MNT_DETACH) == 0);
    CHECK(chdir("/") == 0);
    CHECK(access("/dotmarker", F_OK) == 0);
    /* The old root's /proc is gone: /proc is the new root's empty directory. */
    CHECK(stat("/proc", &st) == 0);
    CHECK_ERR(access("/proc/self", F_OK), ENOENT);
    /* A proc mounted there works. */
    CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0);
    CHECK(access("/proc/self/mountinfo", R_OK) == 0);
}

int main(void)
{
    char path[128];

    CHECK(mkdtemp(g_d) != NULL);
    CHECK(chmod(g_d, 0755) == 0);
    snprintf(path, sizeof(path), "%s/dir", g_d);
    CHECK(mkdir(path, 0755) == 0);
    snprintf(path, sizeof(path), "%s/dir/marker", g_d);
    touch(path);
    snprintf(path, sizeof(path), "%s/file", g_d);
    touch(path);
    snprintf(path, sizeof(path), "%s/root", g_d);
    CHECK(mkdir(path, 0755) == 0);
    snprintf(path, sizeof(path), "%s/out", g_d);
    CHECK(mkdir(path, 0755) == 0);

    run(do_chroot);
    run(do_chroot_unprivileged);
    run(do_pivot);
    run(do_pivot_dot);

    snprintf(path, sizeof(path), "%s/dir/marker", g_d);
    CHECK(unlink(path) == 0);
    snprintf(path, sizeof(path), "%s/dir", g_d);
    CHECK(rmdir(path) == 0);
    snprintf(path, sizeof(path), "%s/file", g_d);
    CHECK(unlink(path) == 0);
    snprintf(path, sizeof(path), "%s/root", g_d);
    CHECK(rmdir(path) == 0);
    snprintf(path, sizeof(path), "%s/out", g_d);
    CHECK(rmdir(path) == 0);
    CHECK(rmdir(g_d) == 0);
    TEST_OK();
}
