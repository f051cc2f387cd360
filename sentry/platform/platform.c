/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of platform backends, and what the backends share. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sentry/platform/platform.h"
#include "sentry/platform/systrap/systrap.h"

static const struct platform_ops *const g_platforms[] = {
    &g_platform_ptrace_ops,
    &g_platform_systrap_ops,
};

const struct platform_ops *platform_lookup(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(g_platforms); i++) {
        if (strcmp(g_platforms[i]->name, name) == 0)
            return g_platforms[i];
    }
    return NULL;
}

/* Guards every platform_name's bytes: names change at exec and prctl only. */
static pthread_mutex_t g_name_mu = PTHREAD_MUTEX_INITIALIZER;

void platform_name_set(struct platform_name *n, const char *name)
{
    pthread_mutex_lock(&g_name_mu);
    snprintf(n->name, sizeof(n->name), "%s", name);
    __atomic_store_n(&n->pending, true, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&g_name_mu);
}

bool platform_name_take(struct platform_name *n, char out[16])
{
    if (!__atomic_load_n(&n->pending, __ATOMIC_ACQUIRE))
        return false;
    pthread_mutex_lock(&g_name_mu);
    memcpy(out, n->name, sizeof(n->name));
    out[15] = '\0';
    __atomic_store_n(&n->pending, false, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g_name_mu);
    return true;
}

void platform_as_set_argv(const struct platform_ops *ops, struct platform_as *as,
                          char *const argv[])
{
    char buf[PLATFORM_CMDLINE_MAX];
    size_t len = 0;

    if (ops->as_set_cmdline == NULL || as == NULL || argv == NULL)
        return;
    for (size_t i = 0; argv[i] != NULL && len < sizeof(buf); i++) {
        size_t n = strlen(argv[i]) + 1;

        if (n > sizeof(buf) - len) {
            /* Cut: the last byte stays a NUL, as /proc/PID/cmdline ends. */
            memcpy(buf + len, argv[i], sizeof(buf) - len - 1);
            buf[sizeof(buf) - 1] = '\0';
            len = sizeof(buf);
            break;
        }
        memcpy(buf + len, argv[i], n);
        len += n;
    }
    if (len > 0)
        ops->as_set_cmdline(as, buf, len);
}

uintptr_t platform_find_argv(pid_t tid, uintptr_t sp, const char *args, size_t len)
{
    uint64_t head[2];
    char buf[PLATFORM_CMDLINE_MAX];
    struct iovec local = { .iov_base = head, .iov_len = sizeof(head) };
    struct iovec remote = { .iov_base = (void *)sp, .iov_len = sizeof(head) };
    uint64_t argc = 0;

    if (len == 0 || len > sizeof(buf) || args[len - 1] != '\0')
        return 0;
    for (size_t i = 0; i < len; i++)
        argc += args[i] == '\0';
    if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof(head) ||
        head[0] != argc || head[1] == 0)
        return 0;
    local = (struct iovec){ .iov_base = buf, .iov_len = len };
    remote = (struct iovec){ .iov_base = (void *)(uintptr_t)head[1], .iov_len = len };
    if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)len ||
        memcmp(buf, args, len) != 0)
        return 0;
    return (uintptr_t)head[1];
}

int platform_find_vdso(struct platform_range *ranges, size_t *n, size_t max, uintptr_t *vdso_base,
                       rt_error_t *err)
{
    cleanup_file FILE *f = fopen("/proc/self/maps", "re");
    char line[512];

    if (f == NULL)
        return rt_make_error(err, errno, "open /proc/self/maps");
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long start, end;
        const char *name = NULL;

        if (sscanf(line, "%lx-%lx", &start, &end) != 2)
            continue;
        if (strstr(line, "[vdso]") != NULL)
            name = "[vdso]";
        else if (strstr(line, "[vvar_vclock]") != NULL)
            name = "[vvar_vclock]";
        else if (strstr(line, "[vvar]") != NULL)
            name = "[vvar]";
        if (name == NULL)
            continue;
        if (*n >= max)
            return rt_make_error(err, 0, "too many vDSO mappings in /proc/self/maps");
        ranges[(*n)++] = (struct platform_range){ .start = start, .end = end, .name = name };
        if (strcmp(name, "[vdso]") == 0)
            *vdso_base = start;
    }
    return 0;
}

/*
 * A factory's own seccomp filter, inherited by every stub on top of the stub
 * filter: what neither ever needs and what would let a compromised sentry
 * out through them (exec, tracing, other processes' memory). `deny` is what
 * such a call gets (see platform_factory_enter).
 */
static int install_factory_filter(uint32_t deny)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        /* An app's int $0x80 in a systrap stub: the sentry decides (ENOSYS). */
        BPF_STMT(BPF_RET | BPF_K, deny),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* x32 syscall numbers are never used here. */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 6, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 5, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 4, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_readv, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_writev, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, deny),
    };
    struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };

    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

void platform_factory_enter(int sock, pid_t parent, const char *name, uint32_t deny)
{
    struct sigaction ign = { .sa_handler = SIG_IGN };

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(1);
    if (prctl(PR_SET_NAME, name, 0, 0, 0) < 0) {
        /* cosmetic */
    }
    sigaction(SIGCHLD, &ign, NULL);
    sigaction(SIGPIPE, &ign, NULL);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || install_factory_filter(deny) < 0)
        _exit(1);
    /* Nothing but the request socket (and stderr for the kernel's last words) stays open. */
    for (int fd = 0; fd < 1024; fd++) {
        if (fd != sock && fd != 2)
            close(fd);
    }
    syscall(SYS_close_range, 1024, ~0U, 0);
}
