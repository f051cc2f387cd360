/* SPDX-License-Identifier: Apache-2.0 */
/* Plain C requests and responses of the control socket, and their validating protobuf codec. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/fdutil.h"

/*
 * proto/control.proto describes the wire format; nothing outside
 * proto/control_codec.c sees a protobuf-c struct. Decoding treats every byte
 * as hostile: a message that fails any check below is refused with EINVAL
 * (EPROTONOSUPPORT for a version this side does not speak, EMSGSIZE for one
 * that is too big), and every descriptor that came with it is closed.
 */

#define CONTROL_VERSION 1

/* Bounds of what a decoder accepts. */
#define CONTROL_ID_MAX          1024 /* container ids: DESIGN.md section 2 (CONTAINER_ID_MAX) */
#define CONTROL_PATH_MAX        4096 /* bundle, mount destinations */
#define CONTROL_MAX_FDS         RT_MAX_FDS_PER_MSG
#define CONTROL_MAX_MOUNTS      CONTROL_MAX_FDS
#define CONTROL_MSG_MAX         4096  /* error messages */
#define CONTROL_STR_MAX         4096  /* tty and cmd of a process */
#define CONTROL_MAX_PROCESSES   65536 /* entries of a processes result */
#define CONTROL_SIGNAL_MAX      64    /* highest Linux signal number (SIGRTMAX) */
#define CONTROL_CONSOLE_DIM_MAX 65535 /* struct winsize fields are unsigned short */

enum control_stdio_kind {
    CONTROL_STDIO_FDS = 1,  /* 3 fds: stdin, stdout, stderr */
    CONTROL_STDIO_TTY = 2,  /* 1 fd: a pty replica */
    CONTROL_STDIO_NULL = 3, /* no fds: /dev/null inside the sandbox */
};

struct control_stdio {
    enum control_stdio_kind kind;
    bool has_console_size; /* CONTROL_STDIO_TTY only */
    uint32_t rows, cols;
};

/* CreateContainer, and the container of a Restore. */
struct control_create {
    const char *container_id;
    const char *bundle; /* may be "" */
    const uint8_t *spec_json;
    size_t spec_json_len; /* >= 1 */
    struct control_stdio stdio;
    uint32_t gofer_fd_count;   /* 0, or 1 + n_gofer_mounts */
    const char **gofer_mounts; /* n_gofer_mounts absolute paths */
    size_t n_gofer_mounts;
    uint32_t preserve_fd_count;
};

struct control_exec {
    const char *container_id;
    const uint8_t *process_json;
    size_t process_json_len; /* >= 1 */
    struct control_stdio stdio;
    uint32_t preserve_fd_count;
};

struct control_wait {
    const char *container_id;
    int32_t pid; /* 0: the container's init */
};

enum control_signal_target {
    CONTROL_SIGNAL_PROCESS = 1,
    CONTROL_SIGNAL_INIT = 2,
    CONTROL_SIGNAL_ALL = 3,
    CONTROL_SIGNAL_FOREGROUND = 4,
};

/* New limits for a container; only the pids limit reaches the sentry. */
struct control_update {
    const char *container_id;
    bool has_pids_limit;
    int64_t pids_limit; /* <= 0: none */
};

struct control_signal {
    const char *container_id;
    int32_t signo; /* 0 (existence check) .. CONTROL_SIGNAL_MAX */
    enum control_signal_target target;
    int32_t pid; /* > 0 for CONTROL_SIGNAL_PROCESS, 0 otherwise */
};

struct control_checkpoint {
    bool leave_running;
};

enum control_request_kind {
    CONTROL_REQ_CREATE = 1,
    CONTROL_REQ_START,
    CONTROL_REQ_EXEC,
    CONTROL_REQ_WAIT,
    CONTROL_REQ_SIGNAL,
    CONTROL_REQ_PAUSE,
    CONTROL_REQ_RESUME,
    CONTROL_REQ_PROCESSES,
    CONTROL_REQ_STATS,
    CONTROL_REQ_CHECKPOINT,
    CONTROL_REQ_RESTORE,
    CONTROL_REQ_DESTROY,
    CONTROL_REQ_SHUTDOWN,
    CONTROL_REQ_UPDATE,
    CONTROL_REQ_COUNT_,
};

/*
 * One request. A decoded request owns its strings, buffers and `fds`
 * (heap memory despite the const; release with control_request_free). A request built by a caller
 * for control_request_encode is only read: the caller keeps ownership of what it points to and does
 * not call control_request_free on it.
 */
struct control_request {
    uint64_t id; /* chosen by the client, echoed in the response */
    enum control_request_kind kind;
    union {
        struct control_create create;   /* CREATE, and RESTORE's container */
        const char *container_id;       /* START, PROCESSES, STATS, DESTROY */
        struct control_exec exec;       /* EXEC */
        struct control_wait wait;       /* WAIT */
        struct control_signal signal;   /* SIGNAL */
        struct control_checkpoint ckpt; /* CHECKPOINT */
        struct control_update update;   /* UPDATE */
    };
    /*
     * Decoded requests only: the descriptors that came with the message, in
     * the order control.proto declares (see control_request_fd_count). Owned;
     * a handler that keeps one sets its slot to -1 (take_fd).
     */
    int fds[CONTROL_MAX_FDS];
    size_t nfds;
};

enum control_result_kind {
    CONTROL_RESULT_NONE = 0,
    CONTROL_RESULT_EXEC,
    CONTROL_RESULT_WAIT,
    CONTROL_RESULT_PROCESSES,
    CONTROL_RESULT_STATS,
};

struct control_process_info {
    int32_t pid, ppid;
    uint32_t uid;
    uint64_t start_time_ns, utime_ns, stime_ns;
    char *tty; /* "" when none; owned */
    char *cmd; /* owned */
    int32_t host_pid;
};

struct control_stats {
    uint64_t cpu_user_ns, cpu_system_ns, cpu_total_ns;
    uint64_t memory_usage_bytes, memory_max_usage_bytes, memory_limit_bytes;
    uint64_t pids_current, pids_limit;
    uint64_t io_read_bytes, io_write_bytes;
};

/*
 * One response. `errnum` != 0 means the request failed: `message` says why and
 * `kind` is CONTROL_RESULT_NONE. A response always owns `message` and the
 * process array with its strings (heap memory; control_response_free), whether
 * decoded or built by a handler; encoding only reads it.
 */
struct control_response {
    uint64_t id; /* the request's id; 0 when the server could not read one */
    int errnum;  /* 0 or a Linux errno (1..4095) */
    char *message;
    enum control_result_kind kind;
    union {
        int32_t exec_pid;    /* CONTROL_RESULT_EXEC: > 0 */
        int32_t wait_status; /* CONTROL_RESULT_WAIT: as waitpid(2) encodes it */
        struct {
            struct control_process_info *v;
            size_t n;
        } processes;                /* CONTROL_RESULT_PROCESSES */
        struct control_stats stats; /* CONTROL_RESULT_STATS */
    };
};

/*
 * Checks a container or sandbox id against DESIGN.md's rules
 * (^[A-Za-z0-9_+.-]+$, not "." or "..", at most CONTROL_ID_MAX bytes);
 * `field` names it in the message. Returns 0, or < 0 (EINVAL) with *err.
 */
int control_id_validate(const char *field, const char *id, rt_error_t *err);

/* Returns the protocol name of a request kind ("create", "wait", ...), or "unknown". */
const char *control_request_kind_name(enum control_request_kind kind);

/* Returns the number of descriptors `kind` of stdio carries (3, 1 or 0). */
size_t control_stdio_fd_count(enum control_stdio_kind kind);

/*
 * Returns how many descriptors must travel with `req` (control.proto's
 * per-request comments), computed without overflow; a request whose count
 * exceeds CONTROL_MAX_FDS is refused by validation. `req` must be valid.
 */
size_t control_request_fd_count(const struct control_request *req);

/*
 * Checks `req` as the decoder would (ids, lengths, enums, fd counts in range).
 * Returns 0, or < 0 (EINVAL) with *err naming the field.
 */
int control_request_validate(const struct control_request *req, rt_error_t *err);

/*
 * Validates `req` (ignoring req->fds) and packs it into a new buffer *out
 * (owned by the caller, free()) of *len bytes, at most RT_FRAME_MAX.
 * Returns 0 or < 0 with *err.
 */
int control_request_encode(const struct control_request *req, uint8_t **out, size_t *len,
                           rt_error_t *err);

/*
 * Unpacks and validates `len` bytes into *out, taking ownership of the `nfds`
 * descriptors in `fds` whatever happens: on success they move into out->fds,
 * on failure all of them are closed (and *out is left empty). The count must
 * equal control_request_fd_count of the decoded request. A version other than
 * CONTROL_VERSION fails with EPROTONOSUPPORT; out->id is still set whenever
 * the message could be unpacked, so that the error reply can echo it.
 * Returns 0 or < 0 with *err.
 */
int control_request_decode(const uint8_t *buf, size_t len, int *fds, size_t nfds,
                           struct control_request *out, rt_error_t *err);

/* Frees what a decoded request owns and closes its remaining fds; `req` is left empty. */
void control_request_free(struct control_request *req);

/* Checks `resp` as the decoder would. Returns 0, or < 0 (EINVAL) with *err. */
int control_response_validate(const struct control_response *resp, rt_error_t *err);

/* Validates and packs `resp` like control_request_encode. */
int control_response_encode(const struct control_response *resp, uint8_t **out, size_t *len,
                            rt_error_t *err);

/*
 * Unpacks and validates a response. Responses carry no descriptors: `nfds`
 * > 0 is an error, and every one of `fds` is closed in all cases.
 * Returns 0 or < 0 with *err; on failure *out is left empty.
 */
int control_response_decode(const uint8_t *buf, size_t len, int *fds, size_t nfds,
                            struct control_response *out, rt_error_t *err);

/* Frees what a decoded response owns; `resp` is left empty. */
void control_response_free(struct control_response *resp);

/*
 * Sets `resp` to an error reply for request `id`: errnum (EIO when 0 or out
 * of range) and a copy of `msg` truncated to CONTROL_MSG_MAX bytes (owned by
 * `resp`; control_response_free releases it).
 */
void control_response_set_error(struct control_response *resp, uint64_t id, int errnum,
                                const char *msg);
