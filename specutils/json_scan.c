/* SPDX-License-Identifier: Apache-2.0 */
/* A tolerant JSON tokenizer: rewrites uint64-only integers and finds the JSON path at an offset. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "specutils/specutils_internal.h"

enum tok {
    TOK_END = 0,
    TOK_PUNCT,  /* one of {}[]:, */
    TOK_STRING, /* including the quotes; may be unterminated at the end */
    TOK_ATOM,   /* number or literal */
    TOK_OTHER,  /* anything else: one byte */
};

struct lexer {
    const char *p;
    const char *end;
    const char *tok;
    size_t tok_len;
};

static bool is_atom_char(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           ch == '+' || ch == '-' || ch == '.';
}

static enum tok lex_next(struct lexer *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
        lx->p++;
    lx->tok = lx->p;
    if (lx->p >= lx->end) {
        lx->tok_len = 0;
        return TOK_END;
    }
    char ch = *lx->p;
    if (strchr("{}[]:,", ch) != NULL && ch != '\0') {
        lx->p++;
        lx->tok_len = 1;
        return TOK_PUNCT;
    }
    if (ch == '"') {
        lx->p++;
        while (lx->p < lx->end && *lx->p != '"') {
            if (*lx->p == '\\' && lx->p + 1 < lx->end)
                lx->p++;
            lx->p++;
        }
        if (lx->p < lx->end)
            lx->p++;
        lx->tok_len = (size_t)(lx->p - lx->tok);
        return TOK_STRING;
    }
    if (is_atom_char(ch)) {
        while (lx->p < lx->end && is_atom_char(*lx->p))
            lx->p++;
        lx->tok_len = (size_t)(lx->p - lx->tok);
        return TOK_ATOM;
    }
    lx->p++;
    lx->tok_len = 1;
    return TOK_OTHER;
}

/* True when the atom is a plain integer in (INT64_MAX, UINT64_MAX]. */
static bool is_bigint(const char *s, size_t len)
{
    char buf[32];
    char *end;
    unsigned long long v;

    if (len == 0 || len >= sizeof(buf) || s[0] < '0' || s[0] > '9')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    if (len > 1 && s[0] == '0')
        return false; /* not JSON: let jansson say so */
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtoull(buf, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    return v > (unsigned long long)INT64_MAX;
}

char *sp_rewrite_bigints(const char *text, size_t len, const char *nonce, size_t *out_len)
{
    struct lexer lx = { .p = text, .end = text + len };
    struct strbuf sb = STRBUF_INIT;
    const char *copied = text;
    bool any = false;
    enum tok t;

    while ((t = lex_next(&lx)) != TOK_END) {
        if (t != TOK_ATOM || !is_bigint(lx.tok, lx.tok_len))
            continue;
        any = true;
        strbuf_append_len(&sb, copied, (size_t)(lx.tok - copied));
        strbuf_appendf(&sb, "\"\\u0000u64:%s:%.*s\"", nonce, (int)lx.tok_len, lx.tok);
        copied = lx.tok + lx.tok_len;
    }
    if (!any) {
        strbuf_release(&sb);
        return NULL;
    }
    strbuf_append_len(&sb, copied, (size_t)(text + len - copied));
    *out_len = sb.len;
    return strbuf_detach(&sb);
}

struct frame {
    bool is_object;
    bool want_key; /* object: the next string is a key */
    size_t index;  /* array: index of the current element */
    const char *key;
    size_t key_len; /* raw key text without quotes; 0 with key == NULL when none yet */
};

/* Frames beyond this many are counted but not remembered (jansson stops at 2048 anyway). */
#define MAX_FRAMES 4096

void sp_path_at_offset(const char *text, size_t len, size_t offset, struct strbuf *out)
{
    struct lexer lx = { .p = text, .end = text + (offset < len ? offset : len) };
    struct frame *frames = xcalloc(MAX_FRAMES, sizeof(*frames));
    size_t depth = 0; /* number of open containers */
    enum tok t;

    while ((t = lex_next(&lx)) != TOK_END) {
        struct frame *f = (depth > 0 && depth <= MAX_FRAMES) ? &frames[depth - 1] : NULL;

        if (t == TOK_PUNCT) {
            switch (lx.tok[0]) {
            case '{':
            case '[':
                depth++;
                if (depth <= MAX_FRAMES) {
                    frames[depth - 1] = (struct frame){ .is_object = lx.tok[0] == '{',
                                                        .want_key = lx.tok[0] == '{' };
                }
                break;
            case '}':
            case ']':
                if (depth > 0)
                    depth--;
                break;
            case ',':
                if (f != NULL && f->is_object) {
                    f->want_key = true;
                } else if (f != NULL) {
                    f->index++;
                }
                break;
            case ':':
                if (f != NULL)
                    f->want_key = false;
                break;
            }
        } else if (t == TOK_STRING && f != NULL && f->is_object && f->want_key) {
            f->key = lx.tok + 1;
            f->key_len =
                lx.tok_len >= 2 && lx.tok[lx.tok_len - 1] == '"' ? lx.tok_len - 2 : lx.tok_len - 1;
            f->want_key = false;
        }
    }

    size_t shown = depth < MAX_FRAMES ? depth : MAX_FRAMES;
    size_t start_len = out->len;
    for (size_t i = 0; i < shown; i++) {
        struct frame *f = &frames[i];

        /* Very deep paths are shortened: the first and last few levels tell the story. */
        if (shown > 16 && i == 8) {
            strbuf_appendf(out, "[...%zu levels...]", shown - 16);
            i = shown - 8;
            f = &frames[i];
        }
        if (f->is_object) {
            if (f->key == NULL)
                break;
            if (out->len == start_len && f->key_len > 0)
                ; /* top-level key: no leading dot */
            else
                strbuf_append_char(out, '.');
            strbuf_append_len(out, f->key, f->key_len < 64 ? f->key_len : 64);
            if (f->key_len > 64)
                strbuf_append(out, "...");
        } else {
            strbuf_appendf(out, "[%zu]", f->index);
        }
    }
    free(frames);
}
