/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded little-endian cursors over hostile binary input, and length-prefixed socket frames. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "common/cleanup.h"
#include "common/fdutil.h"
#include "common/wire.h"
#include "common/xalloc.h"

void rt_wire_reader_init(struct rt_wire_reader *r, const void *data, size_t len)
{
    r->data = data;
    r->len = data ? len : 0;
    r->off = 0;
    r->failed = false;
}

/* Returns the next `n` bytes and advances, or NULL (setting the sticky flag). */
static const uint8_t *take(struct rt_wire_reader *r, size_t n)
{
    const uint8_t *p;

    /* off <= len always holds, so len - off cannot underflow and nothing overflows. */
    if (r->failed || n > r->len - r->off) {
        r->failed = true;
        return NULL;
    }
    p = r->data + r->off;
    r->off += n;
    return p;
}

uint8_t rt_wire_get_u8(struct rt_wire_reader *r)
{
    const uint8_t *p = take(r, 1);

    return p ? p[0] : 0;
}

uint16_t rt_wire_get_u16(struct rt_wire_reader *r)
{
    const uint8_t *p = take(r, 2);

    return p ? (uint16_t)(p[0] | (uint16_t)p[1] << 8) : 0;
}

uint32_t rt_wire_get_u32(struct rt_wire_reader *r)
{
    const uint8_t *p = take(r, 4);

    if (p == NULL)
        return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t rt_wire_get_u64(struct rt_wire_reader *r)
{
    uint32_t lo = rt_wire_get_u32(r);
    uint32_t hi = rt_wire_get_u32(r);

    return r->failed ? 0 : ((uint64_t)hi << 32 | lo);
}

const uint8_t *rt_wire_get_bytes(struct rt_wire_reader *r, size_t n)
{
    return take(r, n);
}

bool rt_wire_get_copy(struct rt_wire_reader *r, void *out, size_t n)
{
    const uint8_t *p = take(r, n);

    if (p == NULL) {
        memset(out, 0, n);
        return false;
    }
    memcpy(out, p, n);
    return true;
}

const uint8_t *rt_wire_get_lp_bytes(struct rt_wire_reader *r, size_t max, size_t *len)
{
    uint32_t n = rt_wire_get_u32(r);
    const uint8_t *p;

    *len = 0;
    if (r->failed)
        return NULL;
    if (n > max) {
        r->failed = true;
        return NULL;
    }
    p = take(r, n);
    if (p)
        *len = n;
    return p;
}

size_t rt_wire_remaining(const struct rt_wire_reader *r)
{
    return r->failed ? 0 : r->len - r->off;
}

bool rt_wire_ok(const struct rt_wire_reader *r)
{
    return !r->failed;
}

bool rt_wire_done(const struct rt_wire_reader *r)
{
    return !r->failed && r->off == r->len;
}

void rt_wire_put_u8(struct rt_wire_writer *w, uint8_t v)
{
    strbuf_append_len(&w->sb, (const char *)&v, 1);
}

void rt_wire_put_u16(struct rt_wire_writer *w, uint16_t v)
{
    char b[2] = { (char)(v & 0xff), (char)(v >> 8) };

    strbuf_append_len(&w->sb, b, sizeof(b));
}

void rt_wire_put_u32(struct rt_wire_writer *w, uint32_t v)
{
    char b[4];

    for (int i = 0; i < 4; i++)
        b[i] = (char)(v >> (8 * i));
    strbuf_append_len(&w->sb, b, sizeof(b));
}

void rt_wire_put_u64(struct rt_wire_writer *w, uint64_t v)
{
    rt_wire_put_u32(w, (uint32_t)v);
    rt_wire_put_u32(w, (uint32_t)(v >> 32));
}

void rt_wire_put_bytes(struct rt_wire_writer *w, const void *data, size_t n)
{
    strbuf_append_len(&w->sb, data, n);
}

void rt_wire_put_lp_bytes(struct rt_wire_writer *w, const void *data, size_t n)
{
    if (n > UINT32_MAX)
        abort();
    rt_wire_put_u32(w, (uint32_t)n);
    rt_wire_put_bytes(w, data, n);
}

const uint8_t *rt_wire_writer_data(const struct rt_wire_writer *w)
{
    return (const uint8_t *)strbuf_str(&w->sb);
}

size_t rt_wire_writer_len(const struct rt_wire_writer *w)
{
    return w->sb.len;
}

uint8_t *rt_wire_writer_detach(struct rt_wire_writer *w, size_t *len)
{
    *len = w->sb.len;
    return (uint8_t *)strbuf_detach(&w->sb);
}

void rt_wire_writer_release(struct rt_wire_writer *w)
{
    strbuf_release(&w->sb);
}

int rt_frame_send(int sock, const void *payload, size_t len, const int *fds, size_t nfds,
                  rt_error_t *err)
{
    uint8_t hdr[RT_FRAME_HEADER_SIZE];
    struct iovec iov[2] = {
        { .iov_base = hdr, .iov_len = sizeof(hdr) },
        { .iov_base = (void *)payload, .iov_len = len },
    };

    if (len > RT_FRAME_MAX)
        return rt_make_error(err, EMSGSIZE, "send frame of %zu bytes (the limit is %u)", len,
                             RT_FRAME_MAX);
    for (int i = 0; i < 4; i++)
        hdr[i] = (uint8_t)(len >> (8 * i));
    if (rt_sendv_fds(sock, iov, len ? 2 : 1, fds, nfds, err) < 0)
        return rt_error_wrap(err, "sending frame");
    return 0;
}

/*
 * Reads up to `want` bytes into `buf` with one recvmsg, appending any fds to
 * fds[*nf..maxfds). *got is 0 at EOF.
 */
static int frame_read_chunk(int sock, uint8_t *buf, size_t want, size_t *got, int *fds,
                            size_t maxfds, size_t *nf, rt_error_t *err)
{
    size_t more = 0;

    if (rt_recv_fds(sock, buf, want, got, fds ? fds + *nf : NULL, maxfds - *nf, &more, err) < 0)
        return -1;
    *nf += more;
    return 0;
}

int rt_frame_recv(int sock, size_t max, uint8_t **payload, size_t *len, int *fds, size_t maxfds,
                  size_t *nfds, rt_error_t *err)
{
    uint8_t hdr[RT_FRAME_HEADER_SIZE];
    cleanup_free uint8_t *buf = NULL;
    size_t have = 0;
    size_t nf = 0;
    size_t got = 0;
    uint32_t plen;
    int ret;

    *payload = NULL;
    *len = 0;
    if (nfds)
        *nfds = 0;
    if (fds == NULL || nfds == NULL)
        maxfds = 0;
    if (max == 0 || max > RT_FRAME_MAX)
        max = RT_FRAME_MAX;

    while (have < sizeof(hdr)) {
        if (frame_read_chunk(sock, hdr + have, sizeof(hdr) - have, &got, fds, maxfds, &nf, err) <
            0) {
            ret = rt_error_wrap(err, "receiving frame");
            goto fail;
        }
        if (got == 0) {
            if (have == 0 && nf == 0)
                return 0;
            ret = rt_make_error(err, ECONNRESET,
                                "receiving frame: connection closed in the middle of a frame");
            goto fail;
        }
        have += got;
    }
    plen =
        (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
    if (plen > max) {
        ret = rt_make_error(err, EMSGSIZE, "receiving frame: %u bytes is more than the limit %zu",
                            plen, max);
        goto fail;
    }
    buf = xmalloc(plen ? plen : 1);
    have = 0;
    while (have < plen) {
        if (frame_read_chunk(sock, buf + have, plen - have, &got, fds, maxfds, &nf, err) < 0) {
            ret = rt_error_wrap(err, "receiving frame");
            goto fail;
        }
        if (got == 0) {
            ret = rt_make_error(err, ECONNRESET,
                                "receiving frame: connection closed in the middle of a frame "
                                "(%zu of %u bytes)",
                                have, plen);
            goto fail;
        }
        have += got;
    }
    *payload = steal_pointer(&buf);
    *len = plen;
    if (nfds)
        *nfds = nf;
    return 1;

fail:
    if (fds)
        rt_close_fd_array(fds, nf);
    return ret;
}
