/* SPDX-License-Identifier: Apache-2.0 */
/* The systrap stub factory: a helper process that forks stubs for a sentry that may not fork. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

struct platform;

/*
 * Forks the stub factory, as ptrace_factory_start does for the ptrace
 * platform: after every systrap platform the sentry will use was created
 * (the factory's copy of memory holds their code pages, filters and region
 * windows at the same addresses) and before the sentry's seccomp filter,
 * which forbids fork. The factory dies with the calling thread (PDEATHSIG)
 * and its stubs die with it. From then on systrap_stub_spawn asks the
 * factory instead of cloning. Host tier.
 */
int systrap_factory_start(rt_error_t *err);

/* True once systrap_factory_start succeeded in this process. */
bool systrap_factory_enabled(void);

/*
 * Asks the factory for a stub of platform `p` on `region`: the factory's
 * child maps `memfd` (the region's memfd) there and becomes a stub with
 * `sock` as its socket (both fds stay the caller's). Returns the stub's pid
 * (not a child of the caller). Thread-safe. Host tier.
 */
pid_t systrap_factory_spawn(struct platform *p, uintptr_t region, int memfd, int sock,
                            rt_error_t *err);
