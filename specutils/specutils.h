/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI runtime spec (1.0-1.2) as plain C structs: parsing, validation and lookups. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/*
 * What specutils accepts (everything else is rejected with a message that
 * names the JSON path, e.g. "linux.namespaces[2].type: unknown namespace \"foo\""):
 *
 * - ociVersion: "1.0.N", "1.1.N" or "1.2.N" (N decimal digits), optionally
 *   followed by a semver pre-release ("-rc.1", "-dev") or build ("+abc") suffix.
 * - root and root.path are required: the spec only lets them be absent for
 *   Windows Hyper-V containers, which this runtime does not run.
 * - process is required: the spec makes it optional until `start`, and every
 *   caller of specutils_parse creates a container.
 * - Unknown fields are ignored (the spec requires it); JSON null counts as absent.
 * - Duplicate object keys, invalid UTF-8, NUL bytes inside strings, reals or
 *   out-of-range integers where an integer of a given C type is expected,
 *   nesting deeper than jansson's limit (2048) are rejected.
 * - Size limits: the file SPECUTILS_MAX_CONFIG_SIZE, args/env/hook args
 *   entries Linux's MAX_ARG_STRLEN including the NUL, paths PATH_MAX
 *   including the NUL, any other string SPECUTILS_MAX_STRING, any array or
 *   map SPECUTILS_MAX_ARRAY entries.
 * - Integers above INT64_MAX (e.g. an rlimit of 18446744073709551615 =
 *   RLIM_INFINITY) are accepted where the spec says uint64.
 */
#define SPECUTILS_MAX_CONFIG_SIZE (16u << 20) /* 16 MiB */
#define SPECUTILS_MAX_STRING      (1u << 20)  /* 1 MiB */
#define SPECUTILS_MAX_ARRAY       65536u
#define SPECUTILS_MAX_ARG_STRLEN  131072u /* Linux MAX_ARG_STRLEN, NUL included */
#define SPECUTILS_MAX_PATH        4096u   /* Linux PATH_MAX, NUL included */
#define SPECUTILS_MAX_HOSTNAME    64u     /* Linux HOST_NAME_MAX (also the domainname limit) */

/* A list of owned strings; `v` is NULL-terminated when n > 0 and NULL when n == 0. */
struct spec_strv {
    char **v;
    size_t n;
};

/* An ordered list of owned key/value strings (annotations, sysctl, unified). */
struct spec_kv {
    char *key;
    char *value;
};

struct spec_kv_list {
    struct spec_kv *v;
    size_t n;
};

struct spec_id_mapping {
    uint32_t container_id;
    uint32_t host_id;
    uint32_t size; /* > 0 */
};

struct spec_id_mappings {
    struct spec_id_mapping *v;
    size_t n;
};

/* process.user */
struct spec_user {
    uint32_t uid;
    uint32_t gid;
    bool has_umask;
    uint32_t umask; /* <= 0777 */
    uint32_t *additional_gids;
    size_t n_additional_gids;
    char *username; /* NULL when absent */
};

/* process.capabilities; each mask has bit (1 << CAP_X) for each listed name. */
struct spec_capabilities {
    struct spec_strv bounding, effective, inheritable, permitted, ambient;
    uint64_t bounding_mask, effective_mask, inheritable_mask, permitted_mask, ambient_mask;
};

struct spec_rlimit {
    char *type;   /* "RLIMIT_NOFILE" */
    int resource; /* RLIMIT_NOFILE */
    uint64_t hard;
    uint64_t soft; /* <= hard */
};

/* process.scheduler (1.2) */
struct spec_scheduler {
    char *policy; /* "SCHED_OTHER", ... (required) */
    int policy_num;
    bool has_nice;
    int32_t nice; /* -20..19 */
    bool has_priority;
    int32_t priority;
    struct spec_strv flags; /* "SCHED_FLAG_RESET_ON_FORK", ... */
    bool has_runtime, has_deadline, has_period;
    uint64_t runtime, deadline, period;
};

/* process.ioPriority (1.2) */
struct spec_io_priority {
    char *class_name; /* "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE" or "IOPRIO_CLASS_IDLE" */
    int class_num;    /* IOPRIO_CLASS_RT = 1, BE = 2, IDLE = 3 */
    int32_t priority; /* 0..7 */
};

/* An OCI process object (config.json's process, or exec's --process file). */
struct spec_process {
    bool terminal;
    bool has_console_size;
    uint32_t console_height, console_width; /* <= 65535 (struct winsize) */
    struct spec_user user;
    struct spec_strv args;                  /* non-empty */
    char *command_line;                     /* Windows only; parsed and ignored. NULL when absent */
    struct spec_strv env;                   /* each "NAME=VALUE" with a non-empty NAME */
    char *cwd;                              /* absolute */
    struct spec_capabilities *capabilities; /* NULL when absent */
    struct spec_rlimit *rlimits;
    size_t n_rlimits; /* no duplicate types */
    bool no_new_privileges;
    char *apparmor_profile; /* NULL when absent */
    bool has_oom_score_adj;
    int oom_score_adj;                    /* -1000..1000 */
    char *selinux_label;                  /* NULL when absent */
    struct spec_io_priority *io_priority; /* NULL when absent */
    struct spec_scheduler *scheduler;     /* NULL when absent */
    char *exec_cpu_affinity_initial;      /* 1.2 execCPUAffinity.initial, NULL when absent */
    char *exec_cpu_affinity_final;        /* 1.2 execCPUAffinity.final, NULL when absent */
};

struct spec_root {
    char *path;          /* as written in config.json (never NULL after parse) */
    char *resolved_path; /* absolute: path itself when absolute, else set by specutils_load */
    bool readonly;
};

struct spec_mount {
    char *destination; /* absolute */
    char *type;        /* NULL when absent */
    char *source;      /* NULL when absent */
    struct spec_strv options;
    struct spec_id_mappings uid_mappings, gid_mappings;
};

struct spec_hook {
    char *path; /* absolute */
    struct spec_strv args, env;
    bool has_timeout;
    int timeout; /* seconds, > 0 */
};

struct spec_hook_list {
    struct spec_hook *v;
    size_t n;
};

struct spec_hooks {
    struct spec_hook_list prestart, create_runtime, create_container, start_container, poststart,
        poststop;
};

enum spec_ns_type {
    SPEC_NS_PID = 0,
    SPEC_NS_NETWORK,
    SPEC_NS_MOUNT,
    SPEC_NS_IPC,
    SPEC_NS_UTS,
    SPEC_NS_USER,
    SPEC_NS_CGROUP,
    SPEC_NS_TIME,
    SPEC_NS_COUNT_,
};

struct spec_namespace {
    enum spec_ns_type type;
    char *path; /* absolute path of a namespace to join, NULL to create a new one */
};

struct spec_time_offset {
    char *clock; /* "boottime" or "monotonic" */
    int64_t secs;
    uint32_t nanosecs; /* < 1000000000 */
};

/* linux.devices[] */
struct spec_device {
    char *path; /* absolute */
    char *type; /* "c", "b", "u" or "p" */
    char type_char;
    int64_t major, minor; /* required unless type is "p" */
    bool has_file_mode;
    uint32_t file_mode; /* <= 07777 */
    bool has_uid, has_gid;
    uint32_t uid, gid;
};

/* linux.resources.devices[] */
struct spec_device_rule {
    bool allow;
    char type; /* 'a' (also when absent), 'c' or 'b' */
    bool has_major, has_minor;
    int64_t major, minor; /* -1 (or absent) means any */
    char *access;         /* subset of "rwm"; NULL when absent (all) */
};

struct spec_memory {
    bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
    int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1 = unlimited */
    uint64_t swappiness;                                  /* 0..100 */
    bool has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
    bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct spec_cpu {
    bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime, has_realtime_period,
        has_idle;
    uint64_t shares;
    int64_t quota; /* -1 = unlimited */
    uint64_t burst, period;
    int64_t realtime_runtime;
    uint64_t realtime_period;
    int64_t idle;
    char *cpus; /* "0-3,5", NULL when absent */
    char *mems;
};

struct spec_pids {
    bool has_limit;
    int64_t limit; /* <= 0 means unlimited */
};

struct spec_weight_device {
    int64_t major, minor;
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
};

struct spec_throttle_device {
    int64_t major, minor;
    uint64_t rate;
};

struct spec_throttle_list {
    struct spec_throttle_device *v;
    size_t n;
};

struct spec_block_io {
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
    struct spec_weight_device *weight_device;
    size_t n_weight_device;
    struct spec_throttle_list throttle_read_bps, throttle_write_bps, throttle_read_iops,
        throttle_write_iops;
};

struct spec_hugepage_limit {
    char *page_size; /* "2MB" */
    uint64_t limit;
};

struct spec_net_priority {
    char *name;
    uint32_t priority;
};

struct spec_network {
    bool has_class_id;
    uint32_t class_id;
    struct spec_net_priority *priorities;
    size_t n_priorities;
};

struct spec_rdma {
    char *device;
    bool has_hca_handles, has_hca_objects;
    uint32_t hca_handles, hca_objects;
};

/* linux.resources, also the body of `update --resources`. Absent sub-objects are NULL. */
struct spec_resources {
    struct spec_device_rule *devices;
    size_t n_devices;
    struct spec_memory *memory;
    struct spec_cpu *cpu;
    struct spec_pids *pids;
    struct spec_block_io *block_io;
    struct spec_hugepage_limit *hugepage_limits;
    size_t n_hugepage_limits;
    struct spec_network *network;
    struct spec_rdma *rdma;
    size_t n_rdma;
    struct spec_kv_list unified; /* cgroup v2 file name -> value */
};

enum spec_seccomp_action {
    SPEC_SCMP_ACT_KILL = 0, /* = KILL_THREAD */
    SPEC_SCMP_ACT_KILL_PROCESS,
    SPEC_SCMP_ACT_KILL_THREAD,
    SPEC_SCMP_ACT_TRAP,
    SPEC_SCMP_ACT_ERRNO,
    SPEC_SCMP_ACT_TRACE,
    SPEC_SCMP_ACT_ALLOW,
    SPEC_SCMP_ACT_LOG,
    SPEC_SCMP_ACT_NOTIFY,
};

enum spec_seccomp_op {
    SPEC_SCMP_CMP_NE = 0,
    SPEC_SCMP_CMP_LT,
    SPEC_SCMP_CMP_LE,
    SPEC_SCMP_CMP_EQ,
    SPEC_SCMP_CMP_GE,
    SPEC_SCMP_CMP_GT,
    SPEC_SCMP_CMP_MASKED_EQ,
};

struct spec_seccomp_arg {
    uint32_t index; /* 0..5 */
    uint64_t value, value_two;
    char *op_name;
    enum spec_seccomp_op op;
};

struct spec_seccomp_syscall {
    struct spec_strv names; /* non-empty */
    char *action_name;
    enum spec_seccomp_action action;
    bool has_errno_ret;
    uint32_t errno_ret;
    struct spec_seccomp_arg *args;
    size_t n_args;
};

/* linux.seccomp: kept as data for the sentry, which applies it to the sandboxed application. */
struct spec_seccomp {
    char *default_action_name;
    enum spec_seccomp_action default_action;
    bool has_default_errno_ret;
    uint32_t default_errno_ret;
    struct spec_strv architectures; /* "SCMP_ARCH_X86_64", ... */
    struct spec_strv flags;         /* "SECCOMP_FILTER_FLAG_LOG", ... */
    char *listener_path;            /* NULL when absent */
    char *listener_metadata;        /* NULL when absent */
    struct spec_seccomp_syscall *syscalls;
    size_t n_syscalls;
};

struct spec_intel_rdt {
    char *clos_id, *l3_cache_schema, *mem_bw_schema; /* NULL when absent */
    bool enable_cmt, enable_mbm;
};

struct spec_personality {
    char *domain; /* "LINUX" or "LINUX32" */
    struct spec_strv flags;
};

/* The `linux` object; all-zero when config.json has none. */
struct spec_linux {
    struct spec_namespace *namespaces;
    size_t n_namespaces; /* no duplicate types */
    struct spec_id_mappings uid_mappings, gid_mappings;
    struct spec_time_offset *time_offsets;
    size_t n_time_offsets;
    struct spec_device *devices;
    size_t n_devices;
    char *cgroups_path;               /* NULL when absent */
    struct spec_resources *resources; /* NULL when absent */
    char *rootfs_propagation;         /* "rprivate", ...; NULL when absent */
    struct spec_seccomp *seccomp;     /* NULL when absent */
    struct spec_kv_list sysctl;
    struct spec_strv masked_paths, readonly_paths; /* absolute paths */
    char *mount_label;                             /* NULL when absent */
    struct spec_intel_rdt *intel_rdt;              /* NULL when absent */
    struct spec_personality *personality;          /* NULL when absent */
};

/* A parsed config.json. Everything is owned by the struct; free with specutils_free. */
struct spec {
    char *oci_version;
    struct spec_process *process; /* never NULL after specutils_parse */
    struct spec_root root;
    char *hostname;   /* NULL when absent */
    char *domainname; /* NULL when absent */
    struct spec_mount *mounts;
    size_t n_mounts;
    struct spec_hooks hooks;
    struct spec_kv_list annotations; /* in file order */
    bool has_linux;
    struct spec_linux linux_cfg; /* `linux` (a predefined macro in GNU C, hence the name) */
};

/*
 * Parses and validates a config.json held in `json` (`len` bytes, no NUL needed).
 * On success stores a new spec in `*out` (caller frees with specutils_free)
 * and returns 0; root.resolved_path is set only when root.path is absolute.
 * On failure returns < 0 with `*err` naming the JSON path of the problem.
 */
int specutils_parse(const char *json, size_t len, struct spec **out, rt_error_t *err);

/*
 * Reads and parses `config_path` (or `<bundle>/config.json` when NULL; a
 * relative config_path is relative to the current directory), refusing
 * files that are not regular or larger than SPECUTILS_MAX_CONFIG_SIZE.
 * Sets root.resolved_path to root.path made absolute against the bundle
 * (which is made absolute with realpath). Returns 0 or < 0 with `*err` set.
 */
int specutils_load(const char *bundle, const char *config_path, struct spec **out, rt_error_t *err);

/* Frees `s` and everything it owns; NULL is fine. */
void specutils_free(struct spec *s);

static inline void specutils_freep_(struct spec **s)
{
    specutils_free(*s);
}
#define cleanup_spec __attribute__((cleanup(specutils_freep_)))

/*
 * Parses and validates an OCI process object (exec's --process file). Error
 * paths are relative to that object ("args: must be ..."). Stores a new
 * process in `*out` (free with specutils_process_free). Returns 0 or < 0.
 */
int specutils_process_parse(const char *json, size_t len, struct spec_process **out,
                            rt_error_t *err);
void specutils_process_free(struct spec_process *p);

static inline void specutils_process_freep_(struct spec_process **p)
{
    specutils_process_free(*p);
}
#define cleanup_spec_process __attribute__((cleanup(specutils_process_freep_)))

/*
 * Parses and validates a LinuxResources object (the body of `update
 * --resources`). Error paths are relative to that object ("memory.limit: ...").
 * Stores new resources in `*out` (free with specutils_resources_free).
 */
int specutils_resources_parse(const char *json, size_t len, struct spec_resources **out,
                              rt_error_t *err);
void specutils_resources_free(struct spec_resources *r);

enum spec_pod_role {
    SPEC_POD_STANDALONE = 0, /* no CRI annotations */
    SPEC_POD_SANDBOX,        /* the pod's sandbox (pause) container */
    SPEC_POD_CONTAINER,      /* a container joining the sandbox `*sandbox_id` */
};

/*
 * Reads the pod role from the CRI annotations: containerd's
 * io.kubernetes.cri.container-type / io.kubernetes.cri.sandbox-id, else
 * CRI-O's io.kubernetes.cri-o.ContainerType / io.kubernetes.cri-o.SandboxID.
 * `*sandbox_id` (borrowed from `s`, may be NULL for a sandbox or standalone
 * container) is the pod's sandbox id. Fails for an unknown container type or
 * a "container" without a sandbox id.
 */
int specutils_pod_role(const struct spec *s, enum spec_pod_role *role, const char **sandbox_id,
                       rt_error_t *err);

/* Returns the namespace entry of `type` ("network", "pid", ...) or NULL (borrowed). */
const struct spec_namespace *specutils_namespace_find(const struct spec *s, const char *type);

/* Returns the value of annotation `key` (borrowed) or NULL. */
const char *specutils_annotation_get(const struct spec *s, const char *key);

/* Returns the OCI name of a namespace type ("network"), or NULL when out of range. */
const char *specutils_ns_type_name(enum spec_ns_type type);
/* Returns the CLONE_NEW* flag of a namespace type. */
int specutils_ns_clone_flag(enum spec_ns_type type);
/* Parses an OCI namespace name; returns its type or -1. */
int specutils_ns_type_from_name(const char *name);

/* Returns the resource number of "RLIMIT_NOFILE" etc., or -1 for an unknown name. */
int specutils_rlimit_from_name(const char *name);
/* Returns the name of an RLIMIT_* resource, or NULL. */
const char *specutils_rlimit_name(int resource);

/* Returns the number of "CAP_CHOWN" etc. (0..40), or -1 for an unknown name. */
int specutils_capability_from_name(const char *name);
/* Returns the "CAP_X" name of capability `cap`, or NULL. */
const char *specutils_capability_name(int cap);
/* Returns every capability name this build knows, NULL-terminated (static). */
const char *const *specutils_capability_names(void);

/*
 * Parses a signal: a number ("9"), a name with or without "SIG" ("KILL",
 * "SIGKILL", case-insensitive), or "RTMIN+N"/"RTMAX-N". Returns 1..64 or -1.
 */
int specutils_signal_from_name(const char *s);
/* Returns "SIGKILL" etc. for a standard signal, or NULL. */
const char *specutils_signal_name(int sig);

/*
 * Returns a new NUL-terminated config.json equivalent to what `runc spec`
 * writes (`runc spec --rootless` when `rootless`: a user namespace mapping
 * the current euid/egid to 0, no network namespace, /sys bind-mounted, no
 * uid=/gid= mount options, no cgroup resources). Caller frees.
 */
char *specutils_default_spec_json(bool rootless);

/*
 * Returns a new NUL-terminated JSON document in the shape of `runc features`,
 * listing what specutils parses and this runtime acts on. `version` is the
 * runtime's version for the annotations. Caller frees.
 */
char *specutils_features_json(const char *version);
