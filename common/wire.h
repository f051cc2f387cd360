/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded little-endian cursors over hostile binary input, and length-prefixed socket frames. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/strbuf.h"

/*
 * A reader never reads past `len`. The first failed get sets `failed`, which
 * stays set (sticky): every later get fails too and returns 0 / NULL, so a
 * parser may read a whole record and check rt_wire_ok() once at the end.
 */
struct rt_wire_reader {
    const uint8_t *data; /* not owned */
    size_t len;
    size_t off; /* bytes consumed, always <= len */
    bool failed;
};

/* Starts a reader over `data`, which must outlive it. */
void rt_wire_reader_init(struct rt_wire_reader *r, const void *data, size_t len);

uint8_t rt_wire_get_u8(struct rt_wire_reader *r);
uint16_t rt_wire_get_u16(struct rt_wire_reader *r);
uint32_t rt_wire_get_u32(struct rt_wire_reader *r);
uint64_t rt_wire_get_u64(struct rt_wire_reader *r);

/* Returns a pointer to the next `n` bytes inside the buffer (borrowed), or NULL. */
const uint8_t *rt_wire_get_bytes(struct rt_wire_reader *r, size_t n);

/* Copies the next `n` bytes into `out`; returns false (and zero-fills `out`) on failure. */
bool rt_wire_get_copy(struct rt_wire_reader *r, void *out, size_t n);

/*
 * Reads a u32 length and that many bytes; *len gets the length. Returns a
 * borrowed pointer, or NULL when the length exceeds `max` or the buffer.
 */
const uint8_t *rt_wire_get_lp_bytes(struct rt_wire_reader *r, size_t max, size_t *len);

/* Bytes left to read (0 once failed). */
size_t rt_wire_remaining(const struct rt_wire_reader *r);

/* True while no get has failed. */
bool rt_wire_ok(const struct rt_wire_reader *r);

/* True when no get failed and every byte was consumed. */
bool rt_wire_done(const struct rt_wire_reader *r);

/* A growable little-endian writer; aborts on OOM like the rest of the host tier. */
struct rt_wire_writer {
    struct strbuf sb; /* owned */
};

#define RT_WIRE_WRITER_INIT \
    {                       \
        STRBUF_INIT         \
    }

void rt_wire_put_u8(struct rt_wire_writer *w, uint8_t v);
void rt_wire_put_u16(struct rt_wire_writer *w, uint16_t v);
void rt_wire_put_u32(struct rt_wire_writer *w, uint32_t v);
void rt_wire_put_u64(struct rt_wire_writer *w, uint64_t v);
void rt_wire_put_bytes(struct rt_wire_writer *w, const void *data, size_t n);
/* A u32 length then the bytes; n must fit in 32 bits (aborts otherwise: a programming error). */
void rt_wire_put_lp_bytes(struct rt_wire_writer *w, const void *data, size_t n);
/* The bytes written so far (borrowed; valid until the next put or release). */
const uint8_t *rt_wire_writer_data(const struct rt_wire_writer *w);
size_t rt_wire_writer_len(const struct rt_wire_writer *w);
/* Hands the buffer to the caller (free()); *len gets its size. The writer is reset. */
uint8_t *rt_wire_writer_detach(struct rt_wire_writer *w, size_t *len);
void rt_wire_writer_release(struct rt_wire_writer *w);

/*
 * Frames on the control and gofer sockets: a u32 little-endian payload
 * length, then the payload. Descriptors ride on the first byte of the frame
 * (SCM_RIGHTS) in the order the message declares.
 */
#define RT_FRAME_HEADER_SIZE 4
#define RT_FRAME_MAX         (4u << 20) /* 4 MiB: bigger frames are refused both ways */

/*
 * Sends one frame of `len` bytes (len <= RT_FRAME_MAX; 0 is allowed) with
 * `nfds` descriptors (at most RT_MAX_FDS_PER_MSG, still owned by the caller).
 * Returns 0 or < 0 with *err.
 */
int rt_frame_send(int sock, const void *payload, size_t len, const int *fds, size_t nfds,
                  rt_error_t *err);

/*
 * Receives one frame, reassembling partial reads. `max` bounds the payload
 * (0 or more than RT_FRAME_MAX means RT_FRAME_MAX); a longer declared length is
 * an EMSGSIZE error before anything is allocated. On success *payload is a new
 * buffer owned by the caller (free(); never NULL, even for an empty frame),
 * *len its size, and fds[0..*nfds) the descriptors that came with the frame
 * (close-on-exec, owned by the caller).
 * Returns 1 for a frame, 0 when the peer closed cleanly before the first byte
 * of a frame, and < 0 with *err otherwise (EOF inside a frame is ECONNRESET
 * "connection closed in the middle of a frame"); on failure no buffer or
 * descriptor is left to the caller, and the stream may be out of step (a
 * refused frame is not skipped), so the caller drops the connection.
 * Meant for blocking sockets: EAGAIN is an error like any other.
 */
int rt_frame_recv(int sock, size_t max, uint8_t **payload, size_t *len, int *fds, size_t maxfds,
                  size_t *nfds, rt_error_t *err);
