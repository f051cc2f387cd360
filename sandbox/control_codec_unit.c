// SPDX-License-Identifier: Apache-2.0
// Build workaround: compiles proto/control_codec.c into libsandbox.a (see below).
//
// The Makefile sets SRCS_proto to the generated *.pb-c.c files only, so
// proto/control_codec.c is never compiled into libproto.a, and runsc-c and
// the unit tests would not link. Until the Makefile also compiles proto/*.c
// (`SRCS_proto := $(PROTO_C) $(call module_srcs,proto)`), the codec is built
// here. Delete this file with that Makefile change: libsandbox.a comes
// before libproto.a in the link, so the two copies never collide meanwhile.
#include "proto/control_codec.c"
