// SPDX-License-Identifier: Apache-2.0
// Tests of sandbox/cgroup.c on fake cgroupfs trees: path choice, limits written, stats read.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fileutil.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"
#include "tap.h"

static char g_tmp[] = "/tmp/test_cgroup.XXXXXX";

static void put(const char *path, const char *data)
{
    FILE *f = fopen(path, "w");

    if (f != NULL) {
        fputs(data, f);
        fclose(f);
    }
}

static char *get(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    size_t n = 0;

    buf[0] = '\0';
    if (f != NULL) {
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    return buf;
}

static void mkdirs(const char *path)
{
    cleanup_error rt_error_t err = NULL;

    rt_mkdir_p(path, 0755, &err);
}

static struct spec_resources *resources(const char *json)
{
    cleanup_error rt_error_t err = NULL;
    struct spec_resources *r = NULL;

    if (specutils_resources_parse(json, strlen(json), &r, &err) < 0)
        tap_diag("resources: %s", rt_error_msg(err));
    return r;
}

static void test_v1(void)
{
    cleanup_error rt_error_t err = NULL;
    cleanup_free char *root = xasprintf("%s/v1", g_tmp);
    struct cgroup *cg = NULL;
    struct cgroup_stats st;
    struct spec_resources *r;
    char p[512];

    static const char *const ctrls[] = { "cpu", "cpuacct", "cpuset", "memory", "pids" };
    for (size_t i = 0; i < ARRAY_SIZE(ctrls); i++) {
        snprintf(p, sizeof(p), "%s/%s/pod/c1", root, ctrls[i]);
        mkdirs(p);
    }
    snprintf(p, sizeof(p), "%s/cpuset/cpuset.cpus", root);
    put(p, "0-1\n");
    snprintf(p, sizeof(p), "%s/cpuset/cpuset.mems", root);
    put(p, "0\n");
    /* A fresh cpuset level is empty, as the kernel makes it. */
    static const char *const files[] = {
        "memory/pod/c1/memory.limit_in_bytes",
        "memory/pod/c1/memory.memsw.limit_in_bytes",
        "cpu/pod/c1/cpu.shares",
        "cpu/pod/c1/cpu.cfs_quota_us",
        "cpu/pod/c1/cpu.cfs_period_us",
        "pids/pod/c1/pids.max",
        "cpuset/pod/cpuset.cpus",
        "cpuset/pod/cpuset.mems",
        "cpuset/pod/c1/cpuset.cpus",
        "cpuset/pod/c1/cpuset.mems",
        "memory/pod/c1/cgroup.procs",
        "cpu/pod/c1/cgroup.procs",
        "cpuacct/pod/c1/cgroup.procs",
        "cpuset/pod/c1/cgroup.procs",
        "pids/pod/c1/cgroup.procs",
    };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        snprintf(p, sizeof(p), "%s/%s", root, files[i]);
        put(p, "");
    }

    tap_ok(cgroup_open(root, "/pod/c1", "c1", &cg, &err) == 0, "v1: open");
    if (cg == NULL)
        return;
    tap_ok(strcmp(cg->ops->name, "v1") == 0, "v1: chosen without cgroup.controllers");
    tap_ok(strcmp(cg->path, "/pod/c1") == 0, "v1: absolute path kept (%s)", cg->path);
    tap_ok(cg->has_controller[3] && !cg->has_controller[5], "v1: memory found, freezer absent");
    tap_ok(cg->ops->create(cg, &err) == 0, "v1: create");
    snprintf(p, sizeof(p), "%s/cpuset/pod/c1/cpuset.cpus", root);
    tap_ok(strcmp(get(p), "0-1") == 0, "v1: cpuset.cpus copied down from the root (%s)", get(p));
    snprintf(p, sizeof(p), "%s/cpuset/pod/cpuset.mems", root);
    tap_ok(strcmp(get(p), "0") == 0, "v1: cpuset.mems copied to the intermediate level");

    r = resources("{\"memory\":{\"limit\":268435456,\"swap\":536870912},"
                  "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000},"
                  "\"pids\":{\"limit\":42}}");
    tap_ok(cg->ops->apply(cg, r, &err) == 0, "v1: apply %s", rt_error_msg(err));
    snprintf(p, sizeof(p), "%s/memory/pod/c1/memory.limit_in_bytes", root);
    tap_ok(strcmp(get(p), "268435456") == 0, "v1: memory.limit_in_bytes");
    snprintf(p, sizeof(p), "%s/memory/pod/c1/memory.memsw.limit_in_bytes", root);
    tap_ok(strcmp(get(p), "536870912") == 0, "v1: memory.memsw.limit_in_bytes");
    snprintf(p, sizeof(p), "%s/cpu/pod/c1/cpu.cfs_quota_us", root);
    tap_ok(strcmp(get(p), "50000") == 0, "v1: cpu.cfs_quota_us");
    snprintf(p, sizeof(p), "%s/cpu/pod/c1/cpu.shares", root);
    tap_ok(strcmp(get(p), "512") == 0, "v1: cpu.shares");
    snprintf(p, sizeof(p), "%s/pids/pod/c1/pids.max", root);
    /* The sentry enforces the limit; the host's pids.max is its backstop, 2 * 42 + 256. */
    tap_ok(strcmp(get(p), "340") == 0, "v1: pids.max is the backstop (%s)", get(p));
    specutils_resources_free(r);
    r = resources("{\"pids\":{\"limit\":0}}");
    tap_ok(cg->ops->apply(cg, r, &err) == 0, "v1: pids limit 0");
    tap_ok(strcmp(get(p), "max") == 0, "v1: pids limit 0 writes max");
    specutils_resources_free(r);

    tap_ok(cg->ops->add_pid(cg, 1234, &err) == 0, "v1: add_pid");
    snprintf(p, sizeof(p), "%s/memory/pod/c1/cgroup.procs", root);
    tap_ok(strcmp(get(p), "1234") == 0, "v1: the pid goes to cgroup.procs");

    snprintf(p, sizeof(p), "%s/cpuacct/pod/c1/cpuacct.usage", root);
    put(p, "5000000\n");
    snprintf(p, sizeof(p), "%s/memory/pod/c1/memory.usage_in_bytes", root);
    put(p, "4096\n");
    snprintf(p, sizeof(p), "%s/pids/pod/c1/pids.current", root);
    put(p, "3\n");
    tap_ok(cg->ops->stats(cg, &st, &err) == 0, "v1: stats");
    tap_ok(st.cpu_total_ns == 5000000 && st.memory_usage == 4096 && st.pids_current == 3,
           "v1: stats read (cpu %llu mem %llu pids %llu)", (unsigned long long)st.cpu_total_ns,
           (unsigned long long)st.memory_usage, (unsigned long long)st.pids_current);
    tap_ok(cg->ops->freeze(cg, true, &err) < 0 && rt_error_status(err) == ENOTSUP,
           "v1: freeze without a freezer hierarchy is ENOTSUP");
    rt_error_release(&err);
    cgroup_free(cg);
}

static void test_v2(void)
{
    cleanup_error rt_error_t err = NULL;
    cleanup_free char *root = xasprintf("%s/v2", g_tmp);
    struct cgroup *cg = NULL;
    struct spec_resources *r;
    char p[512];

    snprintf(p, sizeof(p), "%s/x/c2", root);
    mkdirs(p);
    snprintf(p, sizeof(p), "%s/cgroup.controllers", root);
    put(p, "cpu memory pids\n");
    static const char *const files[] = { "x/c2/memory.max", "x/c2/memory.swap.max",
                                         "x/c2/cpu.weight", "x/c2/cpu.max", "x/c2/pids.max" };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        snprintf(p, sizeof(p), "%s/%s", root, files[i]);
        put(p, "");
    }
    tap_ok(cgroup_open(root, "x/c2", "c2", &cg, &err) == 0, "v2: open");
    if (cg == NULL)
        return;
    tap_ok(strcmp(cg->ops->name, "v2") == 0, "v2: chosen with cgroup.controllers");
    tap_ok(strcmp(cg->path, "/x/c2") == 0, "v2: a relative path in a test tree is from its root");
    r = resources("{\"memory\":{\"limit\":1000,\"swap\":3000},\"cpu\":{\"shares\":1024,"
                  "\"quota\":20000,\"period\":50000},\"pids\":{\"limit\":7}}");
    tap_ok(cg->ops->apply(cg, r, &err) == 0, "v2: apply %s", rt_error_msg(err));
    snprintf(p, sizeof(p), "%s/x/c2/memory.swap.max", root);
    tap_ok(strcmp(get(p), "2000") == 0, "v2: swap.max is swap minus memory (%s)", get(p));
    snprintf(p, sizeof(p), "%s/x/c2/cpu.max", root);
    tap_ok(strcmp(get(p), "20000 50000") == 0, "v2: cpu.max (%s)", get(p));
    snprintf(p, sizeof(p), "%s/x/c2/cpu.weight", root);
    tap_ok(strcmp(get(p), "39") == 0, "v2: cpu.weight from shares 1024 (%s)", get(p));
    snprintf(p, sizeof(p), "%s/x/c2/pids.max", root);
    tap_ok(strcmp(get(p), "270") == 0, "v2: pids.max is the backstop 2 * 7 + 256 (%s)", get(p));
    specutils_resources_free(r);
    cgroup_free(cg);
}

static void test_misc(void)
{
    cleanup_error rt_error_t err = NULL;
    struct cgroup *cg = NULL;

    tap_ok(cgroup_shares_to_weight(2) == 1 && cgroup_shares_to_weight(262144) == 10000,
           "shares to weight: the ends of the range");
    tap_ok(cgroup_pids_backstop(1) == 258 && cgroup_pids_backstop(0) == 0 &&
               cgroup_pids_backstop(-1) == 0 && cgroup_pids_backstop(INT64_MAX) == 0,
           "pids backstop: 2 * limit + 256; none without a limit or past int64");
    tap_ok(cgroup_open(g_tmp, "system.slice:runsc:c1", "c1", &cg, &err) < 0 &&
               rt_error_status(err) == ENOTSUP,
           "systemd slice syntax is refused");
    rt_error_release(&err);
    tap_ok(cgroup_open(g_tmp, "a/../../etc", "c1", &cg, &err) < 0, "`..` is refused");
    rt_error_release(&err);
    tap_ok(cgroup_open(g_tmp, NULL, "myid", &cg, &err) == 0 &&
               strcmp(cg->path, "/runsc-c/myid") == 0,
           "the default path is runsc-c/<id>");
    cgroup_free(cg);
}

int main(void)
{
    if (mkdtemp(g_tmp) == NULL)
        return 1;
    test_v1();
    test_v2();
    test_misc();
    {
        cleanup_error rt_error_t err = NULL;

        rt_remove_tree_at(AT_FDCWD, g_tmp, &err);
    }
    return tap_done();
}
