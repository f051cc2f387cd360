/* SPDX-License-Identifier: Apache-2.0 */
/* The systrap platform backend: seccomp SIGSYS traps served through shared memory. */
#pragma once

#include "sentry/platform/platform.h"

/* The systrap backend (sentry/platform/systrap/), registered as "systrap". */
extern const struct platform_ops g_platform_systrap_ops;
