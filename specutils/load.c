/* SPDX-License-Identifier: Apache-2.0 */
/* Loading config.json from a bundle, resolving root.path, and lookups (namespaces, pod role). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specutils/specutils_internal.h"

/* Reads at most `cap` bytes of a regular file; larger files are an error. */
static int read_capped(const char *path, size_t cap, char **out, size_t *out_len, rt_error_t *err)
{
    cleanup_close int fd = -1;
    cleanup_free char *buf = NULL;
    struct stat st;
    size_t len = 0, size;

    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below anyway. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return rt_make_error(err, errno, "open `%s`", path);
    if (fstat(fd, &st) < 0)
        return rt_make_error(err, errno, "stat `%s`", path);
    if (!S_ISREG(st.st_mode))
        return rt_make_error(err, 0, "`%s` is not a regular file", path);
    if ((uint64_t)st.st_size > cap)
        return rt_make_error(err, 0, "`%s` is %lld bytes, more than the limit of %zu bytes", path,
                             (long long)st.st_size, cap);
    /* The file may grow while we read: read at most cap + 1 bytes and check. */
    size = (size_t)st.st_size + 1;
    buf = xmalloc(size + 1);
    for (;;) {
        ssize_t n;

        if (len == size) {
            if (size > cap)
                return rt_make_error(err, 0, "`%s` is more than the limit of %zu bytes", path, cap);
            size = size * 2 > cap + 1 ? cap + 1 : size * 2;
            buf = xrealloc(buf, size + 1);
        }
        n = read(fd, buf + len, size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rt_make_error(err, errno, "read `%s`", path);
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > cap)
        return rt_make_error(err, 0, "`%s` is more than the limit of %zu bytes", path, cap);
    buf[len] = '\0';
    *out = steal_pointer(&buf);
    *out_len = len;
    return 0;
}

/* Joins `dir` (absolute) and `rel`, dropping "." components and doubled slashes. */
static char *join_clean(const char *dir, const char *rel)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = rel;

    strbuf_append(&sb, dir);
    while (sb.len > 1 && sb.buf[sb.len - 1] == '/')
        sb.buf[--sb.len] = '\0';
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (sb.len == 0 || sb.buf[sb.len - 1] != '/')
                strbuf_append_char(&sb, '/');
            strbuf_append_len(&sb, p, n);
        }
        p += n;
        while (*p == '/')
            p++;
    }
    return strbuf_detach(&sb);
}

int specutils_load(const char *bundle, const char *config_path, struct spec **out, rt_error_t *err)
{
    cleanup_free char *default_path = NULL;
    cleanup_free char *text = NULL;
    cleanup_free char *abs_bundle = NULL;
    struct spec *s = NULL;
    size_t len = 0;
    const char *path;
    int ret;

    if (bundle == NULL || bundle[0] == '\0')
        bundle = ".";
    if (config_path == NULL) {
        default_path = xasprintf("%s/config.json", bundle);
        path = default_path;
    } else {
        path = config_path;
    }
    ret = read_capped(path, SPECUTILS_MAX_CONFIG_SIZE, &text, &len, err);
    if (ret < 0)
        return rt_error_wrap(err, "reading the OCI spec");
    ret = specutils_parse(text, len, &s, err);
    if (ret < 0)
        return rt_error_wrap(err, "parsing `%s`", path);
    if (s->root.resolved_path == NULL) {
        abs_bundle = realpath(bundle, NULL);
        if (abs_bundle == NULL) {
            specutils_free(s);
            return rt_make_error(err, errno, "resolving the bundle `%s`", bundle);
        }
        s->root.resolved_path = join_clean(abs_bundle, s->root.path);
        if (strlen(s->root.resolved_path) >= SPECUTILS_MAX_PATH) {
            specutils_free(s);
            return rt_make_error(err, ENAMETOOLONG, "root.path: resolving against `%s`",
                                 abs_bundle);
        }
    }
    *out = s;
    return 0;
}

const struct spec_namespace *specutils_namespace_find(const struct spec *s, const char *type)
{
    int t = specutils_ns_type_from_name(type);

    if (t < 0)
        return NULL;
    for (size_t i = 0; i < s->linux_cfg.n_namespaces; i++) {
        if ((int)s->linux_cfg.namespaces[i].type == t)
            return &s->linux_cfg.namespaces[i];
    }
    return NULL;
}

const char *specutils_annotation_get(const struct spec *s, const char *key)
{
    for (size_t i = 0; i < s->annotations.n; i++) {
        if (strcmp(s->annotations.v[i].key, key) == 0)
            return s->annotations.v[i].value;
    }
    return NULL;
}

static int role_from(const struct spec *s, const char *type_key, const char *id_key,
                     enum spec_pod_role *role, const char **sandbox_id, rt_error_t *err)
{
    const char *type = specutils_annotation_get(s, type_key);
    const char *id = specutils_annotation_get(s, id_key);

    if (id != NULL && id[0] == '\0')
        id = NULL;
    if (strcmp(type, "sandbox") == 0) {
        *role = SPEC_POD_SANDBOX;
    } else if (strcmp(type, "container") == 0) {
        if (id == NULL)
            return rt_make_error(err, 0,
                                 "annotations[\"%s\"]: \"container\" needs the sandbox id in "
                                 "annotations[\"%s\"]",
                                 type_key, id_key);
        *role = SPEC_POD_CONTAINER;
    } else {
        return rt_make_error(err, 0,
                             "annotations[\"%s\"]: unknown container type \"%.64s\" (sandbox or "
                             "container)",
                             type_key, type);
    }
    *sandbox_id = id;
    return 0;
}

int specutils_pod_role(const struct spec *s, enum spec_pod_role *role, const char **sandbox_id,
                       rt_error_t *err)
{
    static const char cri_type[] = "io.kubernetes.cri.container-type";
    static const char cri_id[] = "io.kubernetes.cri.sandbox-id";
    static const char crio_type[] = "io.kubernetes.cri-o.ContainerType";
    static const char crio_id[] = "io.kubernetes.cri-o.SandboxID";

    *role = SPEC_POD_STANDALONE;
    *sandbox_id = NULL;
    if (specutils_annotation_get(s, cri_type) != NULL)
        return role_from(s, cri_type, cri_id, role, sandbox_id, err);
    if (specutils_annotation_get(s, crio_type) != NULL)
        return role_from(s, crio_type, crio_id, role, sandbox_id, err);
    return 0;
}
