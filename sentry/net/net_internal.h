/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by the files of sentry/net: unix socket objects, their lock and names. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "sentry/net/net.h"

struct kernel;
struct task;

#define UNIX_WMEM_DEFAULT NET_WMEM_DEFAULT
#define UNIX_WMEM_MAX     NET_WMEM_MAX
#define UNIX_MIN_SNDBUF   4608
#define UNIX_MIN_RCVBUF   2304
#define UNIX_SOMAXCONN    NET_SOMAXCONN
/* What a datagram costs its sender beyond its bytes (Linux charges the skb's truesize). */
#define UNIX_DGRAM_OVERHEAD 512

#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

enum unix_state { US_UNCONNECTED, US_LISTEN, US_CONNECTED };

struct unix_msg {
    struct unix_msg *next;
    char *data;
    size_t len, off; /* `off`: bytes of a stream segment already read */
    struct file **files;
    int nfiles;
    uint32_t files_uid; /* whose in-flight count the files add to (the sender's real uid) */
    struct net_cred cred;
    struct net_addr from;
    struct unix_sock *sender; /* a reference while `charge` is counted in its wmem */
    size_t charge;
};

/* One socket. Everything is protected by g_unix_mu. */
struct unix_sock {
    int refs;
    int type;
    struct kernel *k; /* Not owned; names are per kernel */
    enum unix_state state;
    bool dead;              /* its file was closed */
    bool embryo;            /* an unaccepted connection in a listener's queue */
    struct unix_sock *peer; /* a reference */
    struct unix_msg *rq_head, *rq_tail;
    int rq_len;   /* messages queued */
    int shutdown; /* RCV_SHUTDOWN | SEND_SHUTDOWN */
    int err;      /* SO_ERROR */
    /* Its name; `hashed` when it is in the bind table. */
    struct net_addr addr;
    bool hashed, abstract;
    uint64_t dev, ino;
    struct unix_sock *bind_next;
    /* A listener's queue of embryos (references), oldest first. */
    struct unix_sock *acceptq_head, *acceptq_tail, *acceptq_next;
    int nacceptq, backlog;
    struct net_cred peercred;
    size_t wmem;     /* bytes charged for what it sent and nobody read yet */
    uint64_t ev_seq; /* its readiness events (net_event_seq); atomic, bumped under g_unix_mu */
    int sndbuf, rcvbuf, rcvlowat, priority, peek_off;
    bool passcred, reuseaddr, keepalive, broadcast, oobinline;
    struct linger linger;
    int64_t rcvtimeo_ns, sndtimeo_ns;
    uint64_t ino_nr; /* st_ino of the socket file */
};

/* A resolved destination: an abstract name or a socket inode. */
struct unix_key {
    bool abstract;
    struct net_addr name; /* abstract names */
    uint64_t dev, ino;    /* pathname sockets */
};

/* The lock of every unix socket and the condition its waiters sleep on (CLOCK_MONOTONIC). */
extern pthread_mutex_t g_unix_mu;
extern pthread_cond_t g_unix_cv;

/* Takes g_unix_mu. */
void unix_lock(void);
/* Drops g_unix_mu after a change: wakes socket waiters and poll/epoll sleepers. */
void unix_unlock(void);

/*
 * Waits for any change of any socket (g_unix_mu held), in slices so that a
 * signal for `t` is seen. Returns 0 (recheck), -EAGAIN once `deadline`
 * passed, or -ERESTARTSYS (-EINTR when a timeout is set, as sock_intr_errno).
 */
long unix_wait_locked(struct task *t, const struct timespec *deadline);

/* Turns a socket timeout (ns, 0: none) into an absolute deadline in `buf`; NULL without one. */
const struct timespec *unix_deadline_of(int64_t ns, struct timespec *buf);

/* The credentials of `t` as SCM_CREDENTIALS carries them. */
void unix_task_cred(struct task *t, struct net_cred *c);

/* The socket behind `f`, or NULL when it is not one. Not a reference. */
struct unix_sock *unix_sock_of(struct file *f);

/* References on sockets; g_unix_mu held. */
struct unix_sock *unix_sock_get_locked(struct unix_sock *s);
void unix_sock_put_locked(struct unix_sock *s);

/*
 * Descriptors in flight in unix messages per user (Linux's
 * user->unix_inflight): `n` more (or fewer, negative) for real uid `uid`;
 * unix_inflight() reads the count.
 */
void unix_inflight_add(uint32_t uid, int n);
long unix_inflight(uint32_t uid);

/* Counts a readiness event of `s` (data, write space, shutdown, a connection): a new edge. */
static inline void unix_sock_event(struct unix_sock *s)
{
    if (s != NULL)
        __atomic_add_fetch(&s->ev_seq, 1, __ATOMIC_RELEASE);
}

/* Frees a message / a list of them with their files (without g_unix_mu). */
void unix_msg_free(struct unix_msg *m);
void unix_msgs_free(struct unix_msg *m);

/* Returns `n` bytes of `m`'s charge to its sender; g_unix_mu held. */
void unix_uncharge_locked(struct unix_msg *m, size_t n);
/* Takes the first message of `s`'s queue, uncharged; g_unix_mu held. */
struct unix_msg *unix_dequeue_locked(struct unix_sock *s);

/* Finds the socket a key names (not a reference), or NULL with -ECONNREFUSED/-EPROTOTYPE. */
struct unix_sock *unix_find_locked(struct kernel *k, const struct unix_key *key, int type,
                                   long *err);
/* Checks and canonicalises an address: 0, 1 for just the family (autobind), or -EINVAL. */
long unix_canon_addr(const struct net_addr *in, struct net_addr *out);
/* Resolves a canonical name to a key, walking a path (without g_unix_mu). */
long unix_resolve_key(struct task *t, const struct net_addr *name, struct unix_key *key);
/* Gives an unnamed socket an autobind name; g_unix_mu held. 0 or -ENOSPC. */
long unix_autobind_locked(struct unix_sock *s);

/* ---- host-backed sockets (inet.c) and netlink (netlink.c) ---- */

/* A reply the sentry makes up for a netlink socket (an EPERM acknowledgement). */
struct nl_pending {
    struct nl_pending *next;
    size_t len;
    char data[];
};

/* An inet or netlink socket. `fd` is immutable; `mu` guards the rest. */
struct hsock {
    int fd; /* the host socket (owned, non-blocking); -1 for a uevent socket */
    int domain, type, protocol;
    uint64_t ino_nr;
    pthread_mutex_t mu;
    int64_t rcvtimeo_ns, sndtimeo_ns; /* 0: none; < 0: expire at once */
    /* netlink: made-up replies, read before the host socket's */
    struct nl_pending *pending_head, *pending_tail;
    /* uevent sockets: the name */
    bool nl_bound;
    uint32_t nl_portid, nl_groups;
    int sndbuf, rcvbuf;
    bool passcred;
};

/* A new socket around host fd `fd` (owned, also on failure). NULL on OOM. */
struct hsock *hsock_new(int fd, int domain, int type, int protocol);
/* Wraps `s` (owned, also on failure) in a file with O_NONBLOCK from `fflags`. */
long hsock_file_new(struct hsock *s, unsigned int fflags, struct file **out);
/*
 * Waits until the host fd has one of `events`, `t` has a signal to take
 * (-ERESTARTSYS, or -EINTR when `deadline` is set) or `deadline` passed
 * (-EAGAIN). Without a host fd it only waits for the signal or the deadline.
 */
long hsock_wait(struct task *t, struct hsock *s, short events, const struct timespec *deadline);

/* Whether the app may change the network (netlink_set_net_admin). */
bool net_admin_allowed(void);

/* socket(2) for AF_NETLINK. */
long netlink_socket(struct task *t, int type, int protocol, struct file **out);
/*
 * Looks at a netlink request before it goes to the host: returns 0 to send
 * it, or `len` when it was refused (an EPERM acknowledgement is queued).
 */
long netlink_filter_send(struct task *t, struct hsock *s, const void *buf, size_t len);
/* Takes a made-up reply into `buf`: its length, or -EAGAIN when there is none. */
long netlink_take_pending(struct hsock *s, void *buf, size_t len, int flags, struct net_addr *from,
                          int *msg_flags);
/* uevent sockets: bind, name and release. */
long uevent_bind(struct task *t, struct hsock *s, const struct net_addr *addr);
void uevent_getname(struct hsock *s, struct net_addr *out);
void netlink_release(struct hsock *s);
