/* SPDX-License-Identifier: Apache-2.0 */
/* The parse context: JSON path tracking, errors, and typed getters with range and size checks. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "specutils/specutils_internal.h"

int sp_fail(struct sp_ctx *c, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    int ret;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    ret = rt_make_error(c->err, 0, "%s: %s", c->path.len > 0 ? c->path.buf : c->root_name, msg);
    free(msg);
    return ret;
}

int sp_fail_at(struct sp_ctx *c, const char *key, const char *fmt, ...)
{
    size_t mark = sp_push_key(c, key);
    va_list ap;
    char *msg;
    int ret;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    ret = sp_fail(c, "%s", msg);
    free(msg);
    sp_pop(c, mark);
    return ret;
}

/* Returns the digits of a rewritten big integer, or NULL when `v` is not one. */
static const char *bigint_digits(struct sp_ctx *c, json_t *v)
{
    const char *s;
    size_t len, nlen;

    if (!json_is_string(v))
        return NULL;
    s = json_string_value(v);
    len = json_string_length(v);
    nlen = strlen(c->nonce);
    if (len < 6 + nlen || s[0] != '\0' || memcmp(s + 1, "u64:", 4) != 0 ||
        memcmp(s + 5, c->nonce, nlen) != 0 || s[5 + nlen] != ':')
        return NULL;
    return s + 6 + nlen;
}

static const char *type_name(struct sp_ctx *c, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return bigint_digits(c, v) ? "an integer" : "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "unknown";
}

int sp_fail_type(struct sp_ctx *c, json_t *v, const char *what)
{
    return sp_fail(c, "must be %s, not %s", what, type_name(c, v));
}

void sp_path_append_key(struct strbuf *sb, const char *key, size_t len, bool quoted_raw)
{
    bool ident = len > 0 && !quoted_raw;
    size_t shown = len < 64 ? len : 64;

    for (size_t i = 0; i < len && ident; i++) {
        char ch = key[i];
        ident = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '_';
    }
    if (ident) {
        if (sb->len > 0)
            strbuf_append_char(sb, '.');
        strbuf_append_len(sb, key, len);
        return;
    }
    strbuf_append(sb, "[\"");
    for (size_t i = 0; i < shown; i++) {
        unsigned char ch = (unsigned char)key[i];

        /* Keep the message printable: odd bytes become '?'. */
        strbuf_append_char(sb,
                           (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') ? '?' : (char)ch);
    }
    if (len > shown)
        strbuf_append(sb, "...");
    strbuf_append(sb, "\"]");
}

size_t sp_push_key(struct sp_ctx *c, const char *key)
{
    size_t mark = c->path.len;

    if (c->path.len > 0)
        strbuf_append_char(&c->path, '.');
    strbuf_append(&c->path, key);
    return mark;
}

size_t sp_push_index(struct sp_ctx *c, size_t index)
{
    size_t mark = c->path.len;

    strbuf_appendf(&c->path, "[%zu]", index);
    return mark;
}

size_t sp_push_mapkey(struct sp_ctx *c, const char *key)
{
    size_t mark = c->path.len;

    sp_path_append_key(&c->path, key, strlen(key), /*quoted_raw=*/true);
    return mark;
}

void sp_pop(struct sp_ctx *c, size_t mark)
{
    if (c->path.buf != NULL && mark <= c->path.len) {
        c->path.len = mark;
        c->path.buf[mark] = '\0';
    }
}

int sp_str(struct sp_ctx *c, json_t *v, enum sp_str_kind kind, char **out)
{
    const char *s;
    size_t len, max;

    if (!json_is_string(v) || bigint_digits(c, v) != NULL)
        return sp_fail_type(c, v, "a string");
    s = json_string_value(v);
    len = json_string_length(v);
    if (memchr(s, '\0', len) != NULL)
        return sp_fail(c, "must not contain a NUL byte");
    switch (kind) {
    case SP_ARG:
        max = SPECUTILS_MAX_ARG_STRLEN - 1;
        break;
    case SP_PATH:
    case SP_ABSPATH:
    case SP_PATHLEN:
        max = SPECUTILS_MAX_PATH - 1;
        break;
    case SP_HOSTNAME:
        max = SPECUTILS_MAX_HOSTNAME;
        break;
    default:
        max = SPECUTILS_MAX_STRING;
        break;
    }
    if (len > max)
        return sp_fail(c, "is %zu bytes long, more than the limit of %zu", len, max);
    if (len == 0 && (kind == SP_NONEMPTY || kind == SP_PATH || kind == SP_ABSPATH))
        return sp_fail(c, "must not be empty");
    if (kind == SP_ABSPATH && s[0] != '/')
        return sp_fail(c, "must be an absolute path (got \"%.64s%s\")", s, len > 64 ? "..." : "");
    *out = xstrndup(s, len);
    return 0;
}

int sp_array(struct sp_ctx *c, json_t *v)
{
    if (!json_is_array(v))
        return sp_fail_type(c, v, "an array");
    if (json_array_size(v) > SPECUTILS_MAX_ARRAY)
        return sp_fail(c, "has %zu entries, more than the limit of %u", json_array_size(v),
                       SPECUTILS_MAX_ARRAY);
    return 0;
}

int sp_object(struct sp_ctx *c, json_t *v)
{
    if (!json_is_object(v))
        return sp_fail_type(c, v, "an object");
    if (json_object_size(v) > SPECUTILS_MAX_ARRAY)
        return sp_fail(c, "has %zu members, more than the limit of %u", json_object_size(v),
                       SPECUTILS_MAX_ARRAY);
    return 0;
}

int sp_strv(struct sp_ctx *c, json_t *v, enum sp_str_kind kind, struct spec_strv *out)
{
    size_t n;
    int ret;

    ret = sp_array(c, v);
    if (ret < 0)
        return ret;
    n = json_array_size(v);
    sp_strv_free(out);
    if (n == 0)
        return 0;
    out->v = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        size_t mark = sp_push_index(c, i);

        ret = sp_str(c, json_array_get(v, i), kind, &out->v[i]);
        sp_pop(c, mark);
        if (ret < 0)
            return ret;
        out->n = i + 1;
    }
    return 0;
}

static int parse_digits_u64(const char *digits, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(digits, &end, 10);
    if (errno != 0 || *end != '\0' || end == digits)
        return -1;
    *out = v;
    return 0;
}

int sp_i64(struct sp_ctx *c, json_t *v, int64_t min, int64_t max, int64_t *out)
{
    const char *digits = bigint_digits(c, v);
    json_int_t x;

    if (digits != NULL)
        return sp_fail(c, "%s is out of range (%" PRId64 "..%" PRId64 ")", digits, min, max);
    if (json_is_real(v))
        return sp_fail(c, "must be an integer, not a real number (%g)", json_real_value(v));
    if (!json_is_integer(v))
        return sp_fail_type(c, v, "an integer");
    x = json_integer_value(v);
    if (x < min || x > max)
        return sp_fail(c, "%lld is out of range (%" PRId64 "..%" PRId64 ")", (long long)x, min,
                       max);
    *out = x;
    return 0;
}

int sp_u64(struct sp_ctx *c, json_t *v, uint64_t max, uint64_t *out)
{
    const char *digits = bigint_digits(c, v);
    uint64_t x;

    if (digits != NULL) {
        if (parse_digits_u64(digits, &x) < 0 || x > max)
            return sp_fail(c, "%s is out of range (0..%" PRIu64 ")", digits, max);
        *out = x;
        return 0;
    }
    if (json_is_real(v))
        return sp_fail(c, "must be an integer, not a real number (%g)", json_real_value(v));
    if (!json_is_integer(v))
        return sp_fail_type(c, v, "an integer");
    if (json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
        return sp_fail(c, "%lld is out of range (0..%" PRIu64 ")", (long long)json_integer_value(v),
                       max);
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

int sp_bool(struct sp_ctx *c, json_t *v, bool *out)
{
    if (!json_is_boolean(v))
        return sp_fail_type(c, v, "a boolean");
    *out = json_is_true(v);
    return 0;
}

/* Looks `key` up; pushes it when present or required. Returns the value or NULL. */
static json_t *field(struct sp_ctx *c, json_t *obj, const char *key, bool required, size_t *mark,
                     int *ret)
{
    json_t *v = json_object_get(obj, key);

    *ret = 0;
    if (sp_absent(v)) {
        if (required) {
            *mark = sp_push_key(c, key);
            *ret = sp_fail(c, "is required");
            sp_pop(c, *mark);
        }
        return NULL;
    }
    *mark = sp_push_key(c, key);
    return v;
}

int sp_field_str(struct sp_ctx *c, json_t *obj, const char *key, enum sp_str_kind kind,
                 bool required, char **out)
{
    size_t mark;
    int ret;
    json_t *v = field(c, obj, key, required, &mark, &ret);

    if (v == NULL)
        return ret;
    free(*out);
    *out = NULL;
    ret = sp_str(c, v, kind, out);
    sp_pop(c, mark);
    return ret;
}

int sp_field_strv(struct sp_ctx *c, json_t *obj, const char *key, enum sp_str_kind kind,
                  struct spec_strv *out)
{
    size_t mark;
    int ret;
    json_t *v = field(c, obj, key, false, &mark, &ret);

    if (v == NULL)
        return ret;
    ret = sp_strv(c, v, kind, out);
    sp_pop(c, mark);
    return ret;
}

int sp_field_bool(struct sp_ctx *c, json_t *obj, const char *key, bool *has, bool *out)
{
    size_t mark;
    int ret;
    json_t *v = field(c, obj, key, false, &mark, &ret);

    if (has != NULL)
        *has = false;
    if (v == NULL)
        return ret;
    ret = sp_bool(c, v, out);
    sp_pop(c, mark);
    if (ret == 0 && has != NULL)
        *has = true;
    return ret;
}

int sp_field_i64(struct sp_ctx *c, json_t *obj, const char *key, int64_t min, int64_t max,
                 bool required, bool *has, int64_t *out)
{
    size_t mark;
    int ret;
    json_t *v = field(c, obj, key, required, &mark, &ret);

    if (has != NULL)
        *has = false;
    if (v == NULL)
        return ret;
    ret = sp_i64(c, v, min, max, out);
    sp_pop(c, mark);
    if (ret == 0 && has != NULL)
        *has = true;
    return ret;
}

int sp_field_u64(struct sp_ctx *c, json_t *obj, const char *key, uint64_t max, bool required,
                 bool *has, uint64_t *out)
{
    size_t mark;
    int ret;
    json_t *v = field(c, obj, key, required, &mark, &ret);

    if (has != NULL)
        *has = false;
    if (v == NULL)
        return ret;
    ret = sp_u64(c, v, max, out);
    sp_pop(c, mark);
    if (ret == 0 && has != NULL)
        *has = true;
    return ret;
}

int sp_field_u32(struct sp_ctx *c, json_t *obj, const char *key, bool required, bool *has,
                 uint32_t *out)
{
    uint64_t v = 0;
    int ret = sp_field_u64(c, obj, key, UINT32_MAX, required, has, &v);

    if (ret == 0 && (has == NULL || *has))
        *out = (uint32_t)v;
    return ret;
}

int sp_field_u16(struct sp_ctx *c, json_t *obj, const char *key, bool required, bool *has,
                 uint16_t *out)
{
    uint64_t v = 0;
    int ret = sp_field_u64(c, obj, key, UINT16_MAX, required, has, &v);

    if (ret == 0 && (has == NULL || *has))
        *out = (uint16_t)v;
    return ret;
}

int sp_field_i32(struct sp_ctx *c, json_t *obj, const char *key, int32_t min, int32_t max,
                 bool required, bool *has, int32_t *out)
{
    int64_t v = 0;
    int ret = sp_field_i64(c, obj, key, min, max, required, has, &v);

    if (ret == 0 && (has == NULL || *has))
        *out = (int32_t)v;
    return ret;
}

int sp_field_object(struct sp_ctx *c, json_t *obj, const char *key, bool required, sp_object_fn fn,
                    void *out)
{
    size_t mark;
    int ret;
    json_t *v = field(c, obj, key, required, &mark, &ret);

    if (v == NULL)
        return ret;
    ret = sp_object(c, v);
    if (ret == 0)
        ret = fn(c, v, out);
    sp_pop(c, mark);
    return ret < 0 ? ret : 1;
}

int sp_field_object_array(struct sp_ctx *c, json_t *obj, const char *key, bool required,
                          size_t elem_size, sp_object_fn fn, void **out, size_t *n)
{
    size_t mark, len;
    int ret;
    json_t *v = field(c, obj, key, required, &mark, &ret);

    if (v == NULL)
        return ret;
    ret = sp_array(c, v);
    len = ret == 0 ? json_array_size(v) : 0;
    if (len > 0) {
        *out = xcalloc(len, elem_size);
        *n = len;
    }
    for (size_t i = 0; i < len && ret == 0; i++) {
        json_t *e = json_array_get(v, i);
        size_t m = sp_push_index(c, i);

        ret = sp_object(c, e);
        if (ret == 0)
            ret = fn(c, e, (char *)*out + i * elem_size);
        sp_pop(c, m);
    }
    sp_pop(c, mark);
    return ret;
}

int sp_field_kv(struct sp_ctx *c, json_t *obj, const char *key, struct spec_kv_list *out)
{
    size_t mark, i = 0;
    int ret;
    json_t *v = field(c, obj, key, false, &mark, &ret);

    if (v == NULL)
        return ret;
    ret = sp_object(c, v);
    if (ret == 0 && json_object_size(v) > 0) {
        out->v = xcalloc(json_object_size(v), sizeof(*out->v));
        for (void *it = json_object_iter(v); it != NULL && ret == 0;
             it = json_object_iter_next(v, it), i++) {
            const char *k = json_object_iter_key(it);
            size_t m = sp_push_mapkey(c, k);

            if (json_object_iter_key_len(it) != strlen(k))
                ret = sp_fail(c, "key must not contain a NUL byte");
            else if (k[0] == '\0')
                ret = sp_fail(c, "key must not be empty");
            else
                ret = sp_str(c, json_object_iter_value(it), SP_STR, &out->v[i].value);
            if (ret == 0)
                out->v[i].key = xstrdup(k);
            out->n = i + 1;
            sp_pop(c, m);
        }
    }
    sp_pop(c, mark);
    return ret;
}

static int parse_id_mapping(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_id_mapping *m = out;
    int ret;

    if ((ret = sp_field_u32(c, v, "containerID", true, NULL, &m->container_id)) < 0 ||
        (ret = sp_field_u32(c, v, "hostID", true, NULL, &m->host_id)) < 0 ||
        (ret = sp_field_u32(c, v, "size", true, NULL, &m->size)) < 0)
        return ret;
    if (m->size == 0) {
        size_t mark = sp_push_key(c, "size");

        ret = sp_fail(c, "must be greater than zero");
        sp_pop(c, mark);
        return ret;
    }
    if ((uint64_t)m->container_id + m->size - 1 > UINT32_MAX ||
        (uint64_t)m->host_id + m->size - 1 > UINT32_MAX)
        return sp_fail(c, "range overflows 32-bit ids");
    return 0;
}

int sp_field_id_mappings(struct sp_ctx *c, json_t *obj, const char *key,
                         struct spec_id_mappings *out)
{
    return sp_field_object_array(c, obj, key, false, sizeof(struct spec_id_mapping),
                                 parse_id_mapping, (void **)&out->v, &out->n);
}

static void make_nonce(char *buf, size_t size)
{
    uint64_t r = 0;

    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        r = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)buf;
    }
    snprintf(buf, size, "%016" PRIx64, r);
}

json_t *sp_load_json(struct sp_ctx *c, const char *json, size_t len)
{
    cleanup_free char *rewritten = NULL;
    size_t rlen = 0;
    json_error_t e;
    json_t *root;

    make_nonce(c->nonce, sizeof(c->nonce));
    rewritten = sp_rewrite_bigints(json, len, c->nonce, &rlen);
    if (rewritten != NULL) {
        json = rewritten;
        len = rlen;
    }
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
    if (root == NULL) {
        struct strbuf p = STRBUF_INIT;

        sp_path_at_offset(json, len, (size_t)e.position, &p);
        rt_make_error(c->err, 0, "%s: invalid JSON at line %d, column %d: %s",
                      p.len > 0 ? p.buf : c->root_name, e.line, e.column, e.text);
        strbuf_release(&p);
        return NULL;
    }
    if (!json_is_object(root)) {
        sp_fail_type(c, root, "an object");
        json_decref(root);
        return NULL;
    }
    return root;
}
