/* SPDX-License-Identifier: Apache-2.0 */
/* The public header of common/: everything the host tier shares. */
#pragma once

#include "common/cleanup.h"
#include "common/error.h"
#include "common/fdutil.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/sync.h"
#include "common/wire.h"
#include "common/xalloc.h"

/*
 * common/syscalls.h (raw rt_sys_* wrappers) is included explicitly where it is
 * needed: it pulls in <sys/mount.h> and <linux/seccomp.h>.
 */
