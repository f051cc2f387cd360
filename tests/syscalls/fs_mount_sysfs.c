/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mounting sysfs, proc, cgroup2 and mqueue in a private mount namespace
 * (what common programs read there), and unshare(CLONE_NEWNS) giving a
 * child mounts its parent does not see. Needs root.
 */
#include "test.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define SYSFS_MAGIC         0x62656572
#define PROC_SUPER_MAGIC    0x9fa0
#define CGROUP2_SUPER_MAGIC 0x63677270
#define MQUEUE_MAGIC        0x19800202

static char g_d[] = "/tmp/fs_mount_sysfs.XXXXXX";

/* Reads g_d/<name> into buf (NUL-terminated). Returns its length. */
static ssize_t read_file(const char *name, char *buf, size_t size)
{
    char path[256];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", g_d, name);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    n = read(fd, buf, size - 1);
    CHECK(n >= 0);
    buf[n] = '\0';
    CHECK(close(fd) == 0);
    return n;
}

static void check_magic(long magic)
{
    struct statfs sf;

    CHECK(statfs(g_d, &sf) == 0);
    CHECK(sf.f_type == magic);
}

/* "0" or "0-N": returns the count. */
static int cpu_range_count(const char *s)
{
    int last = 0;

    CHECK(s[0] == '0');
    if (s[1] == '-')
        CHECK(sscanf(s + 2, "%d", &last) == 1);
    else
        CHECK(s[1] == '\n');
    return last + 1;
}

static void test_sysfs(void)
{
    char buf[256], path[256];
    struct stat st;
    int n;

    CHECK(mount("sysfs", g_d, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0);
    check_magic(SYSFS_MAGIC);
    read_file("devices/system/cpu/online", buf, sizeof(buf));
    n = cpu_range_count(buf);
    CHECK(n >= 1);
    read_file("devices/system/cpu/possible", buf, sizeof(buf));
    CHECK(cpu_range_count(buf) >= n);
    read_file("devices/system/cpu/present", buf, sizeof(buf));
    CHECK(cpu_range_count(buf) >= n);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d", g_d, i);
        CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    }
    snprintf(path, sizeof(path), "%s/fs/cgroup", g_d);
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    read_file("class/net/lo/mtu", buf, sizeof(buf));
    CHECK(strcmp(buf, "65536\n") == 0);
    read_file("class/net/lo/address", buf, sizeof(buf));
    CHECK(strcmp(buf, "00:00:00:00:00:00\n") == 0);
    read_file("class/net/lo/ifindex", buf, sizeof(buf));
    CHECK(strcmp(buf, "1\n") == 0);
    read_file("kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf));
    CHECK(strchr(buf, '[') != NULL && strstr(buf, "never") != NULL);
    snprintf(path, sizeof(path), "%s/new", g_d);
    CHECK_ERR(mkdir(path, 0755), EROFS);
    CHECK(umount2(g_d, 0) == 0);
}

static void test_proc_cgroup_mqueue(void)
{
    char buf[4096], path[256];

    CHECK(mount("proc", g_d, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0);
    check_magic(PROC_SUPER_MAGIC);
    snprintf(path, sizeof(path), "%s/self/mountinfo", g_d);
    CHECK(access(path, R_OK) == 0);
    CHECK(umount2(g_d, 0) == 0);

    CHECK(mount("cgroup2", g_d, "cgroup2", MS_RDONLY, NULL) == 0);
    check_magic(CGROUP2_SUPER_MAGIC);
    read_file("cgroup.procs", buf, sizeof(buf));
    read_file("cgroup.controllers", buf, sizeof(buf));
    CHECK(umount2(g_d, 0) == 0);

    CHECK(mount("mqueue", g_d, "mqueue", 0, NULL) == 0);
    check_magic(MQUEUE_MAGIC);
    CHECK(umount2(g_d, 0) == 0);
}

/* A child's unshare(CLONE_NEWNS): its mount is its own. */
static void test_unshare(void)
{
    int to_parent[2], to_child[2], st;
    char c, path[256];
    pid_t pid;

    CHECK_ERR(unshare(0x1), EINVAL);
    CHECK(pipe(to_parent) == 0 && pipe(to_child) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(unshare(CLONE_NEWNS) == 0);
        CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
        CHECK(mount("none", g_d, "tmpfs", 0, NULL) == 0);
        snprintf(path, sizeof(path), "%s/child", g_d);
        CHECK(mkdir(path, 0755) == 0);
        CHECK(write(to_parent[1], "x", 1) == 1);
        CHECK(read(to_child[0], &c, 1) == 1);
        CHECK(access(path, F_OK) == 0);
        _exit(0);
    }
    CHECK(read(to_parent[0], &c, 1) == 1);
    snprintf(path, sizeof(path), "%s/child", g_d);
    CHECK_ERR(access(path, F_OK), ENOENT);
    CHECK_ERR(umount2(g_d, 0), EINVAL);
    CHECK(write(to_child[1], "x", 1) == 1);
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    CHECK(mkdtemp(g_d) != NULL);
    /* The parent's namespace is the test's own too: nothing reaches the host's. */
    CHECK(unshare(CLONE_NEWNS) == 0);
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    test_sysfs();
    test_proc_cgroup_mqueue();
    test_unshare();
    CHECK(rmdir(g_d) == 0);
    TEST_OK();
}
