/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp allowlists as tables of rules: compiling, installing, exporting. */
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/seccomp_rules.h"

static void cleanup_seccomp(scmp_filter_ctx *ctx)
{
    if (*ctx != NULL)
        seccomp_release(*ctx);
}

#define cleanup_seccomp_ctx __attribute__((cleanup(cleanup_seccomp)))

/* Set before the filter is installed; read by the SIGSYS handler. */
static int g_trap_log_fd = 2;
static const char *g_trap_who = "";
static const char *g_trap_table = "";

static void append(char *buf, size_t *len, size_t cap, const char *s)
{
    while (*s != '\0' && *len < cap)
        buf[(*len)++] = *s++;
}

/* SIGSYS handler of the debug filter: names the syscall, then dies like the real filter. */
static void on_sigsys(int sig, siginfo_t *info, void *uc)
{
    char buf[256], num[24];
    size_t len = 0, n = 0;
    unsigned long v = (unsigned long)info->si_syscall;

    do {
        num[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    append(buf, &len, sizeof(buf), "runsc-c ");
    append(buf, &len, sizeof(buf), g_trap_who);
    append(buf, &len, sizeof(buf), ": seccomp: blocked system call ");
    while (n > 0 && len < sizeof(buf))
        buf[len++] = num[--n];
    append(buf, &len, sizeof(buf), " (");
    append(buf, &len, sizeof(buf), g_trap_table);
    append(buf, &len, sizeof(buf), " does not allow it)\n");
    if (write(g_trap_log_fd, buf, len) < 0) {
        /* nowhere else to say it */
    }
    _exit(128 + SIGSYS);
}

/* Builds the filter; *out is owned by the caller. */
static int build(const struct rt_seccomp_rule *rules, size_t n, bool trap, scmp_filter_ctx *out,
                 rt_error_t *err)
{
    cleanup_seccomp_ctx scmp_filter_ctx ctx =
        seccomp_init(trap ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
    int ret;

    if (ctx == NULL)
        return rt_make_error(err, ENOMEM, "seccomp_init");
    for (size_t i = 0; i < n; i++) {
        const struct rt_seccomp_rule *r = &rules[i];
        struct scmp_arg_cmp args[2];

        memcpy(args, r->args, sizeof(args));
        if (r->arg0_self)
            args[0].datum_a = (scmp_datum_t)getpid();
        ret = seccomp_rule_add_array(ctx, r->action, r->nr, r->n_args, args);
        if (ret < 0)
            return rt_make_error(err, -ret, "seccomp rule for %s", r->name);
    }
    *out = steal_pointer(&ctx);
    return 0;
}

int rt_seccomp_install(const struct rt_seccomp_rule *rules, size_t n, bool trap, const char *who,
                       const char *table, rt_error_t *err)
{
    cleanup_seccomp_ctx scmp_filter_ctx ctx = NULL;
    int ret;

    if (build(rules, n, trap, &ctx, err) < 0)
        return rt_error_wrap(err, "building the seccomp filter");
    if (trap) {
        struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

        g_trap_who = who;
        g_trap_table = table;
        if (rt_log_fd() >= 0)
            g_trap_log_fd = rt_log_fd();
        if (sigaction(SIGSYS, &sa, NULL) < 0)
            return rt_make_error(err, errno, "sigaction SIGSYS");
    }
    /* Every thread, should one exist already. */
    ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (ret < 0)
        return rt_make_error(err, -ret, "seccomp: thread sync");
    ret = seccomp_load(ctx);
    if (ret < 0)
        return rt_make_error(err, -ret, "loading the seccomp filter");
    return 0;
}

int rt_seccomp_export(const struct rt_seccomp_rule *rules, size_t n, int fd, rt_error_t *err)
{
    cleanup_seccomp_ctx scmp_filter_ctx ctx = NULL;
    int ret;

    if (build(rules, n, /*trap=*/false, &ctx, err) < 0)
        return rt_error_wrap(err, "building the seccomp filter");
    ret = seccomp_export_bpf(ctx, fd);
    if (ret < 0)
        return rt_make_error(err, -ret, "exporting the seccomp filter");
    return 0;
}
