// SPDX-License-Identifier: Apache-2.0
// Container cgroups on cgroupfs: the v1 hierarchies and the v2 unified tree, one ops table each.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/syscalls.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

#define CGROUP_DEFAULT_MOUNT "/sys/fs/cgroup"
#define CGROUP_FILE_MAX      65536

const char *const g_cgroup_v1_controllers[CGROUP_V1_MAX_CONTROLLERS] = {
    "cpu", "cpuacct", "cpuset", "memory", "pids", "freezer", "blkio", "devices",
};

enum { V1_CPU, V1_CPUACCT, V1_CPUSET, V1_MEMORY, V1_PIDS, V1_FREEZER, V1_BLKIO, V1_DEVICES };

/* ---- small file helpers ---- */

static int write_str(const char *dir, const char *file, const char *value, rt_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd < 0)
        return rt_make_error(err, errno, "open `%s`", path);
    if (write(fd, value, strlen(value)) < 0)
        return rt_make_error(err, errno, "writing `%s` to `%s`", value, path);
    return 0;
}

static int write_u64(const char *dir, const char *file, uint64_t v, rt_error_t *err)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return write_str(dir, file, buf, err);
}

static int write_i64(const char *dir, const char *file, int64_t v, rt_error_t *err)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return write_str(dir, file, buf, err);
}

/*
 * The host's pids.max for a container pids limit: a backstop only, since
 * the sentry enforces the limit itself (sentry/kernel/pids.c) and its EAGAIN
 * must always come first. Each app task costs the host two tasks (the stub
 * thread that runs it and the sentry thread that serves it), and the
 * sandbox's own tasks count in the same cgroup: the sentry's threads
 * (control connections, up to CONTROL_SERVER_MAX_CONNS_DEFAULT (64) plus the
 * acceptor, the timer thread, the stub factory), the gofer and its threads,
 * the waiter, `runsc-c exec`'d processes (counted but never refused by the
 * sentry, as the pids cgroup lets a process join past its limit) and the host
 * threads of tasks that have left but are not yet gone.
 * CGROUP_PIDS_HEADROOM covers them with room to spare.
 */
#define CGROUP_PIDS_HEADROOM 256

int64_t cgroup_pids_backstop(int64_t limit)
{
    if (limit <= 0 || limit > (INT64_MAX - CGROUP_PIDS_HEADROOM) / 2)
        return 0;
    return 2 * limit + CGROUP_PIDS_HEADROOM;
}

/* Writes pids.max for the spec's limit `limit` (<= 0: "max"): its backstop. */
static int write_pids_max(const char *dir, int64_t limit, rt_error_t *err)
{
    int64_t max = cgroup_pids_backstop(limit);

    return max > 0 ? write_i64(dir, "pids.max", max, err) : write_str(dir, "pids.max", "max", err);
}

/* Reads `dir/file` into a new string with the trailing newline removed; NULL when unreadable. */
static char *read_str(const char *dir, const char *file)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    cleanup_error rt_error_t err = NULL;
    char *data = NULL;
    size_t len = 0;

    if (rt_read_file(path, CGROUP_FILE_MAX, &data, &len, &err) < 0)
        return NULL;
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == ' '))
        data[--len] = '\0';
    return data;
}

/* Reads a number ("max" reads as 0: no limit). Returns false when the file is missing. */
static bool read_u64(const char *dir, const char *file, uint64_t *out)
{
    cleanup_free char *s = read_str(dir, file);

    if (s == NULL)
        return false;
    *out = strcmp(s, "max") == 0 ? 0 : strtoull(s, NULL, 10);
    return true;
}

/* Finds "key value" in a flat-keyed file (cpu.stat, cpuacct.stat). */
static bool read_keyed(const char *dir, const char *file, const char *key, uint64_t *out)
{
    cleanup_free char *s = read_str(dir, file);
    size_t klen = strlen(key);

    if (s == NULL)
        return false;
    for (char *line = s; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');

        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            *out = strtoull(line + klen + 1, NULL, 10);
            return true;
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    return false;
}

static bool is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* rmdir with a few retries: a cgroup stays busy for a moment after its last process exits. */
static int remove_dir(const char *path, rt_error_t *err)
{
    for (int i = 0; i < 50; i++) {
        if (rmdir(path) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        usleep(20000);
    }
    return rt_make_error(err, errno, "rmdir `%s`", path);
}

/*
 * Returns the caller's own cgroup path in the hierarchy whose /proc/self/cgroup
 * controller list contains `controller` ("" for v2's "0::" line), or "/".
 */
static char *own_cgroup(const char *controller)
{
    cleanup_file FILE *f = fopen("/proc/self/cgroup", "re");
    cleanup_free char *line = NULL;
    size_t cap = 0;

    if (f == NULL)
        return xstrdup("/");
    while (getline(&line, &cap, f) > 0) {
        char *ctrls = strchr(line, ':');
        char *path = ctrls != NULL ? strchr(ctrls + 1, ':') : NULL;
        char *nl;

        if (path == NULL)
            continue;
        *path++ = '\0';
        ctrls++;
        if ((nl = strchr(path, '\n')) != NULL)
            *nl = '\0';
        if (controller[0] == '\0') {
            if (ctrls[0] == '\0')
                return xstrdup(path);
            continue;
        }
        for (char *save = NULL, *c = strtok_r(ctrls, ",", &save); c != NULL;
             c = strtok_r(NULL, ",", &save)) {
            if (strcmp(c, controller) == 0)
                return xstrdup(path);
        }
    }
    return xstrdup("/");
}

/* ---- v1 ---- */

/* The v1 directory of controller `i`; the path is either absolute or below the caller's own. */
static char *v1_dir(const struct cgroup *cg, int i)
{
    return xasprintf("%s/%s%s", cg->mount_root, g_cgroup_v1_controllers[i], cg->path);
}

/* cpuset needs cpus and mems before a task may join: copy them down from the first parent that has
 * them. */
static int v1_cpuset_init(const char *dir, const char *root, rt_error_t *err)
{
    static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

    for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
        cleanup_free char *cur = read_str(dir, files[f]);
        cleanup_free char *parent = NULL;

        if (cur == NULL || cur[0] != '\0')
            continue;
        /* Walk up until a non-empty value (the hierarchy root always has one). */
        parent = xstrdup(dir);
        for (;;) {
            char *slash = strrchr(parent, '/');
            cleanup_free char *v = NULL;

            if (slash == NULL || strlen(parent) <= strlen(root))
                break;
            *slash = '\0';
            v = read_str(parent, files[f]);
            if (v != NULL && v[0] != '\0') {
                /* Now write it down every level from there to `dir`. */
                size_t plen = strlen(parent);

                for (char *p = strchr(dir + plen + 1, '/');; p = strchr(p + 1, '/')) {
                    cleanup_free char *lvl =
                        p != NULL ? xstrndup(dir, (size_t)(p - dir)) : xstrdup(dir);
                    cleanup_free char *lv = read_str(lvl, files[f]);

                    if (lv != NULL && lv[0] == '\0' && write_str(lvl, files[f], v, err) < 0)
                        return -1;
                    if (p == NULL)
                        break;
                }
                break;
            }
        }
    }
    return 0;
}

static int v1_create(struct cgroup *cg, rt_error_t *err)
{
    for (int i = 0; i < CGROUP_V1_MAX_CONTROLLERS; i++) {
        cleanup_free char *dir = NULL;
        cleanup_free char *root = NULL;

        if (!cg->has_controller[i])
            continue;
        dir = v1_dir(cg, i);
        if (rt_mkdir_p(dir, 0755, err) < 0)
            return rt_error_wrap(err, "creating cgroup `%s`", dir);
        if (i == V1_CPUSET) {
            root = xasprintf("%s/cpuset", cg->mount_root);
            if (v1_cpuset_init(dir, root, err) < 0)
                return rt_error_wrap(err, "initialising cpuset `%s`", dir);
        }
    }
    return 0;
}

static int v1_apply(struct cgroup *cg, const struct spec_resources *r, rt_error_t *err)
{
    if (r == NULL)
        return 0;
    if (r->memory != NULL && cg->has_controller[V1_MEMORY]) {
        cleanup_free char *dir = v1_dir(cg, V1_MEMORY);
        const struct spec_memory *m = r->memory;

        /*
         * memsw (memory + swap) must stay >= the memory limit: when raising,
         * memsw goes first; when lowering, the memory limit goes first. Try in
         * one order and fall back to the other.
         */
        if (m->has_limit && m->has_swap) {
            cleanup_error rt_error_t e = NULL;

            if (write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, &e) < 0) {
                rt_error_release(&e);
                if (write_i64(dir, "memory.limit_in_bytes", m->limit, err) < 0 ||
                    write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, err) < 0)
                    return -1;
            } else if (write_i64(dir, "memory.limit_in_bytes", m->limit, err) < 0) {
                return -1;
            }
        } else if (m->has_limit) {
            if (write_i64(dir, "memory.limit_in_bytes", m->limit, err) < 0)
                return -1;
        } else if (m->has_swap) {
            if (write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, err) < 0)
                return -1;
        }
        if (m->has_reservation &&
            write_i64(dir, "memory.soft_limit_in_bytes", m->reservation, err) < 0)
            return -1;
        if (m->has_swappiness && write_u64(dir, "memory.swappiness", m->swappiness, err) < 0)
            return -1;
    }
    if (r->cpu != NULL) {
        const struct spec_cpu *c = r->cpu;

        if (cg->has_controller[V1_CPU]) {
            cleanup_free char *dir = v1_dir(cg, V1_CPU);

            if (c->has_shares && c->shares != 0 && write_u64(dir, "cpu.shares", c->shares, err) < 0)
                return -1;
            /* The period first: a quota is checked against the current period. */
            if (c->has_period && c->period != 0 &&
                write_u64(dir, "cpu.cfs_period_us", c->period, err) < 0)
                return -1;
            if (c->has_quota && write_i64(dir, "cpu.cfs_quota_us", c->quota, err) < 0)
                return -1;
        }
        if (cg->has_controller[V1_CPUSET]) {
            cleanup_free char *dir = v1_dir(cg, V1_CPUSET);

            if (c->cpus != NULL && c->cpus[0] != '\0' &&
                write_str(dir, "cpuset.cpus", c->cpus, err) < 0)
                return -1;
            if (c->mems != NULL && c->mems[0] != '\0' &&
                write_str(dir, "cpuset.mems", c->mems, err) < 0)
                return -1;
        }
    }
    if (r->pids != NULL && r->pids->has_limit && cg->has_controller[V1_PIDS]) {
        cleanup_free char *dir = v1_dir(cg, V1_PIDS);

        if (write_pids_max(dir, r->pids->limit, err) < 0)
            return -1;
    }
    return 0;
}

static int v1_add_pid(struct cgroup *cg, pid_t pid, rt_error_t *err)
{
    for (int i = 0; i < CGROUP_V1_MAX_CONTROLLERS; i++) {
        cleanup_free char *dir = NULL;

        if (!cg->has_controller[i])
            continue;
        dir = v1_dir(cg, i);
        if (write_i64(dir, "cgroup.procs", pid, err) < 0)
            return -1;
    }
    return 0;
}

static int v1_stats(struct cgroup *cg, struct cgroup_stats *out, rt_error_t *err)
{
    memset(out, 0, sizeof(*out));
    (void)err;
    if (cg->has_controller[V1_CPUACCT]) {
        cleanup_free char *dir = v1_dir(cg, V1_CPUACCT);
        long hz = sysconf(_SC_CLK_TCK);
        uint64_t ticks;

        read_u64(dir, "cpuacct.usage", &out->cpu_total_ns);
        if (hz <= 0)
            hz = 100;
        if (read_keyed(dir, "cpuacct.stat", "user", &ticks))
            out->cpu_user_ns = ticks * (1000000000ull / (uint64_t)hz);
        if (read_keyed(dir, "cpuacct.stat", "system", &ticks))
            out->cpu_system_ns = ticks * (1000000000ull / (uint64_t)hz);
    }
    if (cg->has_controller[V1_MEMORY]) {
        cleanup_free char *dir = v1_dir(cg, V1_MEMORY);

        read_u64(dir, "memory.usage_in_bytes", &out->memory_usage);
        read_u64(dir, "memory.max_usage_in_bytes", &out->memory_max_usage);
        read_u64(dir, "memory.limit_in_bytes", &out->memory_limit);
        /* "Unlimited" in v1 is a huge page-rounded number. */
        if (out->memory_limit >= (UINT64_C(1) << 62))
            out->memory_limit = 0;
    }
    if (cg->has_controller[V1_PIDS]) {
        cleanup_free char *dir = v1_dir(cg, V1_PIDS);

        read_u64(dir, "pids.current", &out->pids_current);
        read_u64(dir, "pids.max", &out->pids_limit);
    }
    return 0;
}

static int v1_freeze(struct cgroup *cg, bool frozen, rt_error_t *err)
{
    cleanup_free char *dir = NULL;
    const char *want = frozen ? "FROZEN" : "THAWED";

    if (!cg->has_controller[V1_FREEZER])
        return rt_make_error(err, ENOTSUP, "no freezer cgroup hierarchy");
    dir = v1_dir(cg, V1_FREEZER);
    if (write_str(dir, "freezer.state", want, err) < 0)
        return -1;
    /* FREEZING means some task has not stopped yet: wait for it (up to 5 s). */
    for (int i = 0; i < 500; i++) {
        cleanup_free char *s = read_str(dir, "freezer.state");

        if (s == NULL || strcmp(s, want) == 0)
            return 0;
        if (frozen && write_str(dir, "freezer.state", want, err) < 0)
            return -1;
        usleep(10000);
    }
    return rt_make_error(err, ETIMEDOUT, "cgroup `%s` did not reach %s", dir, want);
}

static int v1_destroy(struct cgroup *cg, rt_error_t *err)
{
    int ret = 0;

    for (int i = 0; i < CGROUP_V1_MAX_CONTROLLERS; i++) {
        cleanup_free char *dir = NULL;
        cleanup_error rt_error_t e = NULL;

        if (!cg->has_controller[i])
            continue;
        dir = v1_dir(cg, i);
        if (remove_dir(dir, &e) < 0 && ret == 0) {
            *err = steal_pointer(&e);
            ret = -1;
        }
    }
    return ret;
}

const struct cgroup_ops g_cgroup_v1_ops = {
    .name = "v1",
    .create = v1_create,
    .apply = v1_apply,
    .add_pid = v1_add_pid,
    .stats = v1_stats,
    .freeze = v1_freeze,
    .destroy = v1_destroy,
};

/* ---- v2 ---- */

static char *v2_dir(const struct cgroup *cg)
{
    return xasprintf("%s%s", cg->mount_root, cg->path);
}

/* Enables the controllers we use in every parent's subtree_control, top down. */
static int v2_enable_controllers(const struct cgroup *cg, rt_error_t *err)
{
    static const char *const wanted[] = { "cpu", "cpuset", "memory", "pids" };
    cleanup_free char *avail = read_str(cg->mount_root, "cgroup.controllers");
    cleanup_free char *dir = v2_dir(cg);
    size_t root_len = strlen(cg->mount_root);

    if (avail == NULL)
        return 0;
    /* Every ancestor of the new directory, the hierarchy root included. */
    for (char *p = dir + root_len;; p = strchr(p + 1, '/')) {
        cleanup_free char *lvl = NULL;

        if (p == NULL)
            break;
        lvl = xstrndup(dir, (size_t)(p - dir) == 0 ? 1 : (size_t)(p - dir));
        if (strlen(lvl) < root_len)
            continue;
        for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
            cleanup_free char *val = xasprintf("+%s", wanted[i]);
            cleanup_free char *have = read_str(lvl, "cgroup.controllers");
            cleanup_error rt_error_t e = NULL;

            if (have == NULL || strstr(have, wanted[i]) == NULL)
                continue;
            /* EBUSY etc.: a level with processes of its own cannot delegate; not fatal. */
            if (write_str(lvl, "cgroup.subtree_control", val, &e) < 0)
                log_debug("cgroup: %s", rt_error_msg(e));
        }
    }
    (void)err;
    return 0;
}

static int v2_create(struct cgroup *cg, rt_error_t *err)
{
    cleanup_free char *dir = v2_dir(cg);

    if (rt_mkdir_p(dir, 0755, err) < 0)
        return rt_error_wrap(err, "creating cgroup `%s`", dir);
    return v2_enable_controllers(cg, err);
}

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares < 2)
        shares = 2;
    if (shares > 262144)
        shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

static int v2_apply(struct cgroup *cg, const struct spec_resources *r, rt_error_t *err)
{
    cleanup_free char *dir = v2_dir(cg);

    if (r == NULL)
        return 0;
    if (r->memory != NULL) {
        const struct spec_memory *m = r->memory;

        if (m->has_limit && (m->limit > 0 ? write_i64(dir, "memory.max", m->limit, err) < 0
                                          : write_str(dir, "memory.max", "max", err) < 0))
            return -1;
        /* OCI's swap is memory + swap; v2's memory.swap.max is swap alone. */
        if (m->has_swap) {
            int64_t swap = m->swap;

            if (swap > 0 && m->has_limit && m->limit > 0)
                swap = swap >= m->limit ? swap - m->limit : 0;
            if (swap > 0 ? write_i64(dir, "memory.swap.max", swap, err) < 0
                         : write_str(dir, "memory.swap.max", swap == 0 ? "0" : "max", err) < 0)
                return -1;
        }
        if (m->has_reservation && m->reservation > 0 &&
            write_i64(dir, "memory.low", m->reservation, err) < 0)
            return -1;
    }
    if (r->cpu != NULL) {
        const struct spec_cpu *c = r->cpu;

        if (c->has_shares && c->shares != 0 &&
            write_u64(dir, "cpu.weight", cgroup_shares_to_weight(c->shares), err) < 0)
            return -1;
        if (c->has_quota || c->has_period) {
            char buf[64];
            uint64_t period = c->has_period && c->period != 0 ? c->period : 100000;

            if (c->has_quota && c->quota > 0)
                snprintf(buf, sizeof(buf), "%" PRId64 " %" PRIu64, c->quota, period);
            else
                snprintf(buf, sizeof(buf), "max %" PRIu64, period);
            if (write_str(dir, "cpu.max", buf, err) < 0)
                return -1;
        }
        if (c->cpus != NULL && c->cpus[0] != '\0' &&
            write_str(dir, "cpuset.cpus", c->cpus, err) < 0)
            return -1;
        if (c->mems != NULL && c->mems[0] != '\0' &&
            write_str(dir, "cpuset.mems", c->mems, err) < 0)
            return -1;
    }
    if (r->pids != NULL && r->pids->has_limit && write_pids_max(dir, r->pids->limit, err) < 0)
        return -1;
    for (size_t i = 0; i < r->unified.n; i++) {
        if (strchr(r->unified.v[i].key, '/') != NULL)
            return rt_make_error(err, EINVAL, "unified: bad cgroup file name `%s`",
                                 r->unified.v[i].key);
        if (write_str(dir, r->unified.v[i].key, r->unified.v[i].value, err) < 0)
            return -1;
    }
    return 0;
}

static int v2_add_pid(struct cgroup *cg, pid_t pid, rt_error_t *err)
{
    cleanup_free char *dir = v2_dir(cg);

    return write_i64(dir, "cgroup.procs", pid, err);
}

static int v2_stats(struct cgroup *cg, struct cgroup_stats *out, rt_error_t *err)
{
    cleanup_free char *dir = v2_dir(cg);
    uint64_t us;

    (void)err;
    memset(out, 0, sizeof(*out));
    if (read_keyed(dir, "cpu.stat", "usage_usec", &us))
        out->cpu_total_ns = us * 1000;
    if (read_keyed(dir, "cpu.stat", "user_usec", &us))
        out->cpu_user_ns = us * 1000;
    if (read_keyed(dir, "cpu.stat", "system_usec", &us))
        out->cpu_system_ns = us * 1000;
    read_u64(dir, "memory.current", &out->memory_usage);
    read_u64(dir, "memory.peak", &out->memory_max_usage);
    read_u64(dir, "memory.max", &out->memory_limit);
    read_u64(dir, "pids.current", &out->pids_current);
    read_u64(dir, "pids.max", &out->pids_limit);
    return 0;
}

static int v2_freeze(struct cgroup *cg, bool frozen, rt_error_t *err)
{
    cleanup_free char *dir = v2_dir(cg);

    if (write_str(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    for (int i = 0; i < 500; i++) {
        uint64_t v;

        if (!read_keyed(dir, "cgroup.events", "frozen", &v) || (v != 0) == frozen)
            return 0;
        usleep(10000);
    }
    return rt_make_error(err, ETIMEDOUT, "cgroup `%s` did not %s", dir, frozen ? "freeze" : "thaw");
}

static int v2_destroy(struct cgroup *cg, rt_error_t *err)
{
    cleanup_free char *dir = v2_dir(cg);

    return remove_dir(dir, err);
}

const struct cgroup_ops g_cgroup_v2_ops = {
    .name = "v2",
    .create = v2_create,
    .apply = v2_apply,
    .add_pid = v2_add_pid,
    .stats = v2_stats,
    .freeze = v2_freeze,
    .destroy = v2_destroy,
};

/* ---- choosing ---- */

/* Joins `base` and `rel` with exactly one '/', dropping a trailing one. */
static char *join_path(const char *base, const char *rel)
{
    char *p;
    size_t n;

    while (*rel == '/')
        rel++;
    p = xasprintf("%s/%s", strcmp(base, "/") == 0 ? "" : base, rel);
    n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    return p;
}

static bool is_safe_path(const char *p)
{
    for (const char *s = p; *s != '\0';) {
        const char *slash = strchr(s, '/');
        size_t len = slash != NULL ? (size_t)(slash - s) : strlen(s);

        if ((len == 2 && strncmp(s, "..", 2) == 0) || (len == 1 && s[0] == '.'))
            return false;
        if (slash == NULL)
            break;
        s = slash + 1;
    }
    return true;
}

int cgroup_open(const char *mount_root, const char *cgroups_path, const char *id,
                struct cgroup **out, rt_error_t *err)
{
    cleanup_free char *v2probe = NULL;
    cleanup_free char *rel = NULL;
    struct cgroup *cg;
    bool v2;

    if (mount_root == NULL)
        mount_root = CGROUP_DEFAULT_MOUNT;
    if (cgroups_path != NULL && strchr(cgroups_path, ':') != NULL)
        return rt_make_error(err, ENOTSUP,
                             "cgroupsPath `%s`: systemd slices are not supported (cgroupfs only)",
                             cgroups_path);
    rel = cgroups_path != NULL && cgroups_path[0] != '\0' ? xstrdup(cgroups_path)
                                                          : xasprintf("runsc-c/%s", id);
    if (!is_safe_path(rel))
        return rt_make_error(err, EINVAL, "cgroupsPath `%s`: `.` and `..` are not allowed", rel);
    v2probe = xasprintf("%s/cgroup.controllers", mount_root);
    v2 = access(v2probe, F_OK) == 0;

    cg = xmalloc0(sizeof(*cg));
    cg->ops = v2 ? &g_cgroup_v2_ops : &g_cgroup_v1_ops;
    cg->mount_root = xstrdup(mount_root);
    if (rel[0] == '/') {
        cg->path = join_path("/", rel);
    } else {
        /*
         * Below our own cgroup. v1 hierarchies may place us differently per
         * controller; the memory one is what a supervisor limits, so it decides.
         */
        cleanup_free char *own = own_cgroup(v2 ? "" : "memory");

        if (strcmp(mount_root, CGROUP_DEFAULT_MOUNT) != 0) {
            free(own);
            own = xstrdup("/"); /* a test tree: /proc/self/cgroup does not describe it */
        }
        cg->path = join_path(own, rel);
    }
    if (!v2) {
        for (int i = 0; i < CGROUP_V1_MAX_CONTROLLERS; i++) {
            cleanup_free char *d = xasprintf("%s/%s", mount_root, g_cgroup_v1_controllers[i]);

            cg->has_controller[i] = is_dir(d);
        }
    }
    *out = cg;
    return 0;
}

int cgroup_open_own(struct cgroup **out, rt_error_t *err)
{
    struct cgroup *cg;

    if (cgroup_open(NULL, "/", "own", &cg, err) < 0)
        return -1;
    free(cg->path);
    cg->path = own_cgroup(cg->ops == &g_cgroup_v2_ops ? "" : "memory");
    *out = cg;
    return 0;
}

void cgroup_free(struct cgroup *cg)
{
    if (cg == NULL)
        return;
    free(cg->mount_root);
    free(cg->path);
    free(cg);
}

/* ---- killing what is left ---- */

/* The directories whose cgroup.procs list the cgroup's processes; returns how many. */
static size_t procs_dirs(const struct cgroup *cg, char **dirs)
{
    size_t n = 0;

    if (cg->ops == &g_cgroup_v2_ops) {
        dirs[n++] = v2_dir(cg);
        return n;
    }
    for (int i = 0; i < CGROUP_V1_MAX_CONTROLLERS; i++) {
        if (cg->has_controller[i])
            dirs[n++] = v1_dir(cg, i);
    }
    return n;
}

/* Returns true when `dir`/cgroup.procs lists `pid`. */
static bool procs_has(const char *dir, pid_t pid)
{
    cleanup_free char *procs = read_str(dir, "cgroup.procs");

    for (char *p = procs, *next; p != NULL && *p != '\0'; p = next) {
        long v = strtol(p, &next, 10);

        if (next == p)
            break;
        if (v == pid)
            return true;
        while (*next == '\n')
            next++;
    }
    return false;
}

/*
 * One pass over `dir`/cgroup.procs: SIGKILL to each process but ourselves.
 * The pid is pinned with a pidfd and then checked to still be listed, so a
 * pid recycled since the read is never hit. Returns how many were listed.
 */
static size_t kill_listed(const char *dir)
{
    cleanup_free char *procs = read_str(dir, "cgroup.procs");
    size_t n = 0;

    for (char *p = procs, *next; p != NULL && *p != '\0'; p = next) {
        long v = strtol(p, &next, 10);
        int pidfd;

        if (next == p)
            break;
        while (*next == '\n')
            next++;
        if (v <= 0 || v == getpid())
            continue;
        n++;
        pidfd = rt_sys_pidfd_open((pid_t)v, 0);
        if (pidfd < 0)
            continue; /* gone already */
        if (procs_has(dir, (pid_t)v))
            rt_sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        close(pidfd);
    }
    return n;
}

/* Returns true when `cg` is the root or a strict ancestor of our own cgroup. */
static bool holds_more_than_a_container(const struct cgroup *cg)
{
    cleanup_free char *own = own_cgroup(cg->ops == &g_cgroup_v2_ops ? "" : "memory");
    size_t len = strlen(cg->path);

    while (len > 0 && cg->path[len - 1] == '/')
        len--;
    if (len == 0)
        return true;
    return strncmp(own, cg->path, len) == 0 && own[len] == '/';
}

int cgroup_kill_all(struct cgroup *cg, rt_error_t *err)
{
    char *dirs[CGROUP_V1_MAX_CONTROLLERS + 1] = { NULL };
    size_t ndirs;
    int ret = 0;

    /* A cgroupsPath of "/" or of our own parent would take the host's processes along. */
    if (holds_more_than_a_container(cg))
        return rt_make_error(err, EPERM,
                             "not killing the processes of cgroup `%s`: it is the root or holds "
                             "runsc-c itself",
                             cg->path);
    ndirs = procs_dirs(cg, dirs);

    /* Up to 2 s: a killed process stays listed until it has been reaped. */
    for (int round = 0;; round++) {
        size_t left = 0;

        for (size_t i = 0; i < ndirs; i++)
            left += kill_listed(dirs[i]);
        if (left == 0)
            break;
        if (round == 200) {
            ret = rt_make_error(err, EBUSY, "%zu processes of cgroup `%s` survive SIGKILL", left,
                                cg->path);
            break;
        }
        usleep(10000);
    }
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i]);
    return ret;
}
