/* SPDX-License-Identifier: Apache-2.0 */
/* Container state under the state root: <root>/<id>/meta.json, its lock, ids and listing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/common.h"

/*
 * On-disk layout (DESIGN.md section 2):
 *   <root>/                  0711, created on demand
 *   <root>/<id>/             0711, one per container; mkdir decides who created it
 *   <root>/<id>/meta.json    0600, replaced atomically (temp file, fsync, rename)
 *   <root>/<id>/meta.lock    flock'd by every read-modify-write of meta.json
 *   <root>/<id>~deleting     a container being removed (see container_remove_dir)
 */

/* meta.json's format version; a newer file is refused rather than misread. */
#define CONTAINER_META_VERSION 1

#define CONTAINER_ID_MAX 1024

enum container_status {
    CONTAINER_CREATING = 0,
    CONTAINER_CREATED,
    CONTAINER_RUNNING,
    CONTAINER_PAUSED,
    CONTAINER_STOPPED,
};

struct container_annotation {
    char *key;   /* owned */
    char *value; /* owned */
};

/* A process started by `exec` in the container. */
struct container_exec {
    int pid;                              /* sandbox-internal pid */
    pid_t waiter_pid;                     /* host pid written to exec's --pid-file, or 0 */
    unsigned long long waiter_start_time; /* field 22 of the waiter's /proc/<pid>/stat */
    bool exited;                          /* exit_status is known */
    int exit_status;                      /* wait status as the waiter exits with it */
};

/*
 * What runsc-c knows of a container. Every string is owned by the struct (NULL
 * when unset) and freed by container_meta_free(). Pids are host pids, 0 when
 * unset; each comes with its start time so a recycled pid is never taken for it.
 */
struct container_meta {
    int version; /* CONTAINER_META_VERSION when written by this build */
    char *id;
    char *bundle;        /* absolute bundle directory */
    char *config_path;   /* absolute path of config.json */
    char *config_digest; /* "sha256:<64 hex>" of config.json at create (container_config_digest) */
    enum container_status status;
    char *created;    /* RFC3339 with nanoseconds, UTC ("2024-05-01T10:00:00.123456789Z") */
    uid_t owner;      /* uid that created the container */
    char *sandbox_id; /* id of the container whose sandbox (sentry) hosts this one; == id for
                         the pod's first container */
    pid_t sandbox_pid;
    unsigned long long sandbox_start_time;
    pid_t gofer_pid;
    unsigned long long gofer_start_time;
    pid_t waiter_pid; /* the --pid-file pid (CONTRACT.md) */
    unsigned long long waiter_start_time;
    char *control_socket;                     /* path of the sandbox's control socket */
    struct container_annotation *annotations; /* owned array, copied from the spec at create */
    size_t n_annotations;
    struct container_exec *execs; /* owned array */
    size_t n_execs;
};

/* Returns "creating", "created", "running", "paused" or "stopped". */
const char *container_status_name(enum container_status s);

/* Parses a status name; returns false when `s` is none of them. */
bool container_status_parse(const char *s, enum container_status *out);

/* Returns a new, zeroed meta with `id` copied and version set. Owned by the caller. */
struct container_meta *container_meta_new(const char *id);

/* Frees `m` and everything it owns. NULL is a no-op. */
void container_meta_free(struct container_meta *m);

/* Copies `key`/`value` into a new annotation of `m` (a later duplicate key replaces). */
void container_meta_set_annotation(struct container_meta *m, const char *key, const char *value);

/* Returns the annotation `key` of `m` (borrowed), or NULL. */
const char *container_meta_annotation(const struct container_meta *m, const char *key);

/* Appends a copy of `e` to `m`'s exec list and returns it (valid until the next append). */
struct container_exec *container_meta_add_exec(struct container_meta *m,
                                               const struct container_exec *e);

/* Writes the current time as RFC3339 with nanoseconds, UTC, into `buf` (>= 32 bytes). */
void container_now_rfc3339(char *buf, size_t size);

/*
 * Computes "sha256:<hex>" of the file at `path` into `*out` (owned by the
 * caller). Returns 0, or < 0 with `*err` set.
 */
int container_config_digest(const char *path, char **out, rt_error_t *err);

/* Creates the state root `root` and its parents (the root itself 0711). */
int container_root_init(const char *root, rt_error_t *err);

/*
 * Checks that `id` is a valid container id: `^[A-Za-z0-9_+.-]+$`, not "." or
 * "..", at most CONTAINER_ID_MAX bytes. Returns 0, or < 0 (EINVAL) with `*err` set.
 */
int container_id_validate(const char *id, rt_error_t *err);

/*
 * Finds the container named by `prefix`: an exact id wins, otherwise a prefix
 * matching exactly one container abbreviates it. On success `*id` is the full id
 * (owned by the caller). None: status ENOENT, "container `x` does not exist";
 * several: status EINVAL, message listing the candidates.
 */
int container_resolve_id(const char *root, const char *prefix, char **id, rt_error_t *err);

/*
 * Creates `<root>/<id>` (and the root when missing). mkdir is the arbiter
 * between parallel creators: exactly one succeeds, the others fail with status
 * EEXIST, "container `x` already exists". Returns 0, or < 0 with `*err` set.
 */
int container_create_dir(const char *root, const char *id, rt_error_t *err);

/*
 * Takes the exclusive lock `<root>/<id>/meta.lock`, waiting for it. On success
 * `*lockfd` is owned by the caller; closing it releases the lock. When the
 * container is removed while we wait, fails with status ENOENT, "container `x`
 * does not exist". Returns 0, or < 0 with `*err` set.
 */
int container_lock(const char *root, const char *id, int *lockfd, rt_error_t *err);

/*
 * Reads `<root>/<id>/meta.json` into a new `*out` (owned by the caller; free with
 * container_meta_free). Liveness is checked: when the recorded sandbox process
 * is gone (or its pid now names another process: the start time differs), or
 * the container's waiter has exited, the status reads CONTAINER_STOPPED. A
 * missing meta.json fails with status ENOENT ("container `x` does not exist");
 * a torn or malformed one with status EINVAL and a message naming the file.
 * Needs no lock (the file is replaced atomically); hold container_lock() when
 * the result will be modified and saved.
 */
int container_meta_load(const char *root, const char *id, struct container_meta **out,
                        rt_error_t *err);

/*
 * Parses meta.json text `data` (of `len` bytes; `what` names it in errors) into
 * a new `*out` without liveness checks. Returns 0, or < 0 (EINVAL) with `*err` set.
 */
int container_meta_parse(const char *data, size_t len, const char *what,
                         struct container_meta **out, rt_error_t *err);

/*
 * Replaces `<root>/<id>/<name>` with `len` bytes of `data` (mode 0600) by a
 * temp file and rename(): readers and a writer killed at any point never
 * leave or see a torn file. Not fsync'd (the state describes processes,
 * which a power loss ends too). Returns 0, or < 0 with `*err` set.
 */
int container_write_state_file(const char *root, const char *id, const char *name, const void *data,
                               size_t len, rt_error_t *err);

/*
 * Writes `m` to `<root>/<m->id>/meta.json` atomically. The caller holds
 * container_lock() for `m->id`. Returns 0, or < 0 with `*err` set.
 */
int container_meta_save_locked(const char *root, const struct container_meta *m, rt_error_t *err);

/*
 * Returns true when the container's sandbox process (and its waiter, when one
 * is recorded) are alive and still the processes recorded in `m`.
 */
bool container_meta_is_alive(const struct container_meta *m);

/*
 * Loads every container under `root`, sorted by id, into a new array `*out` of
 * `*n` metas (free with container_meta_list_free). A missing root is an empty
 * list. Directories without meta.json (a create or delete in flight) are
 * skipped; a malformed meta.json is skipped with a warning. Returns 0, or < 0.
 */
int container_list(const char *root, struct container_meta ***out, size_t *n, rt_error_t *err);

/* Frees an array returned by container_list(). */
void container_meta_list_free(struct container_meta **list, size_t n);

/*
 * Removes `<root>/<id>` and everything in it, crash-safely: the directory is
 * first renamed to `<root>/<id>~deleting` (the container vanishes at once; '~'
 * is not an id character, so listing never sees it), then removed. Leftovers of
 * an interrupted removal are finished first. A missing container is success,
 * so the call is idempotent. The caller may hold container_lock(): the lock file
 * goes with the directory. Returns 0, or < 0 with `*err` set.
 */
int container_remove_dir(const char *root, const char *id, rt_error_t *err);

/*
 * Returns the OCI state of `m` as a JSON object text (owned by the caller):
 * ociVersion, id, pid (the waiter pid; 0 when stopped), status, bundle,
 * created, owner (a user name, or "#uid"), annotations. Indented when `pretty`,
 * otherwise one line without a trailing newline.
 */
char *container_state_json(const struct container_meta *m, bool pretty);

/* Returns the user name of `uid` (owned by the caller), or "#<uid>" when it has none. */
char *container_owner_name(uid_t uid);
