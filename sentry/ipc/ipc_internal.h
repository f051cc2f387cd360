/* SPDX-License-Identifier: Apache-2.0 */
/* What the System V and POSIX IPC objects of sentry/ipc share: ids, permissions, time. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct task;
struct ipc_perm;

/* Linux's ipc ids: index + sequence * IPC_SEQ_MULTIPLIER (ipc/util.h, IPCMNI). */
#define IPC_SEQ_MULTIPLIER 32768
/* The kernel's "new layout" command flag (linux/ipc.h); x86-64 has only that layout. */
#define IPC_CMD_64 0x0100

/* The owner and permission bits of an IPC object (Linux's kern_ipc_perm). */
struct ipc_owner {
    int32_t key; /* IPC_PRIVATE once removed */
    uint32_t uid, gid, cuid, cgid;
    unsigned int mode; /* permission bits (and object-specific flags above them) */
    int id;            /* Immutable */
};

/* The current CLOCK_REALTIME second. */
time_t ipc_now(void);

/* The id of slot `idx` with sequence `*seq`; advances `*seq` (Linux keeps ids positive). */
int ipc_make_id(int idx, unsigned int *seq);

/* The slot of `id` in a table of `n` slots, or -1 for a negative id. */
int ipc_id_slot(int id, size_t n);

/* Fills `o` for an object `t` makes with `flags`' permission bits (t's effective ids; call
 * from t's thread). */
void ipc_owner_init(struct ipc_owner *o, const struct task *t, int32_t key, int id, int flags);

/*
 * Linux's ipcperms: whether `t` may use `o` with the access asked in `flag`
 * (S_IRUGO / S_IWUGO style bits: 0444 read, 0222 write; 0 asks nothing).
 * CAP_IPC_OWNER passes. Call from t's thread.
 */
bool ipc_may_access(const struct task *t, const struct ipc_owner *o, int flag);

/* IPC_SET / IPC_RMID: the owner, the creator or CAP_SYS_ADMIN (else EPERM). */
bool ipc_may_change(const struct task *t, const struct ipc_owner *o);

/* Fills the struct ipc_perm of an *_ds from `o`. */
void ipc_owner_to_perm(const struct ipc_owner *o, struct ipc_perm *p);

/* IPC_SET: takes uid, gid and the permission bits of `p`. */
void ipc_owner_set(struct ipc_owner *o, const struct ipc_perm *p);

/*
 * An IPC namespace (Linux's struct ipc_namespace): every System V object and
 * POSIX queue belongs to one and is seen only from it. NULL is the sandbox's
 * own (a pod shares it); a container whose spec asks for an ipc namespace of
 * its own gets a new one. The registries stay shared (the limits count every
 * namespace's objects together); lookups compare the namespace.
 */
struct ipc_ns {
    int refs; /* atomic */
};

/* The namespace of `t`'s process (NULL: the sandbox's). */
const struct ipc_ns *ipc_ns_of(const struct task *t);

/* The namespace of the task the calling thread serves (procfs); NULL outside a task. */
const struct ipc_ns *ipc_ns_current(void);

/* Drop every object of a namespace that ended (ns.c calls them). sem/msg need k->mu. */
void ipc_sem_ns_gone_locked(const struct ipc_ns *ns);
void ipc_msg_ns_gone_locked(const struct ipc_ns *ns);
void ipc_shm_ns_gone(const struct ipc_ns *ns);
void ipc_mq_ns_gone(const struct ipc_ns *ns);
