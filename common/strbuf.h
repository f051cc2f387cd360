/* SPDX-License-Identifier: Apache-2.0 */
/* A growable, always NUL-terminated byte buffer for the host tier. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf;  /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
};

#define STRBUF_INIT \
    {               \
        NULL, 0, 0  \
    }

/* Ensures room for `extra` more bytes plus a NUL; aborts on OOM. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_append_len(struct strbuf *sb, const char *data, size_t len);
void strbuf_append(struct strbuf *sb, const char *s);
void strbuf_append_char(struct strbuf *sb, char c);
void strbuf_appendf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends `s` as a quoted JSON string, escaping control characters, quotes and backslashes. */
void strbuf_append_json_string(struct strbuf *sb, const char *s);
/* Returns the contents ("" when empty); the buffer keeps ownership. */
const char *strbuf_str(const struct strbuf *sb);
/* Returns the contents as a new string owned by the caller and resets the buffer. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
