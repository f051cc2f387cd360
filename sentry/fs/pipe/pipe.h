/* SPDX-License-Identifier: Apache-2.0 */
/* Pipes and FIFOs: a bounded byte buffer with Linux's blocking, atomicity and EOF/EPIPE rules. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pipe;
struct file;
struct task;

/* Linux's defaults: 16 pages of capacity, PIPE_BUF atomic writes, 1 MiB max for F_SETPIPE_SZ. */
#define PIPE_DEFAULT_SIZE (16 * 4096)
#define PIPE_MAX_SIZE     (1024 * 1024)

/* Creates an unopened pipe (a FIFO's) with one reference. NULL on OOM. */
struct pipe *pipe_new(void);
void put_pipe(struct pipe *p);

/*
 * pipe2(2): creates a pipe and its read and write ends (`flags` may hold
 * O_NONBLOCK, O_DIRECT). Returns 0 or -ENOMEM.
 */
long pipe_create(unsigned int flags, struct file **rd, struct file **wr);

/*
 * Opens a FIFO end as open(2) would: O_RDONLY waits for a writer (unless
 * O_NONBLOCK), O_WRONLY waits for a reader (ENXIO with O_NONBLOCK), O_RDWR
 * never waits. Returns 0 or -Exxx.
 */
long pipe_fifo_open(struct pipe *p, unsigned int flags, struct file **out);

/* Returns true when `f` is a pipe end. */
bool pipe_is_pipe(const struct file *f);

/* F_GETPIPE_SZ / F_SETPIPE_SZ on a pipe end. Return the size or -Exxx. */
long pipe_get_size(struct file *f);
long pipe_set_size(struct file *f, unsigned long size);

/*
 * A count of the events on pipe end `f` (0 for any other file): for a read
 * end, data written and the last writer gone; for a write end, a buffer freed,
 * a resize and the last reader gone. epoll's edge-triggered items report again
 * when it moves, even if the end stayed ready.
 */
uint64_t pipe_event_seq(const struct file *f);

/*
 * The task a blocking pipe operation serves, set by the syscall layer around
 * reads and writes so that a wait can see the task's signals (EINTR) and a
 * write to a pipe without readers can send SIGPIPE. NULL outside a syscall.
 */
extern __thread struct task *g_pipe_current_task;
