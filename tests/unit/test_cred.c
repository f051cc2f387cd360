/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for task credentials: set*id rules, capability fixups, exec, capset limits, signals.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "sentry/kernel/kernel.h"
#include "sentry/syscalls/syscalls_internal.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

#define CAP(c) (1ULL << (c))

static struct kernel g_k = { .mu = PTHREAD_MUTEX_INITIALIZER };
static struct thread_group g_tg1 = { .k = &g_k, .pid = 10, .sid = 1 };
static struct thread_group g_tg2 = { .k = &g_k, .pid = 20, .sid = 2 };

static void task_init(struct task *t, struct thread_group *tg)
{
    memset(t, 0, sizeof(*t));
    t->k = &g_k;
    t->tg = tg;
    t->tid = tg->pid;
    kernel_cred_init_root(&t->cred);
}

static long call(sys_handler_fn fn, struct task *t, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct sys_args a = { .a = { a0, a1, a2 } };

    return fn(t, &a);
}

static long prctl5(struct task *t, int op, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct sys_args a = { .a = { (uint64_t)op, a2, a3, a4, a5 } };

    return sys_prctl_cred(t, &a);
}

static void test_root_and_setuid(void)
{
    struct task t;

    task_init(&t, &g_tg1);
    tap_ok(t.cred.uid == 0 && t.cred.cap_effective == KERNEL_CAP_FULL,
           "root starts with every cap");
    tap_ok(call(sys_setuid, &t, (uint32_t)-1, 0, 0) == -EINVAL, "setuid(-1) is EINVAL");
    tap_ok(call(sys_setresuid, &t, 0, 1000, 0) == 0, "root setresuid(0,1000,0)");
    tap_ok(t.cred.euid == 1000 && t.cred.fsuid == 1000 && t.cred.suid == 0, "euid and fsuid 1000");
    tap_ok(t.cred.cap_effective == 0 && t.cred.cap_permitted == KERNEL_CAP_FULL,
           "euid leaving 0 clears effective, keeps permitted");
    tap_ok(call(sys_setuid, &t, 5, 0, 0) == -EPERM, "setuid to a foreign id without CAP_SETUID");
    tap_ok(call(sys_setresuid, &t, (uint32_t)-1, 0, (uint32_t)-1) == 0, "back to euid 0 (saved)");
    tap_ok(t.cred.cap_effective == KERNEL_CAP_FULL, "euid 0 again: effective = permitted");
    tap_ok(call(sys_setuid, &t, 1000, 0, 0) == 0, "root setuid(1000)");
    tap_ok(t.cred.uid == 1000 && t.cred.euid == 1000 && t.cred.suid == 1000 && t.cred.fsuid == 1000,
           "setuid with CAP_SETUID sets all four");
    tap_ok(t.cred.cap_permitted == 0 && t.cred.cap_effective == 0, "all ids non-root: caps gone");
    tap_ok(call(sys_setuid, &t, 0, 0, 0) == -EPERM, "no way back to root");
    tap_ok(call(sys_setreuid, &t, (uint32_t)-1, 1000, 0) == 0, "setreuid to own id");
    tap_ok(call(sys_setfsuid, &t, 0, 0, 0) == 1000, "setfsuid returns the old fsuid");
    tap_ok(t.cred.fsuid == 1000, "setfsuid to a foreign id does nothing");
    tap_ok(call(sys_setgroups, &t, 0, 0, 0) == -EPERM, "setgroups without CAP_SETGID");
    tap_ok(call(sys_setgid, &t, 7, 0, 0) == -EPERM, "setgid without CAP_SETGID");
}

static void test_keepcaps_and_fsuid(void)
{
    struct task t;

    task_init(&t, &g_tg1);
    tap_ok(prctl5(&t, PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0, "PR_SET_KEEPCAPS");
    tap_ok(prctl5(&t, PR_GET_KEEPCAPS, 0, 0, 0, 0) == 1, "PR_GET_KEEPCAPS");
    tap_ok(prctl5(&t, PR_GET_SECUREBITS, 0, 0, 0, 0) == SECBIT_KEEP_CAPS, "securebits has it");
    tap_ok(call(sys_setresuid, &t, 1, 1, 1) == 0, "drop to uid 1 with keepcaps");
    tap_ok(t.cred.cap_permitted == KERNEL_CAP_FULL && t.cred.cap_effective == 0,
           "keepcaps keeps permitted, effective cleared");
    kernel_task_cred_exec(&t);
    tap_ok(t.cred.cap_permitted == 0 && !(t.cred.securebits & SECBIT_KEEP_CAPS),
           "exec as non-root: no caps, keepcaps cleared");

    task_init(&t, &g_tg1);
    tap_ok(call(sys_setfsuid, &t, 1000, 0, 0) == 0, "root setfsuid(1000)");
    tap_ok(!(t.cred.cap_effective & CAP(CAP_DAC_OVERRIDE)) &&
               (t.cred.cap_effective & CAP(CAP_KILL)),
           "fsuid leaving 0 drops only the fs caps");
    struct vfs_cred vc;
    vfs_task_cred(&t, &vc);
    tap_ok(vc.fsuid == 1000 && !vc.cap_dac_override && !vc.cap_fowner, "vfs sees fsuid 1000");
    vfs_task_access_cred(&t, &vc);
    tap_ok(vc.fsuid == 0 && vc.cap_dac_override, "access(2) checks as real root");
    tap_ok(call(sys_setfsuid, &t, 0, 0, 0) == 1000, "setfsuid(0) back");
    tap_ok(t.cred.cap_effective == KERNEL_CAP_FULL, "fs caps return");
}

static void test_exec(void)
{
    struct task t;

    task_init(&t, &g_tg1);
    t.cred.cap_bounding &= ~CAP(CAP_SYS_ADMIN);
    kernel_task_cred_exec(&t);
    tap_ok(t.cred.cap_permitted == (KERNEL_CAP_FULL & ~CAP(CAP_SYS_ADMIN)),
           "root exec: permitted = bounding | inheritable");
    tap_ok(t.cred.cap_effective == t.cred.cap_permitted, "root exec: effective = permitted");
    t.cred.securebits |= SECBIT_NOROOT;
    kernel_task_cred_exec(&t);
    tap_ok(t.cred.cap_permitted == 0, "SECBIT_NOROOT: root gets nothing");

    task_init(&t, &g_tg1);
    t.cred.cap_inheritable = CAP(CAP_NET_RAW);
    tap_ok(prctl5(&t, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0,
           "ambient raise of a permitted+inheritable cap");
    tap_ok(prctl5(&t, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0) == -EPERM,
           "ambient raise of a non-inheritable cap is EPERM");
    tap_ok(prctl5(&t, PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 1,
           "PR_CAP_AMBIENT_IS_SET");
    tap_ok(prctl5(&t, PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0, "keepcaps");
    tap_ok(call(sys_setresuid, &t, 1, 1, 1) == 0, "non-root with keepcaps");
    tap_ok(t.cred.cap_ambient == 0, "leaving root clears ambient even with keepcaps");
    t.cred.cap_ambient = CAP(CAP_NET_RAW);
    kernel_task_cred_exec(&t);
    tap_ok(t.cred.cap_permitted == CAP(CAP_NET_RAW) && t.cred.cap_effective == CAP(CAP_NET_RAW),
           "non-root exec keeps its ambient set");
    t.cred.euid = 2;
    kernel_task_cred_exec(&t);
    tap_ok(t.cred.suid == 2 && t.cred.fsuid == 2, "exec: saved and fs uid follow euid");
}

static void test_prctl_caps(void)
{
    struct task t;

    task_init(&t, &g_tg1);
    tap_ok(prctl5(&t, PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 1, "CAPBSET_READ");
    tap_ok(prctl5(&t, PR_CAPBSET_READ, KERNEL_CAP_LAST_CAP + 1, 0, 0, 0) == -EINVAL,
           "CAPBSET_READ past the last cap");
    tap_ok(prctl5(&t, PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) == 0, "CAPBSET_DROP");
    tap_ok(prctl5(&t, PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 0, "dropped");
    tap_ok(prctl5(&t, 0x7fff, 0, 0, 0, 0) == -ENOSYS, "other options fall through");
    tap_ok(prctl5(&t, PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0) == 0, "lock keepcaps");
    tap_ok(prctl5(&t, PR_SET_KEEPCAPS, 1, 0, 0, 0) == -EPERM, "locked keepcaps is EPERM");
    tap_ok(prctl5(&t, PR_SET_SECUREBITS, 0, 0, 0, 0) == -EPERM, "locks cannot be removed");
    t.cred.cap_effective &= ~CAP(CAP_SETPCAP);
    tap_ok(prctl5(&t, PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0) == -EPERM,
           "CAPBSET_DROP without CAP_SETPCAP");
}

static void test_set_creds_and_signal(void)
{
    struct task a, b;
    uint32_t groups[] = { 30, 10, 20 };
    struct kernel_creds_spec s = {
        .uid = 1000,
        .gid = 1000,
        .groups = groups,
        .ngroups = 3,
        .bounding = CAP(CAP_KILL) | CAP(CAP_CHOWN),
        .permitted = CAP(CAP_KILL),
        .effective = CAP(CAP_KILL) | CAP(CAP_CHOWN),
        .inheritable = 0,
        .ambient = CAP(CAP_KILL),
        .no_new_privs = true,
    };

    task_init(&a, &g_tg1);
    task_init(&b, &g_tg2);
    tap_ok(kernel_task_set_creds(&a, &s) == 0, "kernel_task_set_creds");
    tap_ok(a.cred.uid == 1000 && a.cred.suid == 1000 && a.cred.fsgid == 1000 && a.no_new_privs,
           "ids and no_new_privs");
    tap_ok(a.cred.ngroups == 3 && a.cred.groups[0] == 10 && a.cred.groups[2] == 30,
           "groups sorted");
    tap_ok(a.cred.cap_effective == CAP(CAP_KILL), "effective limited to permitted");
    tap_ok(a.cred.cap_ambient == 0, "ambient limited to permitted & inheritable");
    pthread_mutex_lock(&g_k.mu);
    tap_ok(kernel_may_signal_locked(&a, &b, SIGTERM), "CAP_KILL may signal root");
    a.cred.cap_effective = 0;
    tap_ok(!kernel_may_signal_locked(&a, &b, SIGTERM), "uid 1000 may not signal root");
    tap_ok(kernel_may_signal_locked(&b, &a, SIGTERM), "root may signal uid 1000");
    b.cred.uid = 1000;
    b.cred.cap_effective = 0;
    b.cred.euid = 5;
    tap_ok(kernel_may_signal_locked(&a, &b, SIGTERM), "matching real uid");
    b.cred.uid = 6;
    tap_ok(!kernel_may_signal_locked(&a, &b, SIGCONT), "SIGCONT across sessions needs ids");
    b.tg = &g_tg1;
    tap_ok(kernel_may_signal_locked(&a, &b, SIGTERM), "same process");
    pthread_mutex_unlock(&g_k.mu);
    uint32_t many[KERNEL_NGROUPS_MAX + 1] = { 0 };
    s.groups = many;
    s.ngroups = KERNEL_NGROUPS_MAX + 1;
    tap_ok(kernel_task_set_creds(&a, &s) == -EINVAL, "too many groups");
}

int main(void)
{
    test_root_and_setuid();
    test_keepcaps_and_fsuid();
    test_exec();
    test_prctl_caps();
    test_set_creds_and_signal();
    return tap_done();
}
