/* SPDX-License-Identifier: Apache-2.0 */
/* Name tables of the OCI spec: namespaces, rlimits, capabilities, signals, seccomp, scheduler. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "specutils/specutils_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

int sp_name_lookup(const struct sp_name *tab, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tab[i].name, name) == 0)
            return tab[i].value;
    }
    return -1;
}

static const struct {
    const char *name;
    int flag;
} g_namespaces[SPEC_NS_COUNT_] = {
    [SPEC_NS_PID] = { "pid", CLONE_NEWPID },
    [SPEC_NS_NETWORK] = { "network", CLONE_NEWNET },
    [SPEC_NS_MOUNT] = { "mount", CLONE_NEWNS },
    [SPEC_NS_IPC] = { "ipc", CLONE_NEWIPC },
    [SPEC_NS_UTS] = { "uts", CLONE_NEWUTS },
    [SPEC_NS_USER] = { "user", CLONE_NEWUSER },
    [SPEC_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
    [SPEC_NS_TIME] = { "time", CLONE_NEWTIME },
};

const char *specutils_ns_type_name(enum spec_ns_type type)
{
    if ((unsigned)type >= SPEC_NS_COUNT_)
        return NULL;
    return g_namespaces[type].name;
}

int specutils_ns_clone_flag(enum spec_ns_type type)
{
    if ((unsigned)type >= SPEC_NS_COUNT_)
        return 0;
    return g_namespaces[type].flag;
}

int specutils_ns_type_from_name(const char *name)
{
    for (int i = 0; i < SPEC_NS_COUNT_; i++) {
        if (strcmp(g_namespaces[i].name, name) == 0)
            return i;
    }
    return -1;
}

static const struct sp_name g_rlimits[] = {
    { "RLIMIT_AS", RLIMIT_AS },
    { "RLIMIT_CORE", RLIMIT_CORE },
    { "RLIMIT_CPU", RLIMIT_CPU },
    { "RLIMIT_DATA", RLIMIT_DATA },
    { "RLIMIT_FSIZE", RLIMIT_FSIZE },
    { "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
    { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
    { "RLIMIT_NICE", RLIMIT_NICE },
    { "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "RLIMIT_NPROC", RLIMIT_NPROC },
    { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
    { "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
    { "RLIMIT_STACK", RLIMIT_STACK },
};

int specutils_rlimit_from_name(const char *name)
{
    return sp_name_lookup(g_rlimits, ARRAY_SIZE(g_rlimits), name);
}

const char *specutils_rlimit_name(int resource)
{
    for (size_t i = 0; i < ARRAY_SIZE(g_rlimits); i++) {
        if (g_rlimits[i].value == resource)
            return g_rlimits[i].name;
    }
    return NULL;
}

/* Indexed by capability number; Linux 5.9 added the last one (CAP_CHECKPOINT_RESTORE). */
static const char *const g_caps[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
    NULL,
};

int specutils_capability_from_name(const char *name)
{
    for (size_t i = 0; g_caps[i] != NULL; i++) {
        if (strcmp(g_caps[i], name) == 0)
            return (int)i;
    }
    return -1;
}

const char *specutils_capability_name(int cap)
{
    if (cap < 0 || (size_t)cap >= ARRAY_SIZE(g_caps) - 1)
        return NULL;
    return g_caps[cap];
}

const char *const *specutils_capability_names(void)
{
    return g_caps;
}

static const struct sp_name g_signals[] = {
    { "SIGHUP", SIGHUP },       { "SIGINT", SIGINT },       { "SIGQUIT", SIGQUIT },
    { "SIGILL", SIGILL },       { "SIGTRAP", SIGTRAP },     { "SIGABRT", SIGABRT },
    { "SIGIOT", SIGIOT },       { "SIGBUS", SIGBUS },       { "SIGFPE", SIGFPE },
    { "SIGKILL", SIGKILL },     { "SIGUSR1", SIGUSR1 },     { "SIGSEGV", SIGSEGV },
    { "SIGUSR2", SIGUSR2 },     { "SIGPIPE", SIGPIPE },     { "SIGALRM", SIGALRM },
    { "SIGTERM", SIGTERM },     { "SIGSTKFLT", SIGSTKFLT }, { "SIGCHLD", SIGCHLD },
    { "SIGCLD", SIGCHLD },      { "SIGCONT", SIGCONT },     { "SIGSTOP", SIGSTOP },
    { "SIGTSTP", SIGTSTP },     { "SIGTTIN", SIGTTIN },     { "SIGTTOU", SIGTTOU },
    { "SIGURG", SIGURG },       { "SIGXCPU", SIGXCPU },     { "SIGXFSZ", SIGXFSZ },
    { "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF },     { "SIGWINCH", SIGWINCH },
    { "SIGIO", SIGIO },         { "SIGPOLL", SIGPOLL },     { "SIGPWR", SIGPWR },
    { "SIGSYS", SIGSYS },
};

/* What `kill -l` calls RTMIN: glibc reserves the kernel's 32 and 33. */
#define SP_SIGRTMIN 34
#define SP_SIGRTMAX 64

static int parse_small_int(const char *s, int max)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return -1;
    return (int)v;
}

int specutils_signal_from_name(const char *s)
{
    char name[32];
    int n;

    if (s == NULL || *s == '\0' || strlen(s) >= sizeof(name) - 3)
        return -1;
    if (*s >= '0' && *s <= '9') {
        n = parse_small_int(s, SP_SIGRTMAX);
        return n >= 1 ? n : -1;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    snprintf(name, sizeof(name), "SIG%s", s);
    for (char *p = name; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (strncmp(name, "SIGRTMIN", 8) == 0 || strncmp(name, "SIGRTMAX", 8) == 0) {
        bool min = name[6] == 'I';
        const char *rest = name + 8;

        if (*rest == '\0')
            return min ? SP_SIGRTMIN : SP_SIGRTMAX;
        if ((min && *rest != '+') || (!min && *rest != '-'))
            return -1;
        n = parse_small_int(rest + 1, SP_SIGRTMAX - SP_SIGRTMIN);
        if (n < 0)
            return -1;
        return min ? SP_SIGRTMIN + n : SP_SIGRTMAX - n;
    }
    return sp_name_lookup(g_signals, ARRAY_SIZE(g_signals), name);
}

const char *specutils_signal_name(int sig)
{
    for (size_t i = 0; i < ARRAY_SIZE(g_signals); i++) {
        if (g_signals[i].value == sig)
            return g_signals[i].name;
    }
    return NULL;
}

/* Indexed by enum spec_seccomp_action. */
const char *const g_sp_seccomp_actions[] = {
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      NULL,
};

/* Indexed by enum spec_seccomp_op. */
const char *const g_sp_seccomp_ops[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

const char *const g_sp_seccomp_archs[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",        NULL,
};

const char *const g_sp_seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

const char *const g_sp_mount_options[] = {
    "async",      "atime",       "bind",        "defaults", "dev",         "diratime",
    "dirsync",    "exec",        "lazytime",    "mand",     "noatime",     "nodev",
    "nodiratime", "noexec",      "nolazytime",  "nomand",   "norelatime",  "nostrictatime",
    "nosuid",     "nosymfollow", "private",     "rbind",    "relatime",    "remount",
    "ro",         "rprivate",    "rshared",     "rslave",   "runbindable", "rw",
    "shared",     "slave",       "strictatime", "suid",     "symfollow",   "sync",
    "unbindable", NULL,
};

static int strv_index(const char *const *tab, const char *name)
{
    for (int i = 0; tab[i] != NULL; i++) {
        if (strcmp(tab[i], name) == 0)
            return i;
    }
    return -1;
}

int sp_seccomp_action_from_name(const char *name)
{
    return strv_index(g_sp_seccomp_actions, name);
}

int sp_seccomp_op_from_name(const char *name)
{
    return strv_index(g_sp_seccomp_ops, name);
}

bool sp_seccomp_arch_known(const char *name)
{
    return strv_index(g_sp_seccomp_archs, name) >= 0;
}

bool sp_seccomp_flag_known(const char *name)
{
    return strv_index(g_sp_seccomp_flags, name) >= 0;
}

static const struct sp_name g_sched_policies[] = {
    { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },       { "SCHED_BATCH", 3 },
    { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

int sp_sched_policy_from_name(const char *name)
{
    return sp_name_lookup(g_sched_policies, ARRAY_SIZE(g_sched_policies), name);
}

static const char *const g_sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
    "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

bool sp_sched_flag_known(const char *name)
{
    return strv_index(g_sched_flags, name) >= 0;
}
