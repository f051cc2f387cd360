/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared inside specutils/: the JSON-path-tracking parse context and its getters. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/common.h"
#include "specutils/specutils.h"

/*
 * One parse. `path` is the JSON path of the value being looked at
 * ("linux.namespaces[2].type"); every error is "<path>: <problem>".
 */
struct sp_ctx {
    struct strbuf path;
    const char *root_name; /* used when the path is empty: "config.json" */
    rt_error_t *err;
    char nonce[24]; /* marks integers above INT64_MAX rewritten as strings */
};

enum sp_str_kind {
    SP_STR,      /* any string up to SPECUTILS_MAX_STRING */
    SP_NONEMPTY, /* same, but not "" */
    SP_ARG,      /* argv/env entry: up to MAX_ARG_STRLEN with its NUL */
    SP_PATH,     /* a path: non-empty, up to PATH_MAX with its NUL */
    SP_ABSPATH,  /* an SP_PATH starting with '/' */
    SP_HOSTNAME, /* up to HOST_NAME_MAX */
    SP_PATHLEN,  /* any string (even "") up to PATH_MAX with its NUL: mount sources */
};

/* Sets *c->err to "<path>: <fmt>" and returns < 0. */
int sp_fail(struct sp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets *c->err to "<path>.<key>: <fmt>" and returns < 0. */
int sp_fail_at(struct sp_ctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "must be <what>, not <type of v>". */
int sp_fail_type(struct sp_ctx *c, json_t *v, const char *what);

/* Path stack: push returns a mark to give back to sp_pop. */
size_t sp_push_key(struct sp_ctx *c, const char *key);
size_t sp_push_index(struct sp_ctx *c, size_t index);
size_t sp_push_mapkey(struct sp_ctx *c, const char *key);
void sp_pop(struct sp_ctx *c, size_t mark);

/* Appends `key` to `sb` as a path component (".key" or ["key"], long keys shortened). */
void sp_path_append_key(struct strbuf *sb, const char *key, size_t len, bool quoted_raw);

/* True when `v` is absent (NULL) or JSON null; Go decoders treat both as unset. */
static inline bool sp_absent(json_t *v)
{
    return v == NULL || json_is_null(v);
}

/* Value converters: the path of `v` is already pushed. Return 0 or < 0. */
int sp_str(struct sp_ctx *c, json_t *v, enum sp_str_kind kind, char **out);
int sp_strv(struct sp_ctx *c, json_t *v, enum sp_str_kind kind, struct spec_strv *out);
int sp_i64(struct sp_ctx *c, json_t *v, int64_t min, int64_t max, int64_t *out);
int sp_u64(struct sp_ctx *c, json_t *v, uint64_t max, uint64_t *out);
int sp_bool(struct sp_ctx *c, json_t *v, bool *out);
/* Checks that `v` is an array of at most SPECUTILS_MAX_ARRAY entries. */
int sp_array(struct sp_ctx *c, json_t *v);
/* Checks that `v` is an object of at most SPECUTILS_MAX_ARRAY members. */
int sp_object(struct sp_ctx *c, json_t *v);

/*
 * Field getters: look `key` up in `obj`, push it, convert. An absent field is
 * an error "is required" when `required`, else leaves *out alone and sets
 * *has (when given) to false.
 */
int sp_field_str(struct sp_ctx *c, json_t *obj, const char *key, enum sp_str_kind kind,
                 bool required, char **out);
int sp_field_strv(struct sp_ctx *c, json_t *obj, const char *key, enum sp_str_kind kind,
                  struct spec_strv *out);
int sp_field_bool(struct sp_ctx *c, json_t *obj, const char *key, bool *has, bool *out);
int sp_field_i64(struct sp_ctx *c, json_t *obj, const char *key, int64_t min, int64_t max,
                 bool required, bool *has, int64_t *out);
int sp_field_u64(struct sp_ctx *c, json_t *obj, const char *key, uint64_t max, bool required,
                 bool *has, uint64_t *out);
int sp_field_u32(struct sp_ctx *c, json_t *obj, const char *key, bool required, bool *has,
                 uint32_t *out);
int sp_field_i32(struct sp_ctx *c, json_t *obj, const char *key, int32_t min, int32_t max,
                 bool required, bool *has, int32_t *out);
int sp_field_u16(struct sp_ctx *c, json_t *obj, const char *key, bool required, bool *has,
                 uint16_t *out);

/* Parses one object value (path pushed, type checked) into `out`. */
typedef int (*sp_object_fn)(struct sp_ctx *c, json_t *v, void *out);

/*
 * Parses object field `key` with `fn` when present (or fails when `required`).
 * Returns 1 when parsed, 0 when absent, < 0 on error.
 */
int sp_field_object(struct sp_ctx *c, json_t *obj, const char *key, bool required, sp_object_fn fn,
                    void *out);

/*
 * Parses array field `key` whose entries are objects: allocates *out with n
 * zeroed entries of `elem_size` (set before parsing, so a failed parse is
 * freed the normal way) and runs `fn` on each with "[i]" pushed.
 */
int sp_field_object_array(struct sp_ctx *c, json_t *obj, const char *key, bool required,
                          size_t elem_size, sp_object_fn fn, void **out, size_t *n);

/* Parses a string->string object field into `out` (in file order). */
int sp_field_kv(struct sp_ctx *c, json_t *obj, const char *key, struct spec_kv_list *out);

/* Parses an ID mappings array field. */
int sp_field_id_mappings(struct sp_ctx *c, json_t *obj, const char *key,
                         struct spec_id_mappings *out);

/* Parses an optional cpuset list field ("0-3,5"). */
int sp_field_cpu_list(struct sp_ctx *c, json_t *obj, const char *key, char **out);

/* Section parsers (path of `v` pushed, `v` an object). */
int sp_parse_process(struct sp_ctx *c, json_t *v, struct spec_process *p);
int sp_parse_linux(struct sp_ctx *c, json_t *v, struct spec_linux *l);
int sp_parse_resources(struct sp_ctx *c, json_t *v, struct spec_resources *r);

/* Freeing of sub-structures (free.c). */
void sp_strv_free(struct spec_strv *v);
void sp_kv_free(struct spec_kv_list *l);
void sp_process_clear(struct spec_process *p);
void sp_linux_clear(struct spec_linux *l);

/*
 * Parses `json` with jansson (duplicates rejected, NUL allowed so that
 * sp_str can name the path of a NUL), rewriting integers in (INT64_MAX,
 * UINT64_MAX] first. On a syntax error the message names the path nearest to
 * the error. Returns a new reference or NULL with *c->err set.
 */
json_t *sp_load_json(struct sp_ctx *c, const char *json, size_t len);

/* json_scan.c */
/*
 * Returns a copy of `text` where every integer literal in (INT64_MAX,
 * UINT64_MAX] is replaced by the string "\u0000u64:<nonce>:<digits>", or
 * NULL when there is none. *out_len gets the new length.
 */
char *sp_rewrite_bigints(const char *text, size_t len, const char *nonce, size_t *out_len);
/* Appends to `out` the JSON path of the value being read at byte `offset` of `text`. */
void sp_path_at_offset(const char *text, size_t len, size_t offset, struct strbuf *out);

/* tables.c: name tables. */
struct sp_name {
    const char *name;
    int value;
};
/* Returns the value of `name` in `tab` (n entries), or -1. */
int sp_name_lookup(const struct sp_name *tab, size_t n, const char *name);
int sp_seccomp_action_from_name(const char *name);
int sp_seccomp_op_from_name(const char *name);
bool sp_seccomp_arch_known(const char *name);
bool sp_seccomp_flag_known(const char *name);
int sp_sched_policy_from_name(const char *name);
bool sp_sched_flag_known(const char *name);
extern const char *const g_sp_seccomp_actions[];
extern const char *const g_sp_seccomp_ops[];
extern const char *const g_sp_seccomp_archs[];
extern const char *const g_sp_seccomp_flags[];
extern const char *const g_sp_mount_options[];
