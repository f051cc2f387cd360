/* SPDX-License-Identifier: Apache-2.0 */
/* Freeing of parsed specs; every function accepts partially filled (zeroed) structs. */
#include <stdlib.h>

#include "specutils/specutils_internal.h"

void sp_strv_free(struct spec_strv *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = 0;
}

void sp_kv_free(struct spec_kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].value);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void caps_free(struct spec_capabilities *caps)
{
    if (caps == NULL)
        return;
    sp_strv_free(&caps->bounding);
    sp_strv_free(&caps->effective);
    sp_strv_free(&caps->inheritable);
    sp_strv_free(&caps->permitted);
    sp_strv_free(&caps->ambient);
    free(caps);
}

void sp_process_clear(struct spec_process *p)
{
    free(p->user.additional_gids);
    free(p->user.username);
    sp_strv_free(&p->args);
    free(p->command_line);
    sp_strv_free(&p->env);
    free(p->cwd);
    caps_free(p->capabilities);
    for (size_t i = 0; i < p->n_rlimits; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    if (p->io_priority != NULL)
        free(p->io_priority->class_name);
    free(p->io_priority);
    if (p->scheduler != NULL) {
        free(p->scheduler->policy);
        sp_strv_free(&p->scheduler->flags);
    }
    free(p->scheduler);
    free(p->exec_cpu_affinity_initial);
    free(p->exec_cpu_affinity_final);
}

void specutils_process_free(struct spec_process *p)
{
    if (p == NULL)
        return;
    sp_process_clear(p);
    free(p);
}

void specutils_resources_free(struct spec_resources *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_devices; i++)
        free(r->devices[i].access);
    free(r->devices);
    free(r->memory);
    if (r->cpu != NULL) {
        free(r->cpu->cpus);
        free(r->cpu->mems);
    }
    free(r->cpu);
    free(r->pids);
    if (r->block_io != NULL) {
        free(r->block_io->weight_device);
        free(r->block_io->throttle_read_bps.v);
        free(r->block_io->throttle_write_bps.v);
        free(r->block_io->throttle_read_iops.v);
        free(r->block_io->throttle_write_iops.v);
    }
    free(r->block_io);
    for (size_t i = 0; i < r->n_hugepage_limits; i++)
        free(r->hugepage_limits[i].page_size);
    free(r->hugepage_limits);
    if (r->network != NULL) {
        for (size_t i = 0; i < r->network->n_priorities; i++)
            free(r->network->priorities[i].name);
        free(r->network->priorities);
    }
    free(r->network);
    for (size_t i = 0; i < r->n_rdma; i++)
        free(r->rdma[i].device);
    free(r->rdma);
    sp_kv_free(&r->unified);
    free(r);
}

static void seccomp_free(struct spec_seccomp *sc)
{
    if (sc == NULL)
        return;
    free(sc->default_action_name);
    sp_strv_free(&sc->architectures);
    sp_strv_free(&sc->flags);
    free(sc->listener_path);
    free(sc->listener_metadata);
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        struct spec_seccomp_syscall *sys = &sc->syscalls[i];

        sp_strv_free(&sys->names);
        free(sys->action_name);
        for (size_t j = 0; j < sys->n_args; j++)
            free(sys->args[j].op_name);
        free(sys->args);
    }
    free(sc->syscalls);
    free(sc);
}

void sp_linux_clear(struct spec_linux *l)
{
    for (size_t i = 0; i < l->n_namespaces; i++)
        free(l->namespaces[i].path);
    free(l->namespaces);
    free(l->uid_mappings.v);
    free(l->gid_mappings.v);
    for (size_t i = 0; i < l->n_time_offsets; i++)
        free(l->time_offsets[i].clock);
    free(l->time_offsets);
    for (size_t i = 0; i < l->n_devices; i++) {
        free(l->devices[i].path);
        free(l->devices[i].type);
    }
    free(l->devices);
    free(l->cgroups_path);
    specutils_resources_free(l->resources);
    free(l->rootfs_propagation);
    seccomp_free(l->seccomp);
    sp_kv_free(&l->sysctl);
    sp_strv_free(&l->masked_paths);
    sp_strv_free(&l->readonly_paths);
    free(l->mount_label);
    if (l->intel_rdt != NULL) {
        free(l->intel_rdt->clos_id);
        free(l->intel_rdt->l3_cache_schema);
        free(l->intel_rdt->mem_bw_schema);
    }
    free(l->intel_rdt);
    if (l->personality != NULL) {
        free(l->personality->domain);
        sp_strv_free(&l->personality->flags);
    }
    free(l->personality);
}

static void hook_list_free(struct spec_hook_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        sp_strv_free(&l->v[i].args);
        sp_strv_free(&l->v[i].env);
    }
    free(l->v);
}

void specutils_free(struct spec *s)
{
    if (s == NULL)
        return;
    free(s->oci_version);
    specutils_process_free(s->process);
    free(s->root.path);
    free(s->root.resolved_path);
    free(s->hostname);
    free(s->domainname);
    for (size_t i = 0; i < s->n_mounts; i++) {
        struct spec_mount *m = &s->mounts[i];

        free(m->destination);
        free(m->type);
        free(m->source);
        sp_strv_free(&m->options);
        free(m->uid_mappings.v);
        free(m->gid_mappings.v);
    }
    free(s->mounts);
    hook_list_free(&s->hooks.prestart);
    hook_list_free(&s->hooks.create_runtime);
    hook_list_free(&s->hooks.create_container);
    hook_list_free(&s->hooks.start_container);
    hook_list_free(&s->hooks.poststart);
    hook_list_free(&s->hooks.poststop);
    sp_kv_free(&s->annotations);
    sp_linux_clear(&s->linux_cfg);
    free(s);
}
