/* SPDX-License-Identifier: Apache-2.0 */
/* System V IPC of the sandbox: shared memory segments (one IPC namespace per sandbox for now). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct task;
struct sys_args;
struct shmid_ds;
struct ipc_ns;

/*
 * The limits Linux reports by default (include/uapi/linux/shm.h):
 * /proc/sys/kernel/shm{max,all,mni}. SHMALL counts pages.
 */
#define IPC_SHMMIN 1UL
#define IPC_SHMMNI 4096UL
#define IPC_SHMMAX (UINT64_MAX - (1ULL << 24))
#define IPC_SHMALL (UINT64_MAX - (1ULL << 24))
/* Attachments per process: Linux enforces none (SHMSEG reports SHMMNI). */
#define IPC_SHMSEG IPC_SHMMNI

/*
 * A segment: a sentry memfd of its size, mapped into address spaces with
 * the platform's as_mmap_fd. It lives until IPC_RMID and its last
 * attachment are both gone. Every vma of an attachment (an mm_vma with
 * `shm` set, also the halves of a split and the copies of a fork) holds
 * one count, Linux's shm_nattch; the mm keeps the count with
 * ipc_shm_vma_ref.
 */
struct ipc_shm;

/*
 * Segments are seen from their IPC namespace `ns` only (NULL: the sandbox's).
 * shmget(2): finds the segment of `key` or creates one (IPC_PRIVATE: always
 * new). `pid` is the caller's process id (shm_cpid). Returns the id, or
 * -EEXIST, -ENOENT, -EINVAL (size), -ENOSPC (SHMMNI, SHMALL), -ENOMEM.
 */
long ipc_shm_get(const struct ipc_ns *ns, int32_t key, size_t size, int shmflg, int pid);

/*
 * Looks up segment `id` for shmat and holds it (it cannot be freed) until
 * ipc_shm_attach_put. Sets `*out`, `*host_fd` (the memfd; Not owned) and
 * `*size` (the segment's size, not rounded). Returns 0 or -EINVAL.
 */
long ipc_shm_attach_get(const struct ipc_ns *ns, int id, struct ipc_shm **out, int *host_fd,
                        size_t *size);

/*
 * Drops the hold of ipc_shm_attach_get. `attached`: the mm now maps it
 * (shm_atime and shm_lpid = `pid` are recorded).
 */
void ipc_shm_attach_put(struct ipc_shm *s, bool attached, int pid);

/* Records `pid` as the last process to detach (shmdt, before the vmas go). */
void ipc_shm_note_pid(struct ipc_shm *s, int pid);

/*
 * Changes the attachment count of `s` by `delta` (vmas created or gone).
 * A positive delta records an attach (shm_atime), a negative one a detach
 * (shm_dtime); `pid` > 0 becomes shm_lpid. The last detach of a removed
 * segment frees it. Takes the registry lock (never under it from the mm).
 */
void ipc_shm_vma_ref(struct ipc_shm *s, int delta, int pid);

/* The segment's size in bytes (not page-rounded). Immutable. */
size_t ipc_shm_size(const struct ipc_shm *s);

/* A nonzero identity of `s` for shared futex keys (never a MAP_SHARED anonymous id). */
uint64_t ipc_shm_futex_id(const struct ipc_shm *s);

/*
 * shmctl(2) on segment `id` with the command `cmd` (IPC_64 ignored). `buf`
 * is sentry memory: IPC_STAT / SHM_STAT / SHM_STAT_ANY fill a struct
 * shmid_ds, IPC_SET reads one, IPC_INFO fills a struct shminfo, SHM_INFO a
 * struct shm_info. Returns what Linux returns (0, an id, the highest index)
 * or -EINVAL, -EPERM.
 */
long ipc_shm_ctl(const struct ipc_ns *ns, int id, int cmd, void *buf);

/* The syscall handlers (sentry/syscalls/sys_ipc.c), for the syscall table. */
long sys_shmget(struct task *t, const struct sys_args *a);
long sys_shmat(struct task *t, const struct sys_args *a);
long sys_shmdt(struct task *t, const struct sys_args *a);
long sys_shmctl(struct task *t, const struct sys_args *a);

/* ---- IPC namespaces (ns.c) ---- */

struct ipc_ns;

/*
 * A new IPC namespace with one reference (NULL on ENOMEM). A process's
 * namespace is thread_group.ipcns, a reference (NULL: the sandbox's own,
 * which never ends); children inherit it.
 */
struct ipc_ns *ipc_ns_new(void);
/* Takes a reference (NULL stays NULL). */
struct ipc_ns *get_ipc_ns(struct ipc_ns *ns);
/* Drops one; the last one removes every object of the namespace. Needs k->mu. */
void put_ipc_ns_locked(struct ipc_ns *ns);

/* ---- System V semaphores (sem.c) ---- */

struct kernel;
struct thread_group;
struct sembuf;
struct timespec;

/*
 * The limits Linux reports by default (/proc/sys/kernel/sem: SEMMSL SEMMNS
 * SEMOPM SEMMNI) and the largest semaphore value / undo adjustment.
 */
#define IPC_SEMMSL 32000
#define IPC_SEMMNS (IPC_SEMMSL * IPC_SEMMNI)
#define IPC_SEMOPM 500
#define IPC_SEMMNI 32000
#define IPC_SEMVMX 32767

/*
 * Semaphore sets live in the sandbox's one IPC namespace; their state and
 * waits are protected by the kernel's mu (a waiter sleeps with
 * task_block_locked). Every function below takes it itself unless named
 * _locked. Pids are stored global and reported in the caller's namespace.
 */

/* semget(2). Returns the id or -EEXIST, -ENOENT, -EINVAL, -EACCES, -ENOSPC, -ENOMEM. */
long ipc_sem_get(struct task *t, int32_t key, int nsems, int semflg);

/*
 * semop(2) / semtimedop(2) with `nsops` (1..IPC_SEMOPM) operations already
 * copied in; `timeout` is relative (validated) or NULL. Returns 0 or -EINVAL,
 * -EFBIG, -EACCES, -EIDRM, -EAGAIN (IPC_NOWAIT, timeout), -ERANGE, -EINTR,
 * -ENOMEM.
 */
long ipc_sem_op(struct task *t, int semid, struct sembuf *sops, size_t nsops,
                const struct timespec *timeout);

/*
 * semctl(2) with `arg` its fourth argument (SETVAL's value, or an app
 * address the command's data is copied from or to). Returns what Linux
 * returns or -Exxx.
 */
long ipc_sem_ctl(struct task *t, int semid, int semnum, int cmd, uint64_t arg);

/* Applies and drops the SEM_UNDO adjustments of a process that ended. Needs k->mu. */
void ipc_sem_exit_locked(struct thread_group *tg);

/* /proc/sysvipc/sem as Linux prints it, pids in the reader's namespace. Takes k->mu. */
void ipc_sem_proc_show(struct kernel *k, FILE *out);

/* The semaphore syscall handlers (sentry/syscalls/sys_sem.c). */
long sys_semget(struct task *t, const struct sys_args *a);
long sys_semop(struct task *t, const struct sys_args *a);
long sys_semtimedop(struct task *t, const struct sys_args *a);
long sys_semctl(struct task *t, const struct sys_args *a);

/* ---- System V message queues (msg.c) ---- */

/* Linux's defaults: /proc/sys/kernel/msg{max,mnb,mni}. */
#define IPC_MSGMAX 8192
#define IPC_MSGMNB 16384
#define IPC_MSGMNI 32000

/*
 * Message queues share the semaphores' rules: one IPC namespace per
 * sandbox, state and waits under the kernel's mu (each function takes it),
 * pids stored global and reported in the caller's namespace.
 */

/* msgget(2). Returns the id or -EEXIST, -ENOENT, -EACCES, -ENOSPC, -ENOMEM. */
long ipc_msg_get(struct task *t, int32_t key, int msgflg);

/*
 * msgsnd(2) of a message already copied in (`text`, `size` bytes, sentry
 * memory). Returns 0 or -EINVAL, -EACCES, -EAGAIN, -EIDRM, -ERESTARTNOHAND,
 * -ENOMEM.
 */
long ipc_msg_send(struct task *t, int msqid, long type, const void *text, size_t size, int msgflg);

/* A received message: `size` bytes at `text`, released with ipc_msg_out_free. */
struct ipc_msg_out {
    long type;
    size_t size;
    char *text;  /* owned (through `owner` when set) */
    void *owner; /* the dequeued message, or NULL when `text` is its own allocation */
};

/*
 * msgrcv(2): takes (or with MSG_COPY copies) the message `msgtyp` and
 * `msgflg` select, at most `maxsize` bytes of it. Returns the byte count
 * with `*out` filled, or -EINVAL, -EACCES, -E2BIG, -ENOMSG, -EIDRM,
 * -ERESTARTNOHAND, -ENOMEM.
 */
long ipc_msg_recv(struct task *t, int msqid, long msgtyp, int msgflg, size_t maxsize,
                  struct ipc_msg_out *out);
void ipc_msg_out_free(struct ipc_msg_out *out);

/* msgctl(2); `ubuf` is the app's buffer. Returns what Linux returns or -Exxx. */
long ipc_msg_ctl(struct task *t, int msqid, int cmd, uint64_t ubuf);

/* /proc/sysvipc/msg as Linux prints it, pids in the reader's namespace. Takes k->mu. */
void ipc_msg_proc_show(struct kernel *k, FILE *out);

/* The message queue syscall handlers (sentry/syscalls/sys_msg.c). */
long sys_msgget(struct task *t, const struct sys_args *a);
long sys_msgsnd(struct task *t, const struct sys_args *a);
long sys_msgrcv(struct task *t, const struct sys_args *a);
long sys_msgctl(struct task *t, const struct sys_args *a);

/* /proc/sysvipc/shm as Linux prints it, pids in the reader's namespace. Takes k->mu. */
void ipc_shm_proc_show(struct kernel *k, FILE *out);

/* ---- POSIX message queues (mqueue.c) ---- */

/* Linux's defaults: /proc/sys/fs/mqueue/. */
#define IPC_MQ_MSG_DEFAULT     10
#define IPC_MQ_MSG_MAX         10
#define IPC_MQ_MSGSIZE_DEFAULT 8192
#define IPC_MQ_MSGSIZE_MAX     8192
#define IPC_MQ_QUEUES_MAX      256

struct mq_attr;
struct kernel_sigevent;

/*
 * Queues are named in the sandbox's one IPC namespace and opened as files
 * (always close-on-exec) whose read shows Linux's "QSIZE:..." line and whose
 * poll says POLLIN / POLLOUT. Waits are the anonymous files' readiness waits
 * (sentry/fs/anon), so a signal ends them with -ERESTARTSYS.
 */

/*
 * mq_open(2) of `name` (sentry memory, without glibc's leading slash).
 * `attr` (validated here) is used with O_CREAT; NULL means the defaults.
 * Returns the new fd or -ENOENT, -EACCES, -EEXIST, -EINVAL, -ENAMETOOLONG,
 * -ENOSPC, -EMFILE, -ENOMEM.
 */
long ipc_mq_open(struct task *t, const char *name, int oflag, unsigned int mode,
                 const struct mq_attr *attr);

/* mq_unlink(2): the name goes, the queue lives while open. Returns 0 or -ENOENT, -EACCES. */
long ipc_mq_unlink(struct task *t, const char *name);

/*
 * mq_timedsend(2) of `len` bytes at `msg` (sentry memory); `abs` is the
 * validated CLOCK_REALTIME deadline or NULL. Returns 0 or -EBADF, -EINVAL,
 * -EMSGSIZE, -EAGAIN, -ETIMEDOUT, -ERESTARTSYS, -ENOMEM.
 */
long ipc_mq_send(struct task *t, int fd, const char *msg, size_t len, unsigned int prio,
                 const struct timespec *abs);

/* A received message; released with ipc_mq_msg_free. */
struct ipc_mq_msg {
    unsigned int prio;
    size_t len;
    const char *data; /* inside `owner` */
    void *owner;      /* owned */
};

/*
 * mq_timedreceive(2) into a buffer of `len` bytes: takes the oldest message
 * of the highest priority. Returns its length with `*out` filled, or -EBADF,
 * -EMSGSIZE, -EAGAIN, -ETIMEDOUT, -ERESTARTSYS.
 */
long ipc_mq_receive(struct task *t, int fd, size_t len, const struct timespec *abs,
                    struct ipc_mq_msg *out);
void ipc_mq_msg_free(struct ipc_mq_msg *m);

/*
 * mq_notify(2): registers the caller's process (`ev` validated here) or,
 * with NULL, removes its registration. SIGEV_THREAD is -ENOSYS. Returns 0
 * or -EBADF, -EBUSY, -EINVAL.
 */
long ipc_mq_notify(struct task *t, int fd, const struct kernel_sigevent *ev);

/* mq_getsetattr(2): fills `old`; `newattr` (may be NULL) sets O_NONBLOCK. 0, -EBADF, -EINVAL. */
long ipc_mq_getsetattr(struct task *t, int fd, const struct mq_attr *newattr, struct mq_attr *old);

/*
 * For an mqueue mount (/dev/mqueue) of the calling task's namespace:
 * ipc_mq_list calls `fn` with each queue's name until it returns false (0 or
 * -ENOMEM); ipc_mq_lookup_ino gives the inode number of queue `name` (0:
 * none); ipc_mq_show writes the status line of queue `ino` (read(2) of its
 * file) or returns -ENOENT. Take the queues' lock themselves.
 */
long ipc_mq_list(bool (*fn)(void *arg, const char *name), void *arg);
uint64_t ipc_mq_lookup_ino(const char *name);
long ipc_mq_show(uint64_t ino, FILE *out);

/* The POSIX message queue syscall handlers (sentry/syscalls/sys_mqueue.c). */
long sys_mq_open(struct task *t, const struct sys_args *a);
long sys_mq_unlink(struct task *t, const struct sys_args *a);
long sys_mq_timedsend(struct task *t, const struct sys_args *a);
long sys_mq_timedreceive(struct task *t, const struct sys_args *a);
long sys_mq_notify(struct task *t, const struct sys_args *a);
long sys_mq_getsetattr(struct task *t, const struct sys_args *a);
