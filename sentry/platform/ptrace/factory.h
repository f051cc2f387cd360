/* SPDX-License-Identifier: Apache-2.0 */
/* The ptrace stub factory: a helper process that forks stubs for a sentry that may not fork. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

struct platform;

/*
 * Forks the stub factory (gVisor's stub "spawner"). Boot calls it once, after
 * every ptrace platform it will use was created (the factory's copy of the
 * process holds their stub pages and filters at the same addresses) and after
 * the capability drop (stubs must not hold capabilities the tracing sentry
 * lacks), but before the sentry's seccomp filter, which forbids fork and
 * executable mappings. The factory dies with the calling thread
 * (PDEATHSIG), and its stubs die with it. From then on ptrace_stub_spawn
 * asks the factory instead of cloning. Host tier.
 */
int ptrace_factory_start(rt_error_t *err);

/* True once ptrace_factory_start succeeded in this process. */
bool ptrace_factory_enabled(void);

/*
 * Asks the factory for a stub of platform `p`, seizes it from the calling
 * thread (which becomes its tracer) and returns its pid once it stopped at
 * its injection point, as ptrace_stub_spawn does. Thread-safe. Host tier.
 */
pid_t ptrace_factory_spawn(struct platform *p, rt_error_t *err);
