/* SPDX-License-Identifier: Apache-2.0 */
/* sentry/ipc: objects of one IPC namespace are invisible from another (same keys, same names),
 * permissions follow the caller's credentials, and a namespace's end removes its objects. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "sentry/ipc/ipc.h"
#include "sentry/ipc/ipc_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"
#include "tap.h"

static struct kernel g_k;

/* A task of its own process in namespace `ns`, root or an unprivileged uid. */
static void fake_task(struct task *t, struct thread_group *tg, struct ipc_ns *ns, uint32_t uid)
{
    memset(t, 0, sizeof(*t));
    memset(tg, 0, sizeof(*tg));
    tg->k = &g_k;
    tg->pid = 100 + (int)uid;
    tg->ipcns = ns;
    tg->umask = 022;
    tg->rlimits[RLIMIT_NOFILE].rlim_cur = tg->rlimits[RLIMIT_NOFILE].rlim_max = 1024;
    /* Linux's default: POSIX queues are charged against it (bcc7a31). */
    tg->rlimits[RLIMIT_MSGQUEUE].rlim_cur = tg->rlimits[RLIMIT_MSGQUEUE].rlim_max = 819200;
    t->k = &g_k;
    t->tg = tg;
    kernel_cred_init_root(&t->cred);
    if (uid != 0) {
        t->cred.uid = t->cred.euid = t->cred.suid = t->cred.fsuid = uid;
        t->cred.gid = t->cred.egid = t->cred.sgid = t->cred.fsgid = uid;
        t->cred.cap_effective = t->cred.cap_permitted = 0;
    }
    pthread_cond_init(&t->wake, NULL);
}

int main(void)
{
    struct ipc_ns *ns = ipc_ns_new();
    struct thread_group tg_root, tg_ns, tg_user;
    struct task root, in_ns, user;
    struct sembuf op = { 0, 1, IPC_NOWAIT };
    const int32_t key = 0x5eed;

    pthread_mutex_init(&g_k.mu, NULL);
    tap_ok(ns != NULL, "ipc_ns_new");
    fake_task(&root, &tg_root, NULL, 0);
    fake_task(&in_ns, &tg_ns, ns, 0);
    fake_task(&user, &tg_user, NULL, 1000);

    /* Semaphores: one key, two namespaces, two sets. */
    long a = ipc_sem_get(&root, key, 1, IPC_CREAT | IPC_EXCL | 0600);
    long b = ipc_sem_get(&in_ns, key, 2, IPC_CREAT | IPC_EXCL | 0600);
    tap_ok(a >= 0 && b >= 0 && a != b, "sem: the same key makes a set in each namespace");
    tap_ok(ipc_sem_ctl(&in_ns, (int)a, 0, GETVAL, 0) == -EINVAL &&
               ipc_sem_ctl(&root, (int)b, 0, GETVAL, 0) == -EINVAL,
           "sem: another namespace's id is EINVAL");
    tap_ok(ipc_sem_op(&in_ns, (int)b, &op, 1, NULL) == 0 &&
               ipc_sem_ctl(&in_ns, (int)b, 0, GETVAL, 0) == 1 &&
               ipc_sem_ctl(&root, (int)a, 0, GETVAL, 0) == 0,
           "sem: operations stay in their namespace");
    tap_ok(ipc_sem_get(&user, key, 1, 0600) == -EACCES &&
               ipc_sem_op(&user, (int)a, &op, 1, NULL) == -EACCES &&
               ipc_sem_ctl(&user, (int)a, 0, IPC_RMID, 0) == -EPERM,
           "sem: mode 0600 of root's set: EACCES, EPERM for another uid");

    /* Message queues. */
    long qa = ipc_msg_get(&root, key, IPC_CREAT | 0600);
    long qb = ipc_msg_get(&in_ns, key, IPC_CREAT | 0600);
    tap_ok(qa >= 0 && qb >= 0 && qa != qb, "msg: the same key makes a queue in each namespace");
    tap_ok(ipc_msg_send(&root, (int)qa, 1, "hi", 2, IPC_NOWAIT) == 0 &&
               ipc_msg_send(&in_ns, (int)qa, 1, "hi", 2, IPC_NOWAIT) == -EINVAL,
           "msg: another namespace's id is EINVAL");
    struct ipc_msg_out m;
    tap_ok(ipc_msg_recv(&in_ns, (int)qb, 0, IPC_NOWAIT, 8, &m) == -ENOMSG,
           "msg: the other namespace's queue is empty");
    tap_ok(ipc_msg_recv(&root, (int)qa, 0, IPC_NOWAIT, 8, &m) == 2 && memcmp(m.text, "hi", 2) == 0,
           "msg: the message is in its namespace's queue");
    ipc_msg_out_free(&m);

    /* Shared memory. */
    long sa = ipc_shm_get(NULL, key, 4096, IPC_CREAT | 0600, 1);
    long sb = ipc_shm_get(ns, key, 4096, IPC_CREAT | 0600, 1);
    struct ipc_shm *shm;
    int host_fd;
    size_t size;
    tap_ok(sa >= 0 && sb >= 0 && sa != sb, "shm: the same key makes a segment in each namespace");
    tap_ok(ipc_shm_attach_get(ns, (int)sa, &shm, &host_fd, &size) == -EINVAL,
           "shm: another namespace's id is EINVAL");

    /* POSIX queues need an fd table. */
    struct fd_table *fdt = fd_table_new();
    root.fdt = in_ns.fdt = fdt;
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 8 };
    long fa = ipc_mq_open(&root, "q", O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    long fb = ipc_mq_open(&in_ns, "q", O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    tap_ok(fa >= 0 && fb >= 0, "mq: the same name makes a queue in each namespace");
    tap_ok(ipc_mq_send(&root, (int)fa, "x", 1, 0, NULL) == 0, "mq: send");
    struct mq_attr got;
    tap_ok(ipc_mq_getsetattr(&in_ns, (int)fb, NULL, &got) == 0 && got.mq_curmsgs == 0,
           "mq: the other namespace's queue is empty");

    /* The namespace's end removes its objects. */
    pthread_mutex_lock(&g_k.mu);
    ipc_sem_ns_gone_locked(ns);
    ipc_msg_ns_gone_locked(ns);
    pthread_mutex_unlock(&g_k.mu);
    ipc_shm_ns_gone(ns);
    ipc_mq_ns_gone(ns);
    tap_ok(ipc_sem_ctl(&in_ns, (int)b, 0, GETVAL, 0) == -EINVAL &&
               ipc_msg_ctl(&in_ns, (int)qb, IPC_RMID, 0) == -EINVAL &&
               ipc_shm_attach_get(ns, (int)sb, &shm, &host_fd, &size) == -EINVAL,
           "ns end: its sets, queues and segments are gone");
    tap_ok(ipc_mq_unlink(&in_ns, "q") == -ENOENT && ipc_mq_unlink(&root, "q") == 0,
           "ns end: its queue names are gone, the root's stays");
    tap_ok(ipc_mq_getsetattr(&in_ns, (int)fb, NULL, &got) == 0,
           "ns end: an open queue still works");
    tap_ok(ipc_sem_ctl(&root, (int)a, 0, IPC_RMID, 0) == 0 &&
               ipc_msg_ctl(&root, (int)qa, IPC_RMID, 0) == 0 &&
               ipc_shm_ctl(NULL, (int)sa, IPC_RMID, NULL) == 0,
           "the root's objects are untouched");
    fd_table_close_range(fdt, 0, ~0u, /*cloexec_only=*/false);
    put_fd_table(fdt);
    pthread_mutex_lock(&g_k.mu);
    put_ipc_ns_locked(ns);
    pthread_mutex_unlock(&g_k.mu);
    return tap_done();
}
