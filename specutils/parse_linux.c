/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing and validation of config.json's `linux` object: namespaces, devices, resources, seccomp.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "specutils/specutils_internal.h"

static int fail_index(struct sp_ctx *c, const char *key, size_t i, const char *msg, const char *arg)
{
    size_t mark = sp_push_key(c, key);
    size_t m = sp_push_index(c, i);
    int ret = sp_fail(c, msg, arg);

    sp_pop(c, m);
    sp_pop(c, mark);
    return ret;
}

static int parse_namespace(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_namespace *ns = out;
    cleanup_free char *type = NULL;
    int t, ret;

    if ((ret = sp_field_str(c, v, "type", SP_NONEMPTY, true, &type)) < 0)
        return ret;
    t = specutils_ns_type_from_name(type);
    if (t < 0)
        return sp_fail_at(c, "type", "unknown namespace \"%.64s\"", type);
    ns->type = (enum spec_ns_type)t;
    return sp_field_str(c, v, "path", SP_ABSPATH, false, &ns->path);
}

static int parse_time_offsets(struct sp_ctx *c, json_t *v, struct spec_linux *l)
{
    size_t i = 0;
    int ret = sp_object(c, v);

    if (ret < 0 || json_object_size(v) == 0)
        return ret;
    l->time_offsets = xcalloc(json_object_size(v), sizeof(*l->time_offsets));
    for (void *it = json_object_iter(v); it != NULL && ret == 0;
         it = json_object_iter_next(v, it), i++) {
        const char *key = json_object_iter_key(it);
        json_t *val = json_object_iter_value(it);
        struct spec_time_offset *o = &l->time_offsets[i];
        size_t m = sp_push_mapkey(c, key);

        l->n_time_offsets = i + 1;
        if (strcmp(key, "boottime") != 0 && strcmp(key, "monotonic") != 0) {
            ret = sp_fail(c, "unknown clock (boottime or monotonic)");
        } else {
            o->clock = xstrdup(key);
            ret = sp_object(c, val);
            if (ret == 0)
                ret = sp_field_i64(c, val, "secs", INT64_MIN, INT64_MAX, false, NULL, &o->secs);
            if (ret == 0) {
                int64_t ns = 0;

                ret = sp_field_i64(c, val, "nanosecs", 0, 999999999, false, NULL, &ns);
                o->nanosecs = (uint32_t)ns;
            }
        }
        sp_pop(c, m);
    }
    return ret;
}

static int parse_device(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_device *d = out;
    bool need_numbers;
    int ret;

    if ((ret = sp_field_str(c, v, "path", SP_ABSPATH, true, &d->path)) < 0 ||
        (ret = sp_field_str(c, v, "type", SP_NONEMPTY, true, &d->type)) < 0)
        return ret;
    if (strlen(d->type) != 1 || strchr("cbup", d->type[0]) == NULL)
        return sp_fail_at(c, "type", "unknown device type \"%.16s\" (c, b, u or p)", d->type);
    d->type_char = d->type[0];
    need_numbers = d->type_char != 'p';
    if ((ret = sp_field_i64(c, v, "major", 0, UINT32_MAX, need_numbers, NULL, &d->major)) < 0 ||
        (ret = sp_field_i64(c, v, "minor", 0, UINT32_MAX, need_numbers, NULL, &d->minor)) < 0 ||
        (ret = sp_field_u32(c, v, "fileMode", false, &d->has_file_mode, &d->file_mode)) < 0 ||
        (ret = sp_field_u32(c, v, "uid", false, &d->has_uid, &d->uid)) < 0 ||
        (ret = sp_field_u32(c, v, "gid", false, &d->has_gid, &d->gid)) < 0)
        return ret;
    if (d->has_file_mode && d->file_mode > 07777)
        return sp_fail_at(c, "fileMode", "must be at most 07777 (permission bits only)");
    return 0;
}

static int parse_device_rule(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_device_rule *r = out;
    cleanup_free char *type = NULL;
    bool has_allow = false;
    int ret;

    if ((ret = sp_field_bool(c, v, "allow", &has_allow, &r->allow)) < 0)
        return ret;
    if (!has_allow)
        return sp_fail_at(c, "allow", "is required");
    if ((ret = sp_field_str(c, v, "type", SP_STR, false, &type)) < 0)
        return ret;
    r->type = 'a';
    if (type != NULL && type[0] != '\0') {
        if (strlen(type) != 1 || strchr("acb", type[0]) == NULL)
            return sp_fail_at(c, "type", "unknown device type \"%.16s\" (a, c or b)", type);
        r->type = type[0];
    }
    if ((ret = sp_field_i64(c, v, "major", -1, UINT32_MAX, false, &r->has_major, &r->major)) < 0 ||
        (ret = sp_field_i64(c, v, "minor", -1, UINT32_MAX, false, &r->has_minor, &r->minor)) < 0 ||
        (ret = sp_field_str(c, v, "access", SP_STR, false, &r->access)) < 0)
        return ret;
    if (r->access != NULL && strspn(r->access, "rwm") != strlen(r->access))
        return sp_fail_at(c, "access", "must be made of r, w and m (got \"%.16s\")", r->access);
    return 0;
}

/* Memory sizes are int64 where -1 means unlimited. */
static int mem_field(struct sp_ctx *c, json_t *v, const char *key, bool *has, int64_t *out)
{
    return sp_field_i64(c, v, key, -1, INT64_MAX, false, has, out);
}

static int parse_memory(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_memory **pm = out;
    struct spec_memory *m = xcalloc(1, sizeof(*m));
    json_t *sw;
    int ret;

    *pm = m;
    if ((ret = mem_field(c, v, "limit", &m->has_limit, &m->limit)) < 0 ||
        (ret = mem_field(c, v, "reservation", &m->has_reservation, &m->reservation)) < 0 ||
        (ret = mem_field(c, v, "swap", &m->has_swap, &m->swap)) < 0 ||
        (ret = mem_field(c, v, "kernel", &m->has_kernel, &m->kernel)) < 0 ||
        (ret = mem_field(c, v, "kernelTCP", &m->has_kernel_tcp, &m->kernel_tcp)) < 0)
        return ret;
    /* Old Docker versions send -1 (or its uint64 wrap) for "unset" swappiness. */
    sw = json_object_get(v, "swappiness");
    if (!(json_is_integer(sw) && json_integer_value(sw) == -1)) {
        ret =
            sp_field_u64(c, v, "swappiness", UINT64_MAX, false, &m->has_swappiness, &m->swappiness);
        if (ret < 0)
            return ret;
        if (m->has_swappiness && m->swappiness == UINT64_MAX)
            m->has_swappiness = false;
        else if (m->has_swappiness && m->swappiness > 100)
            return sp_fail_at(c, "swappiness", "must be in 0..100");
    }
    if ((ret = sp_field_bool(c, v, "disableOOMKiller", &m->has_disable_oom_killer,
                             &m->disable_oom_killer)) < 0 ||
        (ret = sp_field_bool(c, v, "useHierarchy", &m->has_use_hierarchy, &m->use_hierarchy)) < 0 ||
        (ret = sp_field_bool(c, v, "checkBeforeUpdate", &m->has_check_before_update,
                             &m->check_before_update)) < 0)
        return ret;
    return 0;
}

static int parse_cpu(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_cpu **pc = out;
    struct spec_cpu *cpu = xcalloc(1, sizeof(*cpu));
    int ret;

    *pc = cpu;
    if ((ret = sp_field_u64(c, v, "shares", UINT64_MAX, false, &cpu->has_shares, &cpu->shares)) <
            0 ||
        (ret = sp_field_i64(c, v, "quota", -1, INT64_MAX, false, &cpu->has_quota, &cpu->quota)) <
            0 ||
        (ret = sp_field_u64(c, v, "burst", UINT64_MAX, false, &cpu->has_burst, &cpu->burst)) < 0 ||
        (ret = sp_field_u64(c, v, "period", UINT64_MAX, false, &cpu->has_period, &cpu->period)) <
            0 ||
        (ret = sp_field_i64(c, v, "realtimeRuntime", INT64_MIN, INT64_MAX, false,
                            &cpu->has_realtime_runtime, &cpu->realtime_runtime)) < 0 ||
        (ret = sp_field_u64(c, v, "realtimePeriod", UINT64_MAX, false, &cpu->has_realtime_period,
                            &cpu->realtime_period)) < 0 ||
        (ret = sp_field_cpu_list(c, v, "cpus", &cpu->cpus)) < 0 ||
        (ret = sp_field_cpu_list(c, v, "mems", &cpu->mems)) < 0 ||
        (ret = sp_field_i64(c, v, "idle", 0, 1, false, &cpu->has_idle, &cpu->idle)) < 0)
        return ret;
    return 0;
}

static int parse_pids(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_pids **pp = out;

    *pp = xcalloc(1, sizeof(**pp));
    return sp_field_i64(c, v, "limit", INT64_MIN, INT64_MAX, false, &(*pp)->has_limit,
                        &(*pp)->limit);
}

static int parse_weight_device(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_weight_device *d = out;
    int ret;

    if ((ret = sp_field_i64(c, v, "major", 0, UINT32_MAX, true, NULL, &d->major)) < 0 ||
        (ret = sp_field_i64(c, v, "minor", 0, UINT32_MAX, true, NULL, &d->minor)) < 0 ||
        (ret = sp_field_u16(c, v, "weight", false, &d->has_weight, &d->weight)) < 0 ||
        (ret = sp_field_u16(c, v, "leafWeight", false, &d->has_leaf_weight, &d->leaf_weight)) < 0)
        return ret;
    return 0;
}

static int parse_throttle_device(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_throttle_device *d = out;
    int ret;

    if ((ret = sp_field_i64(c, v, "major", 0, UINT32_MAX, true, NULL, &d->major)) < 0 ||
        (ret = sp_field_i64(c, v, "minor", 0, UINT32_MAX, true, NULL, &d->minor)) < 0 ||
        (ret = sp_field_u64(c, v, "rate", UINT64_MAX, true, NULL, &d->rate)) < 0)
        return ret;
    return 0;
}

static int throttle_list(struct sp_ctx *c, json_t *v, const char *key, struct spec_throttle_list *l)
{
    return sp_field_object_array(c, v, key, false, sizeof(struct spec_throttle_device),
                                 parse_throttle_device, (void **)&l->v, &l->n);
}

static int parse_block_io(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_block_io **pb = out;
    struct spec_block_io *b = xcalloc(1, sizeof(*b));
    int ret;

    *pb = b;
    if ((ret = sp_field_u16(c, v, "weight", false, &b->has_weight, &b->weight)) < 0 ||
        (ret = sp_field_u16(c, v, "leafWeight", false, &b->has_leaf_weight, &b->leaf_weight)) < 0 ||
        (ret = sp_field_object_array(c, v, "weightDevice", false, sizeof(struct spec_weight_device),
                                     parse_weight_device, (void **)&b->weight_device,
                                     &b->n_weight_device)) < 0 ||
        (ret = throttle_list(c, v, "throttleReadBpsDevice", &b->throttle_read_bps)) < 0 ||
        (ret = throttle_list(c, v, "throttleWriteBpsDevice", &b->throttle_write_bps)) < 0 ||
        (ret = throttle_list(c, v, "throttleReadIOPSDevice", &b->throttle_read_iops)) < 0 ||
        (ret = throttle_list(c, v, "throttleWriteIOPSDevice", &b->throttle_write_iops)) < 0)
        return ret;
    return 0;
}

static int parse_hugepage_limit(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_hugepage_limit *h = out;
    int ret;

    if ((ret = sp_field_str(c, v, "pageSize", SP_NONEMPTY, true, &h->page_size)) < 0 ||
        (ret = sp_field_u64(c, v, "limit", UINT64_MAX, true, NULL, &h->limit)) < 0)
        return ret;
    return 0;
}

static int parse_net_priority(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_net_priority *p = out;
    int ret;

    if ((ret = sp_field_str(c, v, "name", SP_NONEMPTY, true, &p->name)) < 0 ||
        (ret = sp_field_u32(c, v, "priority", true, NULL, &p->priority)) < 0)
        return ret;
    return 0;
}

static int parse_network(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_network **pn = out;
    struct spec_network *n = xcalloc(1, sizeof(*n));
    int ret;

    *pn = n;
    if ((ret = sp_field_u32(c, v, "classID", false, &n->has_class_id, &n->class_id)) < 0 ||
        (ret = sp_field_object_array(c, v, "priorities", false, sizeof(struct spec_net_priority),
                                     parse_net_priority, (void **)&n->priorities,
                                     &n->n_priorities)) < 0)
        return ret;
    return 0;
}

static int parse_rdma(struct sp_ctx *c, json_t *v, struct spec_resources *r)
{
    size_t i = 0;
    int ret = sp_object(c, v);

    if (ret < 0 || json_object_size(v) == 0)
        return ret;
    r->rdma = xcalloc(json_object_size(v), sizeof(*r->rdma));
    for (void *it = json_object_iter(v); it != NULL && ret == 0;
         it = json_object_iter_next(v, it), i++) {
        const char *key = json_object_iter_key(it);
        json_t *val = json_object_iter_value(it);
        struct spec_rdma *d = &r->rdma[i];
        size_t m = sp_push_mapkey(c, key);

        r->n_rdma = i + 1;
        d->device = xstrdup(key);
        if (key[0] == '\0')
            ret = sp_fail(c, "key must not be empty");
        if (ret == 0)
            ret = sp_object(c, val);
        if (ret == 0)
            ret = sp_field_u32(c, val, "hcaHandles", false, &d->has_hca_handles, &d->hca_handles);
        if (ret == 0)
            ret = sp_field_u32(c, val, "hcaObjects", false, &d->has_hca_objects, &d->hca_objects);
        sp_pop(c, m);
    }
    return ret;
}

int sp_parse_resources(struct sp_ctx *c, json_t *v, struct spec_resources *r)
{
    json_t *rdma;
    int ret;

    if ((ret = sp_field_object_array(c, v, "devices", false, sizeof(struct spec_device_rule),
                                     parse_device_rule, (void **)&r->devices, &r->n_devices)) < 0 ||
        (ret = sp_field_object(c, v, "memory", false, parse_memory, &r->memory)) < 0 ||
        (ret = sp_field_object(c, v, "cpu", false, parse_cpu, &r->cpu)) < 0 ||
        (ret = sp_field_object(c, v, "pids", false, parse_pids, &r->pids)) < 0 ||
        (ret = sp_field_object(c, v, "blockIO", false, parse_block_io, &r->block_io)) < 0 ||
        (ret = sp_field_object_array(c, v, "hugepageLimits", false,
                                     sizeof(struct spec_hugepage_limit), parse_hugepage_limit,
                                     (void **)&r->hugepage_limits, &r->n_hugepage_limits)) < 0 ||
        (ret = sp_field_object(c, v, "network", false, parse_network, &r->network)) < 0)
        return ret;
    rdma = json_object_get(v, "rdma");
    if (!sp_absent(rdma)) {
        size_t mark = sp_push_key(c, "rdma");

        ret = parse_rdma(c, rdma, r);
        sp_pop(c, mark);
        if (ret < 0)
            return ret;
    }
    return sp_field_kv(c, v, "unified", &r->unified);
}

static int parse_resources_obj(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_resources **pr = out;

    *pr = xcalloc(1, sizeof(**pr));
    return sp_parse_resources(c, v, *pr);
}

static int parse_seccomp_arg(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_seccomp_arg *a = out;
    int op, ret;

    if ((ret = sp_field_u32(c, v, "index", true, NULL, &a->index)) < 0)
        return ret;
    if (a->index > 5)
        return sp_fail_at(c, "index", "must be in 0..5 (system calls have six arguments)");
    if ((ret = sp_field_u64(c, v, "value", UINT64_MAX, true, NULL, &a->value)) < 0 ||
        (ret = sp_field_u64(c, v, "valueTwo", UINT64_MAX, false, NULL, &a->value_two)) < 0 ||
        (ret = sp_field_str(c, v, "op", SP_NONEMPTY, true, &a->op_name)) < 0)
        return ret;
    op = sp_seccomp_op_from_name(a->op_name);
    if (op < 0)
        return sp_fail_at(c, "op", "unknown seccomp operator \"%.64s\"", a->op_name);
    a->op = (enum spec_seccomp_op)op;
    return 0;
}

static int parse_seccomp_syscall(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_seccomp_syscall *sys = out;
    int action, ret;

    if ((ret = sp_field_strv(c, v, "names", SP_NONEMPTY, &sys->names)) < 0)
        return ret;
    if (sys->names.n == 0)
        return sp_fail_at(c, "names", "must be a non-empty array of system call names");
    if ((ret = sp_field_str(c, v, "action", SP_NONEMPTY, true, &sys->action_name)) < 0)
        return ret;
    action = sp_seccomp_action_from_name(sys->action_name);
    if (action < 0)
        return sp_fail_at(c, "action", "unknown seccomp action \"%.64s\"", sys->action_name);
    sys->action = (enum spec_seccomp_action)action;
    if ((ret = sp_field_u32(c, v, "errnoRet", false, &sys->has_errno_ret, &sys->errno_ret)) < 0 ||
        (ret = sp_field_object_array(c, v, "args", false, sizeof(struct spec_seccomp_arg),
                                     parse_seccomp_arg, (void **)&sys->args, &sys->n_args)) < 0)
        return ret;
    if (sys->n_args > 6)
        return sp_fail_at(c, "args", "has %zu conditions, more than the six arguments",
                          sys->n_args);
    return 0;
}

static int parse_seccomp(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_seccomp **ps = out;
    struct spec_seccomp *sc = xcalloc(1, sizeof(*sc));
    int action, ret;

    *ps = sc;
    if ((ret = sp_field_str(c, v, "defaultAction", SP_NONEMPTY, true, &sc->default_action_name)) <
        0)
        return ret;
    action = sp_seccomp_action_from_name(sc->default_action_name);
    if (action < 0)
        return sp_fail_at(c, "defaultAction", "unknown seccomp action \"%.64s\"",
                          sc->default_action_name);
    if (action == SPEC_SCMP_ACT_NOTIFY)
        return sp_fail_at(c, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    sc->default_action = (enum spec_seccomp_action)action;
    if ((ret = sp_field_u32(c, v, "defaultErrnoRet", false, &sc->has_default_errno_ret,
                            &sc->default_errno_ret)) < 0 ||
        (ret = sp_field_strv(c, v, "architectures", SP_NONEMPTY, &sc->architectures)) < 0 ||
        (ret = sp_field_strv(c, v, "flags", SP_NONEMPTY, &sc->flags)) < 0 ||
        (ret = sp_field_str(c, v, "listenerPath", SP_ABSPATH, false, &sc->listener_path)) < 0 ||
        (ret = sp_field_str(c, v, "listenerMetadata", SP_STR, false, &sc->listener_metadata)) < 0 ||
        (ret = sp_field_object_array(c, v, "syscalls", false, sizeof(struct spec_seccomp_syscall),
                                     parse_seccomp_syscall, (void **)&sc->syscalls,
                                     &sc->n_syscalls)) < 0)
        return ret;
    for (size_t i = 0; i < sc->architectures.n; i++) {
        if (!sp_seccomp_arch_known(sc->architectures.v[i]))
            return fail_index(c, "architectures", i, "unknown architecture \"%.64s\"",
                              sc->architectures.v[i]);
    }
    for (size_t i = 0; i < sc->flags.n; i++) {
        if (!sp_seccomp_flag_known(sc->flags.v[i]))
            return fail_index(c, "flags", i, "unknown seccomp flag \"%.64s\"", sc->flags.v[i]);
    }
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        if (sc->syscalls[i].action == SPEC_SCMP_ACT_NOTIFY && sc->listener_path == NULL)
            return sp_fail_at(c, "listenerPath", "is required by SCMP_ACT_NOTIFY in syscalls[%zu]",
                              i);
    }
    return 0;
}

static int parse_intel_rdt(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_intel_rdt **pr = out;
    struct spec_intel_rdt *r = xcalloc(1, sizeof(*r));
    int ret;

    *pr = r;
    if ((ret = sp_field_str(c, v, "closID", SP_STR, false, &r->clos_id)) < 0 ||
        (ret = sp_field_str(c, v, "l3CacheSchema", SP_STR, false, &r->l3_cache_schema)) < 0 ||
        (ret = sp_field_str(c, v, "memBwSchema", SP_STR, false, &r->mem_bw_schema)) < 0 ||
        (ret = sp_field_bool(c, v, "enableCMT", NULL, &r->enable_cmt)) < 0 ||
        (ret = sp_field_bool(c, v, "enableMBM", NULL, &r->enable_mbm)) < 0)
        return ret;
    return 0;
}

static int parse_personality(struct sp_ctx *c, json_t *v, void *out)
{
    struct spec_personality **pp = out;
    struct spec_personality *p = xcalloc(1, sizeof(*p));
    int ret;

    *pp = p;
    if ((ret = sp_field_str(c, v, "domain", SP_NONEMPTY, true, &p->domain)) < 0)
        return ret;
    if (strcmp(p->domain, "LINUX") != 0 && strcmp(p->domain, "LINUX32") != 0)
        return sp_fail_at(c, "domain", "unknown personality domain \"%.64s\" (LINUX or LINUX32)",
                          p->domain);
    return sp_field_strv(c, v, "flags", SP_NONEMPTY, &p->flags);
}

static const char *const g_propagations[] = {
    "shared", "slave", "private", "rshared", "rslave", "rprivate", "unbindable", "runbindable",
};

int sp_parse_linux(struct sp_ctx *c, json_t *v, struct spec_linux *l)
{
    json_t *offsets;
    int ret;

    if ((ret = sp_field_object_array(c, v, "namespaces", false, sizeof(struct spec_namespace),
                                     parse_namespace, (void **)&l->namespaces, &l->n_namespaces)) <
        0)
        return ret;
    for (size_t i = 0; i < l->n_namespaces; i++) {
        for (size_t j = 0; j < i; j++) {
            if (l->namespaces[i].type == l->namespaces[j].type) {
                size_t mark = sp_push_key(c, "namespaces");
                size_t m = sp_push_index(c, i);

                ret = sp_fail(c, "duplicate namespace \"%s\" (also namespaces[%zu])",
                              specutils_ns_type_name(l->namespaces[i].type), j);
                sp_pop(c, m);
                sp_pop(c, mark);
                return ret;
            }
        }
    }
    if ((ret = sp_field_id_mappings(c, v, "uidMappings", &l->uid_mappings)) < 0 ||
        (ret = sp_field_id_mappings(c, v, "gidMappings", &l->gid_mappings)) < 0)
        return ret;
    offsets = json_object_get(v, "timeOffsets");
    if (!sp_absent(offsets)) {
        size_t mark = sp_push_key(c, "timeOffsets");

        ret = parse_time_offsets(c, offsets, l);
        sp_pop(c, mark);
        if (ret < 0)
            return ret;
    }
    if ((ret = sp_field_object_array(c, v, "devices", false, sizeof(struct spec_device),
                                     parse_device, (void **)&l->devices, &l->n_devices)) < 0 ||
        (ret = sp_field_str(c, v, "cgroupsPath", SP_PATHLEN, false, &l->cgroups_path)) < 0 ||
        (ret = sp_field_object(c, v, "resources", false, parse_resources_obj, &l->resources)) < 0 ||
        (ret = sp_field_str(c, v, "rootfsPropagation", SP_STR, false, &l->rootfs_propagation)) < 0)
        return ret;
    if (l->rootfs_propagation != NULL && l->rootfs_propagation[0] != '\0') {
        bool ok = false;

        for (size_t i = 0; i < ARRAY_SIZE(g_propagations); i++)
            ok = ok || strcmp(g_propagations[i], l->rootfs_propagation) == 0;
        if (!ok)
            return sp_fail_at(c, "rootfsPropagation", "unknown propagation \"%.64s\"",
                              l->rootfs_propagation);
    }
    if ((ret = sp_field_object(c, v, "seccomp", false, parse_seccomp, &l->seccomp)) < 0 ||
        (ret = sp_field_kv(c, v, "sysctl", &l->sysctl)) < 0 ||
        (ret = sp_field_strv(c, v, "maskedPaths", SP_ABSPATH, &l->masked_paths)) < 0 ||
        (ret = sp_field_strv(c, v, "readonlyPaths", SP_ABSPATH, &l->readonly_paths)) < 0 ||
        (ret = sp_field_str(c, v, "mountLabel", SP_STR, false, &l->mount_label)) < 0 ||
        (ret = sp_field_object(c, v, "intelRdt", false, parse_intel_rdt, &l->intel_rdt)) < 0 ||
        (ret = sp_field_object(c, v, "personality", false, parse_personality, &l->personality)) < 0)
        return ret;
    return 0;
}
