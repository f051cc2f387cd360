/* SPDX-License-Identifier: Apache-2.0 */
/* Container state under the state root: <root>/<id>/meta.json, its lock, ids and listing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fdutil.h"
#include "common/fileutil.h"
#include "runsc/container.h"
#include "runsc/runsc.h"

#define META_FILE      "meta.json"
#define LOCK_FILE      "meta.lock"
#define META_MAX_BYTES (16u << 20)

/*
 * Like rt_make_error, but the message carries no strerror() suffix while the
 * error still carries `status`, so callers can tell "does not exist" (ENOENT)
 * from other failures.
 */
static int __attribute__((format(printf, 3, 4)))
plain_error(rt_error_t *err, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rt_make_verror(err, 0, fmt, ap);
    va_end(ap);
    if (err != NULL && *err != NULL)
        (*err)->status = status;
    return -status - 1;
}

static const char *const g_status_names[] = {
    [CONTAINER_CREATING] = "creating", [CONTAINER_CREATED] = "created",
    [CONTAINER_RUNNING] = "running",   [CONTAINER_PAUSED] = "paused",
    [CONTAINER_STOPPED] = "stopped",
};

const char *container_status_name(enum container_status s)
{
    if ((size_t)s < ARRAY_SIZE(g_status_names))
        return g_status_names[s];
    return "unknown";
}

bool container_status_parse(const char *s, enum container_status *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(g_status_names); i++) {
        if (strcmp(s, g_status_names[i]) == 0) {
            *out = (enum container_status)i;
            return true;
        }
    }
    return false;
}

struct container_meta *container_meta_new(const char *id)
{
    struct container_meta *m = xmalloc0(sizeof(*m));

    m->version = CONTAINER_META_VERSION;
    m->id = xstrdup(id);
    return m;
}

void container_meta_free(struct container_meta *m)
{
    if (m == NULL)
        return;
    free(m->id);
    free(m->bundle);
    free(m->config_path);
    free(m->config_digest);
    free(m->created);
    free(m->sandbox_id);
    free(m->control_socket);
    for (size_t i = 0; i < m->n_annotations; i++) {
        free(m->annotations[i].key);
        free(m->annotations[i].value);
    }
    free(m->annotations);
    free(m->execs);
    free(m);
}

void container_meta_set_annotation(struct container_meta *m, const char *key, const char *value)
{
    for (size_t i = 0; i < m->n_annotations; i++) {
        if (strcmp(m->annotations[i].key, key) == 0) {
            free(m->annotations[i].value);
            m->annotations[i].value = xstrdup(value);
            return;
        }
    }
    m->annotations = xrealloc(m->annotations, (m->n_annotations + 1) * sizeof(*m->annotations));
    m->annotations[m->n_annotations].key = xstrdup(key);
    m->annotations[m->n_annotations].value = xstrdup(value);
    m->n_annotations++;
}

const char *container_meta_annotation(const struct container_meta *m, const char *key)
{
    for (size_t i = 0; i < m->n_annotations; i++) {
        if (strcmp(m->annotations[i].key, key) == 0)
            return m->annotations[i].value;
    }
    return NULL;
}

struct container_exec *container_meta_add_exec(struct container_meta *m,
                                               const struct container_exec *e)
{
    m->execs = xrealloc(m->execs, (m->n_execs + 1) * sizeof(*m->execs));
    m->execs[m->n_execs] = *e;
    return &m->execs[m->n_execs++];
}

void container_now_rfc3339(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    char date[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%09ldZ", date, (long)ts.tv_nsec);
}

/* ---- SHA-256 (FIPS 180-4), enough to fingerprint config.json ---- */

struct sha256 {
    uint32_t h[8];
    uint8_t block[64];
    size_t fill;
    uint64_t total;
};

static const uint32_t g_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void sha256_init(struct sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

    memset(s, 0, sizeof(*s));
    memcpy(s->h, iv, sizeof(iv));
}

static void sha256_block(struct sha256 *s, const uint8_t *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h;

    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);

        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
    e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
                      g_sha256_k[i] + w[i];
        uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

        h = g, g = f, f = e, e = d + t1;
        d = c, c = b, b = a, a = t1 + t2;
    }
    s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
    s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void sha256_update(struct sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;

    s->total += len;
    while (len > 0) {
        size_t n = sizeof(s->block) - s->fill;

        if (n > len)
            n = len;
        memcpy(s->block + s->fill, p, n);
        s->fill += n;
        p += n;
        len -= n;
        if (s->fill == sizeof(s->block)) {
            sha256_block(s, s->block);
            s->fill = 0;
        }
    }
}

static void sha256_hex(struct sha256 *s, char out[65])
{
    uint64_t bits = s->total * 8;
    uint8_t pad = 0x80, len[8];

    sha256_update(s, &pad, 1);
    pad = 0;
    while (s->fill != 56)
        sha256_update(s, &pad, 1);
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, len, sizeof(len));
    for (int i = 0; i < 8; i++)
        snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

int container_config_digest(const char *path, char **out, rt_error_t *err)
{
    cleanup_close int fd = -1;
    struct sha256 s;
    char buf[16384];
    char hex[65];

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rt_make_error(err, errno, "open `%s`", path);
    sha256_init(&s);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return rt_make_error(err, errno, "read `%s`", path);
        }
        if (n == 0)
            break;
        sha256_update(&s, buf, (size_t)n);
    }
    sha256_hex(&s, hex);
    *out = xasprintf("sha256:%s", hex);
    return 0;
}

/* ---- ids and directories ---- */

int container_root_init(const char *root, rt_error_t *err)
{
    struct stat st;

    if (root == NULL || root[0] == '\0')
        return rt_make_error(err, EINVAL, "state root: empty path");
    if (rt_mkdir_p(root, 0711, err) < 0)
        return rt_error_wrap(err, "creating state root");
    if (stat(root, &st) < 0)
        return rt_make_error(err, errno, "stat state root `%s`", root);
    if (!S_ISDIR(st.st_mode))
        return rt_make_error(err, ENOTDIR, "state root `%s`", root);
    return 0;
}

static bool is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '.' || c == '-';
}

/* Like container_id_validate without an error: for names met while scanning the root. */
static bool is_valid_id(const char *id)
{
    size_t len = strlen(id);

    if (len == 0 || len > CONTAINER_ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_id_char(id[i]))
            return false;
    }
    return true;
}

int container_id_validate(const char *id, rt_error_t *err)
{
    size_t len;

    if (id == NULL || id[0] == '\0')
        return plain_error(err, EINVAL, "container id: must not be empty");
    len = strlen(id);
    if (len > CONTAINER_ID_MAX)
        return plain_error(err, EINVAL, "container id: longer than %d bytes", CONTAINER_ID_MAX);
    if (!is_valid_id(id))
        return plain_error(err, EINVAL,
                           "invalid container id `%.64s`: must match ^[A-Za-z0-9_+.-]+$ and "
                           "not be `.` or `..`",
                           id);
    return 0;
}

static int not_exist_error(rt_error_t *err, const char *id)
{
    return plain_error(err, ENOENT, "container `%s` does not exist", id);
}

static bool is_dir_at(int dfd, const char *name)
{
    struct stat st;

    return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Returns a sorted, NULL-terminated vector of the container ids under `root`
 * (directories named like ids). A missing root is an empty vector.
 */
static int scan_ids(const char *root, char ***out, size_t *n_out, rt_error_t *err)
{
    cleanup_dir DIR *d = opendir(root);
    cleanup_strv char **ids = NULL;
    size_t n = 0;
    struct dirent *de;

    if (d == NULL && errno != ENOENT)
        return rt_make_error(err, errno, "open state root `%s`", root);
    ids = xcalloc(1, sizeof(char *));
    while (d != NULL) {
        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0)
                return rt_make_error(err, errno, "read state root `%s`", root);
            break;
        }
        if (!is_valid_id(de->d_name) || !is_dir_at(dirfd(d), de->d_name))
            continue;
        ids = xrealloc(ids, (n + 2) * sizeof(char *));
        ids[n++] = xstrdup(de->d_name);
        ids[n] = NULL;
    }
    qsort(ids, n, sizeof(char *), cmp_str);
    *n_out = n;
    *out = steal_pointer(&ids);
    return 0;
}

int container_resolve_id(const char *root, const char *prefix, char **id, rt_error_t *err)
{
    cleanup_strv char **ids = NULL;
    cleanup_free char *exact = NULL;
    struct strbuf sb = STRBUF_INIT;
    size_t n = 0, matches = 0, plen;
    const char *match = NULL;
    int ret;

    if (container_id_validate(prefix, err) < 0)
        return -EINVAL - 1;
    exact = xasprintf("%s/%s", root, prefix);
    if (is_dir_at(AT_FDCWD, exact)) {
        *id = xstrdup(prefix);
        return 0;
    }
    if (scan_ids(root, &ids, &n, err) < 0)
        return -1;
    plen = strlen(prefix);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(ids[i], prefix, plen) != 0)
            continue;
        matches++;
        match = ids[i];
        strbuf_appendf(&sb, "%s%s", matches > 1 ? ", " : "", ids[i]);
    }
    if (matches == 0) {
        strbuf_release(&sb);
        return not_exist_error(err, prefix);
    }
    if (matches > 1) {
        ret = plain_error(err, EINVAL, "container id prefix `%s` is ambiguous: it matches %s",
                          prefix, strbuf_str(&sb));
        strbuf_release(&sb);
        return ret;
    }
    strbuf_release(&sb);
    *id = xstrdup(match);
    return 0;
}

int container_create_dir(const char *root, const char *id, rt_error_t *err)
{
    cleanup_free char *dir = NULL;

    if (container_id_validate(id, err) < 0)
        return -EINVAL - 1;
    if (container_root_init(root, err) < 0)
        return -1;
    dir = xasprintf("%s/%s", root, id);
    if (mkdir(dir, 0711) < 0) {
        if (errno == EEXIST)
            return plain_error(err, EEXIST, "container `%s` already exists", id);
        return rt_make_error(err, errno, "mkdir `%s`", dir);
    }
    return 0;
}

int container_lock(const char *root, const char *id, int *lockfd, rt_error_t *err)
{
    cleanup_free char *path = NULL;

    if (container_id_validate(id, err) < 0)
        return -EINVAL - 1;
    path = xasprintf("%s/%s/" LOCK_FILE, root, id);
    /* A delete renames the directory away while we may wait: retry on the new one. */
    for (int attempt = 0; attempt < 8; attempt++) {
        cleanup_close int fd = -1;
        struct stat held, now;

        if (rt_lock_file(path, /*exclusive=*/true, /*blocking=*/true, &fd, err) < 0) {
            if (rt_error_status(*err) == ENOENT) {
                rt_error_release(err);
                return not_exist_error(err, id);
            }
            return rt_error_wrap(err, "locking container `%s`", id);
        }
        if (fstat(fd, &held) < 0)
            return rt_make_error(err, errno, "stat `%s`", path);
        if (stat(path, &now) == 0 && now.st_dev == held.st_dev && now.st_ino == held.st_ino) {
            *lockfd = take_fd(&fd);
            return 0;
        }
    }
    return not_exist_error(err, id);
}

/* ---- meta.json ---- */

static int json_err(rt_error_t *err, const char *what, const char *field, const char *problem)
{
    return plain_error(err, EINVAL, "malformed `%s`: field \"%s\" %s", what, field, problem);
}

/* Copies the optional string `field` of `o` into `*out`. */
static int get_str(json_t *o, const char *field, bool required, char **out, const char *what,
                   rt_error_t *err)
{
    json_t *v = json_object_get(o, field);

    if (v == NULL || json_is_null(v)) {
        if (required)
            return json_err(err, what, field, "is missing");
        return 0;
    }
    if (!json_is_string(v))
        return json_err(err, what, field, "is not a string");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return json_err(err, what, field, "contains a NUL byte");
    *out = xstrdup(json_string_value(v));
    return 0;
}

static int get_int(json_t *o, const char *field, long long min, long long max, long long *out,
                   const char *what, rt_error_t *err)
{
    json_t *v = json_object_get(o, field);

    if (v == NULL || json_is_null(v)) {
        *out = 0;
        return 0;
    }
    if (!json_is_integer(v))
        return json_err(err, what, field, "is not an integer");
    if (json_integer_value(v) < min || json_integer_value(v) > max)
        return json_err(err, what, field, "is out of range");
    *out = json_integer_value(v);
    return 0;
}

static int get_pid(json_t *o, const char *pid_field, const char *start_field, pid_t *pid,
                   unsigned long long *start, const char *what, rt_error_t *err)
{
    long long v;

    if (get_int(o, pid_field, 0, INT_MAX, &v, what, err) < 0)
        return -1;
    *pid = (pid_t)v;
    if (start_field == NULL)
        return 0;
    if (get_int(o, start_field, 0, LLONG_MAX, &v, what, err) < 0)
        return -1;
    *start = (unsigned long long)v;
    return 0;
}

static int parse_execs(json_t *arr, struct container_meta *m, const char *what, rt_error_t *err)
{
    size_t i;
    json_t *e;

    if (arr == NULL || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return json_err(err, what, "execs", "is not an array");
    json_array_foreach(arr, i, e)
    {
        struct container_exec x = { 0 };
        long long v;
        json_t *b;

        if (!json_is_object(e))
            return json_err(err, what, "execs", "holds a non-object");
        if (get_int(e, "pid", 0, INT_MAX, &v, what, err) < 0)
            return -1;
        x.pid = (int)v;
        if (get_pid(e, "waiterPid", "waiterStartTime", &x.waiter_pid, &x.waiter_start_time, what,
                    err) < 0)
            return -1;
        b = json_object_get(e, "exited");
        if (b != NULL && !json_is_boolean(b))
            return json_err(err, what, "execs[].exited", "is not a boolean");
        x.exited = b != NULL && json_is_true(b);
        if (get_int(e, "exitStatus", INT_MIN, INT_MAX, &v, what, err) < 0)
            return -1;
        x.exit_status = (int)v;
        container_meta_add_exec(m, &x);
    }
    return 0;
}

int container_meta_parse(const char *data, size_t len, const char *what,
                         struct container_meta **out, rt_error_t *err)
{
    json_auto_t *root = NULL;
    json_error_t jerr;
    struct container_meta *m = NULL;
    cleanup_free char *status = NULL;
    json_t *ann;
    long long v;

    root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return plain_error(err, EINVAL,
                           "malformed `%s` (torn or not JSON): %s at line %d column %d", what,
                           jerr.text, jerr.line, jerr.column);
    if (!json_is_object(root))
        return plain_error(err, EINVAL, "malformed `%s`: not a JSON object", what);

    m = xmalloc0(sizeof(*m));
    if (get_int(root, "version", 1, INT_MAX, &v, what, err) < 0)
        goto fail;
    if (v == 0) {
        json_err(err, what, "version", "is missing");
        goto fail;
    }
    if (v > CONTAINER_META_VERSION) {
        plain_error(err, EINVAL, "`%s` has version %lld, newer than this runsc-c understands (%d)",
                    what, v, CONTAINER_META_VERSION);
        goto fail;
    }
    m->version = (int)v;
    if (get_str(root, "id", true, &m->id, what, err) < 0 ||
        get_str(root, "bundle", false, &m->bundle, what, err) < 0 ||
        get_str(root, "configPath", false, &m->config_path, what, err) < 0 ||
        get_str(root, "configDigest", false, &m->config_digest, what, err) < 0 ||
        get_str(root, "status", true, &status, what, err) < 0 ||
        get_str(root, "created", false, &m->created, what, err) < 0 ||
        get_str(root, "sandboxId", false, &m->sandbox_id, what, err) < 0 ||
        get_str(root, "controlSocket", false, &m->control_socket, what, err) < 0)
        goto fail;
    if (!is_valid_id(m->id)) {
        json_err(err, what, "id", "is not a valid container id");
        goto fail;
    }
    if (!container_status_parse(status, &m->status)) {
        json_err(err, what, "status", "is not a known status");
        goto fail;
    }
    if (get_int(root, "owner", 0, UINT32_MAX - 1, &v, what, err) < 0)
        goto fail;
    m->owner = (uid_t)v;
    if (get_pid(root, "sandboxPid", "sandboxStartTime", &m->sandbox_pid, &m->sandbox_start_time,
                what, err) < 0 ||
        get_pid(root, "goferPid", "goferStartTime", &m->gofer_pid, &m->gofer_start_time, what,
                err) < 0 ||
        get_pid(root, "waiterPid", "waiterStartTime", &m->waiter_pid, &m->waiter_start_time, what,
                err) < 0)
        goto fail;

    ann = json_object_get(root, "annotations");
    if (ann != NULL && !json_is_null(ann)) {
        const char *key;
        json_t *val;

        if (!json_is_object(ann)) {
            json_err(err, what, "annotations", "is not an object");
            goto fail;
        }
        json_object_foreach(ann, key, val)
        {
            if (!json_is_string(val)) {
                json_err(err, what, "annotations", "holds a non-string value");
                goto fail;
            }
            container_meta_set_annotation(m, key, json_string_value(val));
        }
    }
    if (parse_execs(json_object_get(root, "execs"), m, what, err) < 0)
        goto fail;
    *out = m;
    return 0;

fail:
    container_meta_free(m);
    return -EINVAL - 1;
}

static void set_str(json_t *o, const char *field, const char *s)
{
    if (s != NULL)
        json_object_set_new(o, field, json_string(s));
}

static void set_pid(json_t *o, const char *pid_field, const char *start_field, pid_t pid,
                    unsigned long long start)
{
    json_object_set_new(o, pid_field, json_integer(pid));
    json_object_set_new(o, start_field, json_integer((json_int_t)start));
}

static json_t *annotations_json(const struct container_meta *m)
{
    json_t *ann = json_object();

    for (size_t i = 0; i < m->n_annotations; i++)
        json_object_set_new(ann, m->annotations[i].key, json_string(m->annotations[i].value));
    return ann;
}

/* Returns meta.json's text for `m` (owned by the caller). */
static char *meta_dump(const struct container_meta *m)
{
    json_auto_t *o = json_object();
    json_t *execs = json_array();
    char *s;

    json_object_set_new(o, "version", json_integer(CONTAINER_META_VERSION));
    set_str(o, "id", m->id);
    set_str(o, "bundle", m->bundle);
    set_str(o, "configPath", m->config_path);
    set_str(o, "configDigest", m->config_digest);
    set_str(o, "status", container_status_name(m->status));
    set_str(o, "created", m->created);
    json_object_set_new(o, "owner", json_integer(m->owner));
    set_str(o, "sandboxId", m->sandbox_id);
    set_pid(o, "sandboxPid", "sandboxStartTime", m->sandbox_pid, m->sandbox_start_time);
    set_pid(o, "goferPid", "goferStartTime", m->gofer_pid, m->gofer_start_time);
    set_pid(o, "waiterPid", "waiterStartTime", m->waiter_pid, m->waiter_start_time);
    set_str(o, "controlSocket", m->control_socket);
    json_object_set_new(o, "annotations", annotations_json(m));
    for (size_t i = 0; i < m->n_execs; i++) {
        const struct container_exec *x = &m->execs[i];
        json_t *e = json_object();

        json_object_set_new(e, "pid", json_integer(x->pid));
        set_pid(e, "waiterPid", "waiterStartTime", x->waiter_pid, x->waiter_start_time);
        json_object_set_new(e, "exited", json_boolean(x->exited));
        json_object_set_new(e, "exitStatus", json_integer(x->exit_status));
        json_array_append_new(execs, e);
    }
    json_object_set_new(o, "execs", execs);
    s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s == NULL)
        rt_oom();
    return s;
}

int container_write_state_file(const char *root, const char *id, const char *name, const void *data,
                               size_t len, rt_error_t *err)
{
    cleanup_free char *dir = NULL;
    cleanup_close int dfd = -1;

    if (container_id_validate(id, err) < 0)
        return -EINVAL - 1;
    dir = xasprintf("%s/%s", root, id);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return rt_make_error(err, errno, "open `%s`", dir);
    /*
     * Not durable: rename() alone means a reader (or a writer killed at any
     * point) never sees a torn file, and what the state describes, live
     * processes, does not outlive a power loss either. fsync was the
     * largest cost of create on a disk (two per save).
     */
    if (rt_replace_file(dfd, name, data, len, 0600, 0, err) < 0)
        return rt_error_wrap(err, "in `%s`", dir);
    return 0;
}

int container_meta_save_locked(const char *root, const struct container_meta *m, rt_error_t *err)
{
    cleanup_free char *text = NULL;
    size_t len;

    text = meta_dump(m);
    len = strlen(text);
    /* meta_dump leaves no trailing newline; `cat` and editors like one. */
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    if (container_write_state_file(root, m->id, META_FILE, text, len, err) < 0)
        return rt_error_wrap(err, "saving state of container `%s`", m->id);
    return 0;
}

bool container_meta_is_alive(const struct container_meta *m)
{
    if (m->sandbox_pid <= 0 || !rt_process_is_alive(m->sandbox_pid, m->sandbox_start_time))
        return false;
    /* The waiter exits with the container's status (CONTRACT.md): gone means exited. */
    if (m->waiter_pid > 0 && !rt_process_is_alive(m->waiter_pid, m->waiter_start_time))
        return false;
    return true;
}

int container_meta_load(const char *root, const char *id, struct container_meta **out,
                        rt_error_t *err)
{
    cleanup_free char *path = NULL;
    cleanup_free char *data = NULL;
    cleanup_close int fd = -1;
    struct container_meta *m = NULL;
    struct stat st;
    size_t len = 0;

    if (container_id_validate(id, err) < 0)
        return -EINVAL - 1;
    path = xasprintf("%s/%s/" META_FILE, root, id);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return not_exist_error(err, id);
        return rt_make_error(err, errno, "open `%s`", path);
    }
    if (fstat(fd, &st) < 0)
        return rt_make_error(err, errno, "stat `%s`", path);
    if (!S_ISREG(st.st_mode))
        return rt_make_error(err, EINVAL, "`%s` is not a regular file", path);
    if (rt_read_fd_all(fd, META_MAX_BYTES, &data, &len, err) < 0)
        return rt_error_wrap(err, "reading `%s`", path);
    if (container_meta_parse(data, len, path, &m, err) < 0)
        return -EINVAL - 1;
    if (strcmp(m->id, id) != 0) {
        plain_error(err, EINVAL, "malformed `%s`: it describes container `%s`", path, m->id);
        container_meta_free(m);
        return -EINVAL - 1;
    }
    /*
     * A create in progress has no sandbox yet; anything past it needs one alive.
     * Paused and stopped sandboxes still have their processes (or none).
     */
    if (m->status != CONTAINER_STOPPED &&
        !(m->status == CONTAINER_CREATING && m->sandbox_pid == 0) && !container_meta_is_alive(m))
        m->status = CONTAINER_STOPPED;
    *out = m;
    return 0;
}

int container_list(const char *root, struct container_meta ***out, size_t *n_out, rt_error_t *err)
{
    cleanup_strv char **ids = NULL;
    struct container_meta **list;
    size_t n = 0, count = 0;

    if (scan_ids(root, &ids, &n, err) < 0)
        return -1;
    list = xcalloc(n + 1, sizeof(*list));
    for (size_t i = 0; i < n; i++) {
        cleanup_error rt_error_t e = NULL;
        struct container_meta *m = NULL;
        int ret = container_meta_load(root, ids[i], &m, &e);

        if (ret < 0) {
            /* No meta.json yet (or any more): a create or delete in flight. */
            if (ret != -ENOENT - 1)
                log_warning("skipping container `%s`: %s", ids[i], rt_error_msg(e));
            continue;
        }
        list[count++] = m;
    }
    *out = list;
    *n_out = count;
    return 0;
}

void container_meta_list_free(struct container_meta **list, size_t n)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        container_meta_free(list[i]);
    free(list);
}

/* The name a container directory has while it is being removed. */
static char *deleting_name(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ull;

    if (strlen(id) + sizeof("~deleting") <= NAME_MAX + 1)
        return xasprintf("%s~deleting", id);
    /* Too long to suffix: an FNV-1a hash of the id still names it uniquely enough. */
    for (const char *p = id; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    return xasprintf("~deleting-%016llx", (unsigned long long)h);
}

int container_remove_dir(const char *root, const char *id, rt_error_t *err)
{
    cleanup_close int rootfd = -1;
    cleanup_free char *gone = NULL;

    if (container_id_validate(id, err) < 0)
        return -EINVAL - 1;
    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        if (errno == ENOENT)
            return 0;
        return rt_make_error(err, errno, "open state root `%s`", root);
    }
    gone = deleting_name(id);
    /* Finish an earlier, interrupted removal: rename() cannot replace a non-empty dir. */
    if (rt_remove_tree_at(rootfd, gone, err) < 0)
        return rt_error_wrap(err, "removing leftovers of container `%s` in `%s`", id, root);
    if (renameat(rootfd, id, rootfd, gone) < 0) {
        if (errno == ENOENT)
            return 0;
        return rt_make_error(err, errno, "rename `%s/%s` to `%s`", root, id, gone);
    }
    if (rt_remove_tree_at(rootfd, gone, err) < 0)
        return rt_error_wrap(err, "removing container `%s` from `%s`", id, root);
    return 0;
}

char *container_owner_name(uid_t uid)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
        return xstrdup(res->pw_name);
    return xasprintf("#%u", (unsigned)uid);
}

char *container_state_json(const struct container_meta *m, bool pretty)
{
    json_auto_t *o = json_object();
    cleanup_free char *owner = container_owner_name(m->owner);
    pid_t pid = m->status == CONTAINER_STOPPED ? 0 : m->waiter_pid;
    char *s;

    json_object_set_new(o, "ociVersion", json_string(RUNSC_OCI_VERSION));
    json_object_set_new(o, "id", json_string(m->id));
    json_object_set_new(o, "pid", json_integer(pid));
    json_object_set_new(o, "status", json_string(container_status_name(m->status)));
    json_object_set_new(o, "bundle", json_string(m->bundle ? m->bundle : ""));
    json_object_set_new(o, "created", json_string(m->created ? m->created : ""));
    json_object_set_new(o, "owner", json_string(owner));
    json_object_set_new(o, "annotations", annotations_json(m));
    s = json_dumps(o, JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT));
    if (s == NULL)
        rt_oom();
    return s;
}
