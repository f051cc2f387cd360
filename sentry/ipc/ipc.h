/* SPDX-License-Identifier: Apache-2.0 */
/* System V IPC of the sandbox: shared memory segments (one IPC namespace per sandbox for now). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct task;
struct sys_args;
struct shmid_ds;

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
 * shmget(2): finds the segment of `key` or creates one (IPC_PRIVATE: always
 * new). `pid` is the caller's process id (shm_cpid). Returns the id, or
 * -EEXIST, -ENOENT, -EINVAL (size), -ENOSPC (SHMMNI, SHMALL), -ENOMEM.
 */
long ipc_shm_get(int32_t key, size_t size, int shmflg, int pid);

/*
 * Looks up segment `id` for shmat and holds it (it cannot be freed) until
 * ipc_shm_attach_put. Sets `*out`, `*host_fd` (the memfd; Not owned) and
 * `*size` (the segment's size, not rounded). Returns 0 or -EINVAL.
 */
long ipc_shm_attach_get(int id, struct ipc_shm **out, int *host_fd, size_t *size);

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
long ipc_shm_ctl(int id, int cmd, void *buf);

/* The syscall handlers (sentry/syscalls/sys_ipc.c), for the syscall table. */
long sys_shmget(struct task *t, const struct sys_args *a);
long sys_shmat(struct task *t, const struct sys_args *a);
long sys_shmdt(struct task *t, const struct sys_args *a);
long sys_shmctl(struct task *t, const struct sys_args *a);
