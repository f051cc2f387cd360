/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared inside sentry/fs/devpts: the terminal object and its line discipline. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "sentry/fs/devpts/devpts.h"

struct kernel;

/* The kernel's struct termios (TCGETS/TCSETS), not glibc's: 36 bytes, 19 control chars. */
#define TTY_NCCS 19
struct tty_termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[TTY_NCCS];
};

/* Linux's N_TTY_BUF_SIZE: the input queue and the longest canonical line (+1). */
#define TTY_IN_SIZE  4096
#define TTY_OUT_SIZE 16384

/* Input queue entries: the byte, and marks the reader needs. */
#define TTY_ENT_LINE_END 0x100u /* the last entry of a canonical line */
#define TTY_ENT_EOF      0x200u /* the VEOF that ended the line: not delivered */

/*
 * One terminal: a pty pair or the console. Everything below `mu` is
 * protected by it; `cv` is broadcast on every change.
 */
struct tty {
    int refs;  /* atomic */
    int index; /* the pts number (the console has one too); Immutable */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct tty_termios tio;
    struct winsize ws;
    /* The line discipline's input: committed entries (readable) ... */
    uint16_t in[TTY_IN_SIZE];
    size_t in_head, in_len;
    size_t in_lines; /* canonical lines (TTY_ENT_LINE_END entries) in `in` */
    /* ... and the canonical line being edited. */
    uint8_t line[TTY_IN_SIZE];
    size_t line_len;
    bool stopped;       /* IXON: VSTOP held the output (master reads wait for VSTART) */
    bool lnext;         /* the previous byte was VLNEXT */
    size_t column;      /* the output column (for tab erase) */
    size_t line_column; /* the column where the current line started */
    /* The output queue: what the master reads. */
    uint8_t out[TTY_OUT_SIZE];
    size_t out_head, out_len;
    /* The pty. */
    bool locked;         /* TIOCSPTLCK: the replica cannot be opened */
    int masters;         /* open master files */
    int replicas;        /* open replica files (incl. /dev/tty ones) */
    bool replica_closed; /* the last replica closed: master reads EIO */
    bool packet;         /* TIOCPKT */
    uint8_t pkt_status;  /* TIOCPKT_FLUSHREAD ... pending for the master */
    bool hung_up;        /* the master went away */
    uint32_t uid, gid;   /* the pts node's owner */
    uint32_t mode;       /* the pts node's permission bits */
    /* Job control: the session it controls (0: none) and its foreground group. */
    int session;
    int pgrp;
    struct kernel *k; /* where `session` lives (set with it); Not owned */
    /* Signals for the foreground group / session raised by the line discipline under `mu`,
     * sent once it is dropped. */
    int pending_sig[4];
    int npending_sig;
    bool console;     /* the master side is a host fd (console.c); Immutable */
    struct tty *next; /* the registry; protected by g_tty_registry_mu */
};

extern pthread_mutex_t g_tty_registry_mu;
extern struct tty *g_tty_registry;

/* Allocates a terminal with default termios (cooked, echo, ONLCR), one reference, registered,
 * with the lowest free pts number. NULL on OOM or when every number is taken. */
struct tty *tty_new(bool console);
struct tty *get_tty(struct tty *tty);
void put_tty(struct tty *tty);
/* Returns a new reference to the pty numbered `index` (with a master open), or NULL. */
struct tty *tty_find_index(int index);

/* ---- line discipline (ldisc.c); all need tty->mu ---- */

/* Sets the default termios of a new terminal. */
void ldisc_init_termios(struct tty_termios *tio);
/*
 * Feeds byte `c` typed on the master side through input processing. Returns
 * false (nothing consumed) when the input queue has no room for it now.
 */
bool ldisc_receive_locked(struct tty *tty, uint8_t c);
/* Writes `len` bytes of the replica through output processing into the output queue. Returns
 * how many bytes of `buf` were consumed (fewer when the queue is full). */
size_t ldisc_write_locked(struct tty *tty, const uint8_t *buf, size_t len);
/* Copies readable input to `buf` as read(2) on the replica would: one line at most in
 * canonical mode. Returns the byte count; `*eof` set when a VEOF line was consumed. */
size_t ldisc_read_locked(struct tty *tty, uint8_t *buf, size_t len, bool *eof);
/* Whether a replica read would return now (a full line in canonical mode, `min` bytes in
 * raw mode). */
bool ldisc_readable_locked(const struct tty *tty, size_t min);
/* Bytes a read could return (FIONREAD). */
size_t ldisc_input_bytes_locked(const struct tty *tty);
/* Applies new termios (canonical to raw commits the edited line). */
void ldisc_set_termios_locked(struct tty *tty, const struct tty_termios *tio);
/* Discards the input (and the edited line) / the output queue; sets packet flush bits. */
void ldisc_flush_input_locked(struct tty *tty);
void ldisc_flush_output_locked(struct tty *tty);
/* Copies at most `len` bytes of the output queue into `buf`. Returns the count. */
size_t ldisc_take_output_locked(struct tty *tty, uint8_t *buf, size_t len);

/* ---- terminals (tty.c) ---- */

/* A new master or replica file of `tty` (takes its own reference). NULL on OOM. */
struct file *tty_file_new(struct tty *tty, bool master, unsigned int flags);
/* Opens the replica of `tty` (-EIO while locked or without a master); without O_NOCTTY a
 * session leader without a terminal acquires it. */
long tty_replica_open(struct tty *tty, unsigned int flags, struct file **out);
/* Bytes typed on the master side: through the line discipline; blocks while the input queue
 * is full (`t` may be NULL: the console thread). Returns the count or -Exxx. */
long tty_master_input(struct tty *tty, struct task *t, const uint8_t *buf, size_t len,
                      bool nonblock);
/* What the master side reads (the replica's output, packet status). Blocks; -EIO once every
 * replica closed. */
long tty_master_output(struct tty *tty, struct task *t, uint8_t *buf, size_t len, bool nonblock);
/* Sets the window size; a change sends SIGWINCH to the foreground group. */
void tty_set_winsize(struct tty *tty, const struct winsize *ws);
/* The master side is gone: replicas see a hang-up, the session leader SIGHUP and SIGCONT. */
void tty_hangup(struct tty *tty);

/* TIOCGPTPEER: opens the replica of master `f` through its devpts node (devpts.c). Returns the
 * new fd in `t` or -Exxx. */
long devpts_open_peer(struct file *f, struct task *t, unsigned int flags);
