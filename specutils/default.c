/* SPDX-License-Identifier: Apache-2.0 */
/* The default config.json of `runsc-c spec` (runc's) and the `runsc-c features` document. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specutils/specutils_internal.h"

static json_t *str_array(const char *const *v)
{
    json_t *a = json_array();

    for (size_t i = 0; v[i] != NULL; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *mount(const char *dest, const char *type, const char *source,
                     const char *const *options)
{
    json_t *m = json_pack("{s:s, s:s, s:s}", "destination", dest, "type", type, "source", source);

    if (options != NULL)
        json_object_set_new(m, "options", str_array(options));
    return m;
}

/* Drops "uid=" and "gid=" options, as runc spec --rootless does. */
static const char *const *rootless_options(const char *const *opts, const char **buf, size_t n)
{
    size_t j = 0;

    for (size_t i = 0; opts[i] != NULL && j + 1 < n; i++) {
        if (strncmp(opts[i], "uid=", 4) != 0 && strncmp(opts[i], "gid=", 4) != 0)
            buf[j++] = opts[i];
    }
    buf[j] = NULL;
    return buf;
}

char *specutils_default_spec_json(bool rootless)
{
    static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                                        NULL };
    static const char *const env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL
    };
    static const char *const dev_opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
                                            NULL };
    static const char *const pts_opts[] = { "nosuid",    "noexec", "newinstance", "ptmxmode=0666",
                                            "mode=0620", "gid=5",  NULL };
    static const char *const shm_opts[] = { "nosuid",    "noexec",      "nodev",
                                            "mode=1777", "size=65536k", NULL };
    static const char *const mq_opts[] = { "nosuid", "noexec", "nodev", NULL };
    static const char *const sys_opts[] = { "nosuid", "noexec", "nodev", "ro", NULL };
    static const char *const sys_rbind_opts[] = {
        "rbind", "nosuid", "noexec", "nodev", "ro", NULL
    };
    static const char *const cg_opts[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
    static const char *const masked[] = {
        "/proc/acpi",
        "/proc/asound",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/sys/firmware",
        "/proc/scsi",
        "/sys/devices/virtual/powercap",
        NULL,
    };
    static const char *const readonly[] = { "/proc/bus",           "/proc/fs",
                                            "/proc/irq",           "/proc/sys",
                                            "/proc/sysrq-trigger", NULL };
    static const char *const nss[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", NULL };
    const char *buf[16];
    json_t *spec, *process, *mounts, *linux_obj, *ns;
    char *out;

    process = json_pack("{s:b, s:{s:i, s:i}, s:[s], s:o, s:s, s:{s:o, s:o, s:o}, "
                        "s:[{s:s, s:i, s:i}], s:b}",
                        "terminal", 1, "user", "uid", 0, "gid", 0, "args", "sh", "env",
                        str_array(env), "cwd", "/", "capabilities", "bounding", str_array(caps),
                        "effective", str_array(caps), "permitted", str_array(caps), "rlimits",
                        "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1);

    mounts = json_array();
    json_array_append_new(mounts, mount("/proc", "proc", "proc", NULL));
    json_array_append_new(mounts, mount("/dev", "tmpfs", "tmpfs", dev_opts));
    json_array_append_new(
        mounts, mount("/dev/pts", "devpts", "devpts",
                      rootless ? rootless_options(pts_opts, buf, ARRAY_SIZE(buf)) : pts_opts));
    json_array_append_new(mounts, mount("/dev/shm", "tmpfs", "shm", shm_opts));
    json_array_append_new(mounts, mount("/dev/mqueue", "mqueue", "mqueue", mq_opts));
    if (rootless)
        json_array_append_new(mounts, mount("/sys", "none", "/sys", sys_rbind_opts));
    else
        json_array_append_new(mounts, mount("/sys", "sysfs", "sysfs", sys_opts));
    json_array_append_new(mounts, mount("/sys/fs/cgroup", "cgroup", "cgroup", cg_opts));

    ns = json_array();
    for (size_t i = 0; nss[i] != NULL; i++) {
        if (rootless && strcmp(nss[i], "network") == 0)
            continue;
        json_array_append_new(ns, json_pack("{s:s}", "type", nss[i]));
    }
    linux_obj = json_pack("{s:o, s:o, s:o}", "namespaces", ns, "maskedPaths", str_array(masked),
                          "readonlyPaths", str_array(readonly));
    if (rootless) {
        json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
        json_object_set_new(linux_obj, "uidMappings",
                            json_pack("[{s:I, s:i, s:i}]", "hostID", (json_int_t)geteuid(),
                                      "containerID", 0, "size", 1));
        json_object_set_new(linux_obj, "gidMappings",
                            json_pack("[{s:I, s:i, s:i}]", "hostID", (json_int_t)getegid(),
                                      "containerID", 0, "size", 1));
    } else {
        json_object_set_new(linux_obj, "resources",
                            json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
    }

    spec = json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.2.0", "process",
                     process, "root", "path", "rootfs", "readonly", 1, "hostname", "runsc-c",
                     "mounts", mounts, "linux", linux_obj);
    if (spec == NULL)
        rt_oom();
    out = json_dumps(spec, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(spec);
    if (out == NULL)
        rt_oom();
    return out;
}

char *specutils_features_json(const char *version)
{
    static const char *const hooks[] = {
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
        NULL
    };
    json_t *ns = json_array();
    json_t *doc;
    char *out;

    for (int i = 0; i < SPEC_NS_COUNT_; i++)
        json_array_append_new(ns, json_string(specutils_ns_type_name((enum spec_ns_type)i)));
    doc = json_pack("{s:s, s:s, s:o, s:o, s:{s:o, s:o, s:{s:b, s:b, s:b, s:b}, "
                    "s:{s:b, s:o, s:o, s:o, s:o, s:o}, s:{s:b}, s:{s:b}, s:{s:b}}, "
                    "s:{s:s, s:s, s:s}}",
                    "ociVersionMin", "1.0.0", "ociVersionMax", "1.2.0", "hooks", str_array(hooks),
                    "mountOptions", str_array(g_sp_mount_options), "linux", "namespaces", ns,
                    "capabilities", str_array(specutils_capability_names()), "cgroup", "v1", 1,
                    "v2", 1, "systemd", 0, "systemdUser", 0, "seccomp", "enabled", 1, "actions",
                    str_array(g_sp_seccomp_actions), "operators", str_array(g_sp_seccomp_ops),
                    "archs", str_array(g_sp_seccomp_archs), "knownFlags",
                    str_array(g_sp_seccomp_flags), "supportedFlags", json_array(), "apparmor",
                    "enabled", 0, "selinux", "enabled", 0, "intelRdt", "enabled", 0, "annotations",
                    "io.github.runsc-c.version", version, "io.github.runsc-c.seccomp",
                    "linux.seccomp is applied by the application kernel (sentry) to the sandboxed "
                    "processes, not installed in the host kernel; seccomp flags have no effect",
                    "io.github.runsc-c.cgroup",
                    "cgroupfs only (no systemd cgroup driver); limits apply to the whole sandbox");
    if (doc == NULL)
        rt_oom();
    out = json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (out == NULL)
        rt_oom();
    return out;
}
