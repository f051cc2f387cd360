/* SPDX-License-Identifier: Apache-2.0 */
/* Plain C requests and responses of the gofer protocol, and their validating protobuf codec. */
#pragma once

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/*
 * proto/gofer.proto describes the wire format; nothing outside
 * proto/gofer_codec.c sees a protobuf-c struct. Decoding treats every byte as
 * hostile: a message that fails a check below is refused with EINVAL
 * (EPROTONOSUPPORT for another protocol version, EMSGSIZE when too big) and
 * every descriptor that came with it is closed.
 *
 * Both sides use the same validation: a request the client could not encode
 * is one the gofer would refuse, so the sentry learns of its own bugs early.
 */

#define GOFER_VERSION 1

#define GOFER_NAME_MAX          255        /* one path component (NAME_MAX) */
#define GOFER_TARGET_MAX        4095       /* symlink targets (PATH_MAX - 1) */
#define GOFER_XATTR_NAME_MAX    255        /* XATTR_NAME_MAX */
#define GOFER_XATTR_SIZE_MAX    65536      /* XATTR_SIZE_MAX: values */
#define GOFER_XATTR_LIST_MAX    65536      /* XATTR_LIST_MAX: listxattr's total length */
#define GOFER_GETDENTS_MAX      1024       /* entries in one Getdents reply */
#define GOFER_CLOSE_MAX         4096       /* fids in one Close */
#define GOFER_FID_NONE          0          /* never a valid fid */
#define GOFER_UID_KEEP          UINT32_MAX /* Create/Mkdir/...: leave the owner as created */
#define GOFER_TIME_NSEC_MAX     999999999u
#define GOFER_MAX_FDS_PER_REPLY 1

/* Open flags a request may carry (proto: Open.flags, Create.flags). */
#define GOFER_OPEN_FLAGS_MASK                                                                    \
    (O_ACCMODE | O_TRUNC | O_APPEND | O_DIRECT | O_DIRECTORY | O_NONBLOCK | O_NOATIME | O_SYNC | \
     O_DSYNC | O_LARGEFILE | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)

/* Setattr.mask bits (proto: SetattrMask). */
#define GOFER_SETATTR_MODE      1u
#define GOFER_SETATTR_UID       2u
#define GOFER_SETATTR_GID       4u
#define GOFER_SETATTR_SIZE      8u
#define GOFER_SETATTR_ATIME     16u
#define GOFER_SETATTR_MTIME     32u
#define GOFER_SETATTR_ATIME_NOW 64u
#define GOFER_SETATTR_MTIME_NOW 128u
#define GOFER_SETATTR_ALL       255u

enum gofer_op {
    GOFER_OP_ATTACH = 1,
    GOFER_OP_WALK,
    GOFER_OP_OPEN,
    GOFER_OP_CREATE,
    GOFER_OP_MKDIR,
    GOFER_OP_MKNOD,
    GOFER_OP_UNLINK,
    GOFER_OP_RMDIR,
    GOFER_OP_RENAME,
    GOFER_OP_LINK,
    GOFER_OP_SYMLINK,
    GOFER_OP_READLINK,
    GOFER_OP_GETDENTS,
    GOFER_OP_STAT,
    GOFER_OP_SETATTR,
    GOFER_OP_STATFS,
    GOFER_OP_GETXATTR,
    GOFER_OP_SETXATTR,
    GOFER_OP_LISTXATTR,
    GOFER_OP_REMOVEXATTR,
    GOFER_OP_CLOSE,
    GOFER_OP_COUNT_,
};

/* What stat(2) says (filled from statx(2) by the gofer). */
struct gofer_stat {
    uint64_t dev, ino;
    uint32_t mode; /* type and permission bits, as st_mode */
    uint64_t nlink;
    uint32_t uid, gid;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    int64_t atime_sec, mtime_sec, ctime_sec;
    uint32_t atime_nsec, mtime_nsec, ctime_nsec;
};

/*
 * One request. Which fields mean something depends on `op` (gofer.proto's
 * messages, field for field); the rest are zero. A decoded request owns its
 * strings, `value` and `fids` (heap memory despite the const; release with
 * gofer_request_free). A request built for gofer_request_encode is only read.
 *
 *   WALK, UNLINK, RMDIR:       fid (the directory), name
 *   OPEN:                      fid, flags
 *   CREATE:                    fid, name, flags, mode, uid, gid
 *   MKDIR:                     fid, name, mode, uid, gid
 *   MKNOD:                     fid, name, mode (type and permissions), rdev, uid, gid
 *   RENAME:                    fid, name (old), fid2, name2 (new), flags
 *   LINK:                      fid2 (target), fid (directory), name
 *   SYMLINK:                   fid, name, name2 (target), uid, gid
 *   READLINK, STAT, STATFS:    fid
 *   GETDENTS:                  fid, offset, count
 *   SETATTR:                   fid, setattr
 *   GETXATTR, LISTXATTR:       fid, name (GETXATTR only), size
 *   SETXATTR:                  fid, name, value, value_len, flags
 *   REMOVEXATTR:               fid, name
 *   CLOSE:                     fids, n_fids
 */
struct gofer_request {
    uint64_t tag; /* chosen by the client, echoed in the response */
    enum gofer_op op;
    uint64_t fid, fid2;
    const char *name, *name2;
    uint32_t flags, mode, uid, gid;
    uint64_t rdev;
    uint64_t offset;
    uint32_t count, size;
    const uint8_t *value;
    size_t value_len;
    struct {
        uint32_t mask; /* GOFER_SETATTR_* */
        uint32_t mode, uid, gid;
        uint64_t size;
        int64_t atime_sec, mtime_sec;
        uint32_t atime_nsec, mtime_nsec;
    } setattr;
    const uint64_t *fids;
    size_t n_fids;
};

enum gofer_result_kind {
    GOFER_RESULT_NONE = 0,
    GOFER_RESULT_FID,       /* attach, walk, create (+1 fd), mkdir, mknod, link, symlink */
    GOFER_RESULT_OPEN,      /* open (+1 fd) */
    GOFER_RESULT_READLINK,  /* readlink */
    GOFER_RESULT_GETDENTS,  /* getdents */
    GOFER_RESULT_STAT,      /* stat, setattr */
    GOFER_RESULT_STATFS,    /* statfs */
    GOFER_RESULT_GETXATTR,  /* getxattr */
    GOFER_RESULT_LISTXATTR, /* listxattr */
};

struct gofer_dirent {
    uint64_t ino;
    uint64_t offset; /* cookie: Getdents.offset to continue after this entry */
    uint8_t type;    /* DT_* */
    char *name;      /* owned; a valid name (never "." or "..") */
};

struct gofer_statfs {
    uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

/*
 * One response. `errnum` != 0 means the request failed and `kind` is
 * GOFER_RESULT_NONE. A response owns its strings and arrays (heap memory,
 * gofer_response_free), whether decoded or built by the server.
 */
struct gofer_response {
    uint64_t tag;
    int errnum; /* 0 or a Linux errno (1..4095) */
    enum gofer_result_kind kind;
    union {
        struct {
            uint64_t fid;
            struct gofer_stat stat;
        } fid;                  /* GOFER_RESULT_FID */
        struct gofer_stat stat; /* GOFER_RESULT_OPEN, GOFER_RESULT_STAT */
        char *readlink;         /* GOFER_RESULT_READLINK: the target */
        struct {
            struct gofer_dirent *v;
            size_t n;               /* 0 at the end of the directory */
        } dirents;                  /* GOFER_RESULT_GETDENTS */
        struct gofer_statfs statfs; /* GOFER_RESULT_STATFS */
        struct {
            uint8_t *value; /* NULL when the request's size was 0 */
            size_t len;
            uint32_t size; /* the value's full length */
        } getxattr;        /* GOFER_RESULT_GETXATTR */
        struct {
            char **names; /* n names (each non-empty, <= GOFER_XATTR_NAME_MAX) */
            size_t n;
            uint32_t size; /* the length listxattr(2) would return */
        } listxattr;       /* GOFER_RESULT_LISTXATTR */
    };
};

/* Returns the protocol name of `op` ("walk", "open", ...), or "unknown". */
const char *gofer_op_name(enum gofer_op op);

/* Returns true when `op` changes the file system (refused with EROFS on a read-only mount). */
bool gofer_op_is_mutation(enum gofer_op op);

/* Returns the result kind a successful reply to `op` carries. */
enum gofer_result_kind gofer_op_result_kind(enum gofer_op op);

/*
 * Returns how many descriptors travel with a reply to `op`: 1 for a
 * successful Open or Create, 0 otherwise (errors never carry one). Requests
 * never carry descriptors.
 */
size_t gofer_reply_fd_count(enum gofer_op op, int errnum);

/*
 * Checks one path component: non-empty, at most GOFER_NAME_MAX bytes, no '/'
 * (nor NUL, which a C string cannot hold past its end), not "." or "..".
 * Returns true when valid.
 */
bool gofer_name_is_valid(const char *name);

/*
 * Checks `req` as the decoder would: known op, non-zero fids, names, sizes,
 * flag masks. Returns 0, or < 0 (EINVAL) with *err naming the field.
 */
int gofer_request_validate(const struct gofer_request *req, rt_error_t *err);

/*
 * Validates `req` and packs it into a new buffer *out (owned by the caller,
 * free()) of *len bytes, at most RT_FRAME_MAX. Returns 0 or < 0 with *err.
 */
int gofer_request_encode(const struct gofer_request *req, uint8_t **out, size_t *len,
                         rt_error_t *err);

/*
 * Unpacks and validates `len` bytes into *out. Requests carry no descriptors:
 * every one of `fds` is closed in all cases, and nfds > 0 is an error. A
 * version other than GOFER_VERSION fails with EPROTONOSUPPORT. out->tag is
 * set whenever the message could be unpacked, so that the error reply can
 * echo it (0 otherwise); on failure nothing else is left in *out.
 * Returns 0 or < 0 with *err.
 */
int gofer_request_decode(const uint8_t *buf, size_t len, int *fds, size_t nfds,
                         struct gofer_request *out, rt_error_t *err);

/* Frees what a decoded request owns; `req` is left empty. */
void gofer_request_free(struct gofer_request *req);

/*
 * Checks `resp` as a reply to `op` (the result kind matches the op, names
 * and sizes in range). Returns 0, or < 0 (EINVAL) with *err.
 */
int gofer_response_validate(enum gofer_op op, const struct gofer_response *resp, rt_error_t *err);

/* Validates `resp` as a reply to `op` and packs it like gofer_request_encode. */
int gofer_response_encode(enum gofer_op op, const struct gofer_response *resp, uint8_t **out,
                          size_t *len, rt_error_t *err);

/*
 * Unpacks and validates a reply to `op` (the client knows which request a
 * tag answers). `nfds` must equal gofer_reply_fd_count(op, errnum): on
 * success the caller keeps the descriptors it passed in (they are not
 * touched); on failure every one of them is closed and *out is left empty.
 * Returns 0 or < 0 with *err.
 */
int gofer_response_decode(enum gofer_op op, const uint8_t *buf, size_t len, int *fds, size_t nfds,
                          struct gofer_response *out, rt_error_t *err);

/* Frees what `resp` owns; `resp` is left empty (kind NONE). */
void gofer_response_free(struct gofer_response *resp);

/* Sets `resp` to an error reply for `tag` (errnum EIO when 0 or out of range). */
void gofer_response_set_error(struct gofer_response *resp, uint64_t tag, int errnum);
