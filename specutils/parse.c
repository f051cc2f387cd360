/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing and validation of config.json: the top level, process, root, mounts and hooks. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "specutils/specutils_internal.h"

static int parse_console_size(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_process *p = out;
    uint64_t h = 0, w = 0;
    int ret;

    /* struct winsize holds unsigned shorts. */
    if ((ret = sp_field_u64(c, v, "height", UINT16_MAX, true, NULL, &h)) < 0 ||
        (ret = sp_field_u64(c, v, "width", UINT16_MAX, true, NULL, &w)) < 0)
        return ret;
    p->has_console_size = true;
    p->console_height = (uint32_t)h;
    p->console_width = (uint32_t)w;
    return 0;
}

static int parse_user(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_user *u = out;
    json_t *gids;
    int ret;

    if ((ret = sp_field_u32(c, v, "uid", true, NULL, &u->uid)) < 0 ||
        (ret = sp_field_u32(c, v, "gid", true, NULL, &u->gid)) < 0)
        return ret;
    if ((ret = sp_field_u32(c, v, "umask", false, &u->has_umask, &u->umask)) < 0)
        return ret;
    if (u->has_umask && u->umask > 0777)
        return sp_fail_at(c, "umask", "must be at most 0777");
    if ((ret = sp_field_str(c, v, "username", SP_STR, false, &u->username)) < 0)
        return ret;
    gids = json_object_get(v, "additionalGids");
    if (!sp_absent(gids)) {
        size_t mark = sp_push_key(c, "additionalGids");

        ret = sp_array(c, gids);
        if (ret == 0 && json_array_size(gids) > 0) {
            u->additional_gids = xcalloc(json_array_size(gids), sizeof(uint32_t));
            for (size_t i = 0; i < json_array_size(gids) && ret == 0; i++) {
                size_t m = sp_push_index(c, i);
                uint64_t g = 0;

                ret = sp_u64(c, json_array_get(gids, i), UINT32_MAX, &g);
                u->additional_gids[i] = (uint32_t)g;
                u->n_additional_gids = i + 1;
                sp_pop(c, m);
            }
        }
        sp_pop(c, mark);
    }
    return ret;
}

static int parse_cap_list(struct sp_ctx *c, json_t *v, const char *key, struct spec_strv *names,
                          uint64_t *mask)
{
    size_t mark;
    int ret = sp_field_strv(c, v, key, SP_STR, names);

    if (ret < 0)
        return ret;
    mark = sp_push_key(c, key);
    for (size_t i = 0; i < names->n && ret == 0; i++) {
        int cap = specutils_capability_from_name(names->v[i]);
        size_t m = sp_push_index(c, i);

        if (cap < 0)
            ret = sp_fail(c, "unknown capability \"%.64s\"", names->v[i]);
        else
            *mask |= 1ull << cap;
        sp_pop(c, m);
    }
    sp_pop(c, mark);
    return ret;
}

static int parse_capabilities(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_capabilities **pcaps = out;
    struct spec_capabilities *caps = xcalloc(1, sizeof(*caps));
    int ret;

    *pcaps = caps;
    if ((ret = parse_cap_list(c, v, "bounding", &caps->bounding, &caps->bounding_mask)) < 0 ||
        (ret = parse_cap_list(c, v, "effective", &caps->effective, &caps->effective_mask)) < 0 ||
        (ret = parse_cap_list(c, v, "inheritable", &caps->inheritable, &caps->inheritable_mask)) <
            0 ||
        (ret = parse_cap_list(c, v, "permitted", &caps->permitted, &caps->permitted_mask)) < 0 ||
        (ret = parse_cap_list(c, v, "ambient", &caps->ambient, &caps->ambient_mask)) < 0)
        return ret;
    return 0;
}

static int parse_rlimit(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_rlimit *r = out;
    int ret;

    if ((ret = sp_field_str(c, v, "type", SP_NONEMPTY, true, &r->type)) < 0)
        return ret;
    r->resource = specutils_rlimit_from_name(r->type);
    if (r->resource < 0)
        return sp_fail_at(c, "type", "unknown rlimit \"%.64s\"", r->type);
    if ((ret = sp_field_u64(c, v, "hard", UINT64_MAX, true, NULL, &r->hard)) < 0 ||
        (ret = sp_field_u64(c, v, "soft", UINT64_MAX, true, NULL, &r->soft)) < 0)
        return ret;
    if (r->soft > r->hard)
        return sp_fail_at(c, "soft", "must not be greater than hard");
    return 0;
}

static int parse_io_priority(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_io_priority **pp = out;
    struct spec_io_priority *io = xcalloc(1, sizeof(*io));
    static const struct sp_name classes[] = {
        { "IOPRIO_CLASS_RT", 1 },
        { "IOPRIO_CLASS_BE", 2 },
        { "IOPRIO_CLASS_IDLE", 3 },
    };
    int ret;

    *pp = io;
    if ((ret = sp_field_str(c, v, "class", SP_NONEMPTY, true, &io->class_name)) < 0)
        return ret;
    io->class_num = sp_name_lookup(classes, ARRAY_SIZE(classes), io->class_name);
    if (io->class_num < 0)
        return sp_fail_at(c, "class", "unknown I/O priority class \"%.64s\"", io->class_name);
    return sp_field_i32(c, v, "priority", 0, 7, true, NULL, &io->priority);
}

static int parse_scheduler(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_scheduler **pp = out;
    struct spec_scheduler *s = xcalloc(1, sizeof(*s));
    int ret;

    *pp = s;
    if ((ret = sp_field_str(c, v, "policy", SP_NONEMPTY, true, &s->policy)) < 0)
        return ret;
    s->policy_num = sp_sched_policy_from_name(s->policy);
    if (s->policy_num < 0)
        return sp_fail_at(c, "policy", "unknown scheduling policy \"%.64s\"", s->policy);
    if ((ret = sp_field_i32(c, v, "nice", -20, 19, false, &s->has_nice, &s->nice)) < 0 ||
        (ret = sp_field_i32(c, v, "priority", INT32_MIN, INT32_MAX, false, &s->has_priority,
                            &s->priority)) < 0 ||
        (ret = sp_field_strv(c, v, "flags", SP_STR, &s->flags)) < 0 ||
        (ret = sp_field_u64(c, v, "runtime", UINT64_MAX, false, &s->has_runtime, &s->runtime)) <
            0 ||
        (ret = sp_field_u64(c, v, "deadline", UINT64_MAX, false, &s->has_deadline, &s->deadline)) <
            0 ||
        (ret = sp_field_u64(c, v, "period", UINT64_MAX, false, &s->has_period, &s->period)) < 0)
        return ret;
    for (size_t i = 0; i < s->flags.n; i++) {
        if (!sp_sched_flag_known(s->flags.v[i])) {
            size_t mark = sp_push_key(c, "flags");
            size_t m = sp_push_index(c, i);

            ret = sp_fail(c, "unknown scheduler flag \"%.64s\"", s->flags.v[i]);
            sp_pop(c, m);
            sp_pop(c, mark);
            return ret;
        }
    }
    return 0;
}

/* Validates a cpuset list: "" or "N", "N-M" joined with commas, N <= M. */
static bool is_cpu_list(const char *s)
{
    if (*s == '\0')
        return true;
    for (;;) {
        char *end;
        unsigned long a, b;

        if (*s < '0' || *s > '9')
            return false;
        a = strtoul(s, &end, 10);
        b = a;
        if (*end == '-') {
            if (end[1] < '0' || end[1] > '9')
                return false;
            b = strtoul(end + 1, &end, 10);
        }
        if (a > b || b > 1u << 20)
            return false;
        if (*end == '\0')
            return true;
        if (*end != ',')
            return false;
        s = end + 1;
    }
}

int sp_field_cpu_list(struct sp_ctx *c, json_t *obj, const char *key, char **out)
{
    int ret = sp_field_str(c, obj, key, SP_STR, false, out);

    if (ret == 0 && *out != NULL && !is_cpu_list(*out))
        return sp_fail_at(c, key, "invalid CPU list \"%.64s\" (want e.g. \"0-3,5\")", *out);
    return ret;
}

static int parse_exec_cpu_affinity(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_process *p = out;
    int ret = sp_field_cpu_list(c, v, "initial", &p->exec_cpu_affinity_initial);

    if (ret < 0)
        return ret;
    return sp_field_cpu_list(c, v, "final", &p->exec_cpu_affinity_final);
}

int sp_parse_process(struct sp_ctx *c, json_t *v, struct spec_process *p)
{
    json_t *args;
    int ret;

    if ((ret = sp_field_bool(c, v, "terminal", NULL, &p->terminal)) < 0 ||
        (ret = sp_field_object(c, v, "consoleSize", false, parse_console_size, p)) < 0 ||
        (ret = sp_field_object(c, v, "user", true, parse_user, &p->user)) < 0)
        return ret;

    args = json_object_get(v, "args");
    if (sp_absent(args) || !json_is_array(args) || json_array_size(args) == 0)
        return sp_fail_at(c, "args", "must be a non-empty array of strings");
    if ((ret = sp_field_strv(c, v, "args", SP_ARG, &p->args)) < 0)
        return ret;
    if ((ret = sp_field_str(c, v, "commandLine", SP_STR, false, &p->command_line)) < 0 ||
        (ret = sp_field_strv(c, v, "env", SP_ARG, &p->env)) < 0)
        return ret;
    for (size_t i = 0; i < p->env.n; i++) {
        const char *eq = strchr(p->env.v[i], '=');

        if (eq == NULL || eq == p->env.v[i]) {
            size_t mark = sp_push_key(c, "env");
            size_t m = sp_push_index(c, i);

            ret =
                sp_fail(c, "must be NAME=VALUE with a non-empty NAME (got \"%.64s\")", p->env.v[i]);
            sp_pop(c, m);
            sp_pop(c, mark);
            return ret;
        }
    }
    if ((ret = sp_field_str(c, v, "cwd", SP_ABSPATH, true, &p->cwd)) < 0 ||
        (ret = sp_field_object(c, v, "capabilities", false, parse_capabilities, &p->capabilities)) <
            0 ||
        (ret = sp_field_object_array(c, v, "rlimits", false, sizeof(struct spec_rlimit),
                                     parse_rlimit, (void **)&p->rlimits, &p->n_rlimits)) < 0)
        return ret;
    for (size_t i = 0; i < p->n_rlimits; i++) {
        for (size_t j = 0; j < i; j++) {
            if (p->rlimits[i].resource == p->rlimits[j].resource) {
                size_t mark = sp_push_key(c, "rlimits");
                size_t m = sp_push_index(c, i);

                ret = sp_fail(c, "duplicate rlimit \"%s\" (also rlimits[%zu])", p->rlimits[i].type,
                              j);
                sp_pop(c, m);
                sp_pop(c, mark);
                return ret;
            }
        }
    }
    if ((ret = sp_field_bool(c, v, "noNewPrivileges", NULL, &p->no_new_privileges)) < 0 ||
        (ret = sp_field_str(c, v, "apparmorProfile", SP_STR, false, &p->apparmor_profile)) < 0)
        return ret;
    {
        int64_t adj = 0;

        /* Linux's range for /proc/PID/oom_score_adj. */
        ret = sp_field_i64(c, v, "oomScoreAdj", -1000, 1000, false, &p->has_oom_score_adj, &adj);
        if (ret < 0)
            return ret;
        p->oom_score_adj = (int)adj;
    }
    if ((ret = sp_field_str(c, v, "selinuxLabel", SP_STR, false, &p->selinux_label)) < 0 ||
        (ret = sp_field_object(c, v, "ioPriority", false, parse_io_priority, &p->io_priority)) <
            0 ||
        (ret = sp_field_object(c, v, "scheduler", false, parse_scheduler, &p->scheduler)) < 0 ||
        (ret = sp_field_object(c, v, "execCPUAffinity", false, parse_exec_cpu_affinity, p)) < 0)
        return ret;
    return 0;
}

static int parse_process_obj(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_process **pp = out;

    *pp = xcalloc(1, sizeof(**pp));
    return sp_parse_process(c, v, *pp);
}

static int parse_root(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_root *r = out;
    int ret;

    if ((ret = sp_field_str(c, v, "path", SP_PATH, true, &r->path)) < 0 ||
        (ret = sp_field_bool(c, v, "readonly", NULL, &r->readonly)) < 0)
        return ret;
    if (r->path[0] == '/')
        r->resolved_path = xstrdup(r->path);
    return 0;
}

static int parse_mount(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_mount *m = out;
    int ret;

    if ((ret = sp_field_str(c, v, "destination", SP_ABSPATH, true, &m->destination)) < 0 ||
        (ret = sp_field_str(c, v, "type", SP_PATHLEN, false, &m->type)) < 0 ||
        (ret = sp_field_str(c, v, "source", SP_PATHLEN, false, &m->source)) < 0 ||
        (ret = sp_field_strv(c, v, "options", SP_PATHLEN, &m->options)) < 0 ||
        (ret = sp_field_id_mappings(c, v, "uidMappings", &m->uid_mappings)) < 0 ||
        (ret = sp_field_id_mappings(c, v, "gidMappings", &m->gid_mappings)) < 0)
        return ret;
    return 0;
}

static int parse_hook(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_hook *h = out;
    int64_t t = 0;
    int ret;

    if ((ret = sp_field_str(c, v, "path", SP_ABSPATH, true, &h->path)) < 0 ||
        (ret = sp_field_strv(c, v, "args", SP_ARG, &h->args)) < 0 ||
        (ret = sp_field_strv(c, v, "env", SP_ARG, &h->env)) < 0)
        return ret;
    ret = sp_field_i64(c, v, "timeout", INT64_MIN, INT64_MAX, false, &h->has_timeout, &t);
    if (ret < 0)
        return ret;
    if (h->has_timeout && (t <= 0 || t > INT_MAX)) {
        size_t mark = sp_push_key(c, "timeout");

        ret = sp_fail(c, "must be greater than zero and at most %d seconds (got %lld)", INT_MAX,
                      (long long)t);
        sp_pop(c, mark);
        return ret;
    }
    h->timeout = (int)t;
    return 0;
}

static int parse_hook_list(struct sp_ctx *c, json_t *v, const char *key, struct spec_hook_list *l)
{
    return sp_field_object_array(c, v, key, false, sizeof(struct spec_hook), parse_hook,
                                 (void **)&l->v, &l->n);
}

static int parse_hooks(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_hooks *h = out;
    int ret;

    if ((ret = parse_hook_list(c, v, "prestart", &h->prestart)) < 0 ||
        (ret = parse_hook_list(c, v, "createRuntime", &h->create_runtime)) < 0 ||
        (ret = parse_hook_list(c, v, "createContainer", &h->create_container)) < 0 ||
        (ret = parse_hook_list(c, v, "startContainer", &h->start_container)) < 0 ||
        (ret = parse_hook_list(c, v, "poststart", &h->poststart)) < 0 ||
        (ret = parse_hook_list(c, v, "poststop", &h->poststop)) < 0)
        return ret;
    return 0;
}

static int parse_linux_obj(struct sp_ctx *c, json_t *v, void *out)
{
    return sp_parse_linux(c, v, out);
}

/* Accepts 1.0.N, 1.1.N and 1.2.N with an optional -prerelease or +build suffix. */
static bool is_supported_version(const char *v)
{
    if (strncmp(v, "1.0.", 4) != 0 && strncmp(v, "1.1.", 4) != 0 && strncmp(v, "1.2.", 4) != 0)
        return false;
    v += 4;
    if (*v < '0' || *v > '9')
        return false;
    while (*v >= '0' && *v <= '9')
        v++;
    if (*v == '\0')
        return true;
    if (*v != '-' && *v != '+')
        return false;
    for (v++; *v; v++) {
        if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
              *v == '.' || *v == '-' || *v == '+'))
            return false;
    }
    return true;
}

static bool has_ns(const struct spec *s, enum spec_ns_type type)
{
    for (size_t i = 0; i < s->linux_cfg.n_namespaces; i++) {
        if (s->linux_cfg.namespaces[i].type == type)
            return true;
    }
    return false;
}

/* Checks that need more than one field. */
static int validate_cross(struct sp_ctx *c, const struct spec *s)
{
    const struct spec_linux *l = &s->linux_cfg;
    const struct spec_namespace *userns = specutils_namespace_find(s, "user");

    if (s->hostname != NULL && s->hostname[0] != '\0' && !has_ns(s, SPEC_NS_UTS))
        return sp_fail_at(c, "hostname", "needs a uts namespace in linux.namespaces");
    if (s->domainname != NULL && s->domainname[0] != '\0' && !has_ns(s, SPEC_NS_UTS))
        return sp_fail_at(c, "domainname", "needs a uts namespace in linux.namespaces");
    if (l->uid_mappings.n > 0 && userns == NULL)
        return sp_fail_at(c, "linux.uidMappings", "needs a user namespace in linux.namespaces");
    if (l->gid_mappings.n > 0 && userns == NULL)
        return sp_fail_at(c, "linux.gidMappings", "needs a user namespace in linux.namespaces");
    if (userns != NULL && userns->path == NULL && l->uid_mappings.n == 0)
        return sp_fail_at(c, "linux.uidMappings", "is required with a new user namespace");
    if (userns != NULL && userns->path == NULL && l->gid_mappings.n == 0)
        return sp_fail_at(c, "linux.gidMappings", "is required with a new user namespace");
    if (l->n_time_offsets > 0 && !has_ns(s, SPEC_NS_TIME))
        return sp_fail_at(c, "linux.timeOffsets", "needs a time namespace in linux.namespaces");
    return 0;
}

static int parse_spec(struct sp_ctx *c, json_t *root, struct spec *s)
{
    int ret;

    if ((ret = sp_field_str(c, root, "ociVersion", SP_NONEMPTY, true, &s->oci_version)) < 0)
        return ret;
    if (!is_supported_version(s->oci_version))
        return sp_fail_at(c, "ociVersion",
                          "unsupported version \"%.64s\" (this runtime accepts 1.0.x, 1.1.x and "
                          "1.2.x)",
                          s->oci_version);
    if ((ret = sp_field_object(c, root, "root", true, parse_root, &s->root)) < 0 ||
        (ret = sp_field_object(c, root, "process", true, parse_process_obj, &s->process)) < 0 ||
        (ret = sp_field_str(c, root, "hostname", SP_HOSTNAME, false, &s->hostname)) < 0 ||
        (ret = sp_field_str(c, root, "domainname", SP_HOSTNAME, false, &s->domainname)) < 0 ||
        (ret = sp_field_object_array(c, root, "mounts", false, sizeof(struct spec_mount),
                                     parse_mount, (void **)&s->mounts, &s->n_mounts)) < 0 ||
        (ret = sp_field_object(c, root, "hooks", false, parse_hooks, &s->hooks)) < 0 ||
        (ret = sp_field_kv(c, root, "annotations", &s->annotations)) < 0)
        return ret;
    ret = sp_field_object(c, root, "linux", false, parse_linux_obj, &s->linux_cfg);
    if (ret < 0)
        return ret;
    s->has_linux = ret == 1;
    return validate_cross(c, s);
}

static void ctx_init(struct sp_ctx *c, const char *root_name, rt_error_t *err)
{
    *c = (struct sp_ctx){ .path = STRBUF_INIT, .root_name = root_name, .err = err };
}

int specutils_parse(const char *json, size_t len, struct spec **out, rt_error_t *err)
{
    struct sp_ctx c;
    json_t *root;
    struct spec *s;
    int ret;

    ctx_init(&c, "config.json", err);
    if (len > SPECUTILS_MAX_CONFIG_SIZE)
        return rt_make_error(err, 0, "config.json: is %zu bytes, more than the limit of %u", len,
                             SPECUTILS_MAX_CONFIG_SIZE);
    root = sp_load_json(&c, json, len);
    if (root == NULL)
        return -1;
    s = xcalloc(1, sizeof(*s));
    ret = parse_spec(&c, root, s);
    json_decref(root);
    strbuf_release(&c.path);
    if (ret < 0) {
        specutils_free(s);
        return ret;
    }
    *out = s;
    return 0;
}

int specutils_process_parse(const char *json, size_t len, struct spec_process **out,
                            rt_error_t *err)
{
    struct sp_ctx c;
    struct spec_process *p;
    json_t *root;
    int ret;

    ctx_init(&c, "process", err);
    if (len > SPECUTILS_MAX_CONFIG_SIZE)
        return rt_make_error(err, 0, "process: is %zu bytes, more than the limit of %u", len,
                             SPECUTILS_MAX_CONFIG_SIZE);
    root = sp_load_json(&c, json, len);
    if (root == NULL)
        return -1;
    p = xcalloc(1, sizeof(*p));
    ret = sp_parse_process(&c, root, p);
    json_decref(root);
    strbuf_release(&c.path);
    if (ret < 0) {
        specutils_process_free(p);
        return ret;
    }
    *out = p;
    return 0;
}

int specutils_resources_parse(const char *json, size_t len, struct spec_resources **out,
                              rt_error_t *err)
{
    struct sp_ctx c;
    struct spec_resources *r;
    json_t *root;
    int ret;

    ctx_init(&c, "resources", err);
    if (len > SPECUTILS_MAX_CONFIG_SIZE)
        return rt_make_error(err, 0, "resources: is %zu bytes, more than the limit of %u", len,
                             SPECUTILS_MAX_CONFIG_SIZE);
    root = sp_load_json(&c, json, len);
    if (root == NULL)
        return -1;
    r = xcalloc(1, sizeof(*r));
    ret = sp_parse_resources(&c, root, r);
    json_decref(root);
    strbuf_release(&c.path);
    if (ret < 0) {
        specutils_resources_free(r);
        return ret;
    }
    *out = r;
    return 0;
}
