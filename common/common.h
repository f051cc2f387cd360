/* SPDX-License-Identifier: Apache-2.0 */
/* The public header of common/: everything the host tier shares. */
#pragma once

#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
