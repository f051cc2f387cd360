# SPDX-License-Identifier: Apache-2.0
# The only build entry point of runsc-c: the binary, one static archive per
# top-level folder (so unit tests link the real code), tests, and checks.

PREFIX ?= /usr/local
BUILD ?= build
CC ?= gcc
CLANG_FORMAT ?= clang-format

PKGS := libseccomp jansson libnl-3.0 libnl-route-3.0 libprotobuf-c
# Debian packages that provide PKGS and the build tools (scripts/deps.sh installs them).
DEB_PKGS := $(shell cat scripts/deb-packages.txt 2>/dev/null)

# Goals that must work before the dependencies are installed.
NODEP_GOALS := deps help format format-check clean
NEED_DEPS := 1
ifneq ($(MAKECMDGOALS),)
ifeq ($(filter-out $(NODEP_GOALS),$(MAKECMDGOALS)),)
NEED_DEPS := 0
endif
endif

ifeq ($(NEED_DEPS),1)
MISSING := $(shell for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || echo $$p; done; \
                   command -v protoc-c >/dev/null 2>&1 || echo protoc-c)
ifneq ($(strip $(MISSING)),)
$(error missing build dependencies: $(strip $(MISSING)). Install them with `make deps` \
  (Debian packages: $(DEB_PKGS)))
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
endif

WARNINGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-Wstrict-prototypes -Wformat=2 -Wwrite-strings -Wvla -Wimplicit-fallthrough \
	-Wno-missing-field-initializers -Wundef -Wold-style-definition -Wcast-align \
	-Wno-format-nonliteral

# V=1 shows full command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -I. -I$(BUILD) $(PKG_CFLAGS) \
	-fno-strict-aliasing -MMD -MP
LDLIBS := $(PKG_LIBS) -lpthread

ifeq ($(DEBUG),1)
override CFLAGS += -O0 -g3 -DRT_DEBUG=1
endif
ifeq ($(ASAN),1)
override CFLAGS += -fsanitize=address -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=address
endif
ifeq ($(UBSAN),1)
override CFLAGS += -fsanitize=undefined -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=undefined
endif

# Library folders, in link order (a module may call those after it).
MODULES := runsc boot sandbox sentry gofer specutils proto common

PROTOS := $(wildcard proto/*.proto)
PROTO_C := $(PROTOS:%.proto=$(BUILD)/%.pb-c.c)
PROTO_H := $(PROTOS:%.proto=$(BUILD)/%.pb-c.h)

define module_srcs
$(shell find $(1) -name '*.c' 2>/dev/null | sort)
endef

$(foreach m,$(MODULES),$(eval SRCS_$(m) := $(call module_srcs,$(m))))
# runsc/main.c holds main() and goes into the binary only; the rest of runsc/ is an archive.
SRCS_runsc := $(filter-out runsc/main.c,$(SRCS_runsc))
SRCS_proto := $(PROTO_C) $(call module_srcs,proto)
$(foreach m,$(MODULES),$(eval OBJS_$(m) := $(patsubst %.c,$(BUILD)/%.o,$(patsubst $(BUILD)/%,%,$(SRCS_$(m))))))
ARCHIVES := $(foreach m,$(MODULES),$(BUILD)/lib$(m).a)

RUNSC_OBJS := $(BUILD)/runsc/main.o

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

SYSCALL_SRCS := $(sort $(wildcard tests/syscalls/*.c))
SYSCALL_BINS := $(SYSCALL_SRCS:tests/syscalls/%.c=$(BUILD)/tests/syscalls/%)

HELPER_BIN := $(BUILD)/tests/helper/init
RECVTTY_BIN := $(BUILD)/tests/helper/recvtty

# Benchmarks: bench/<name>.c are static workload programs; bench/run.sh drives them.
BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

ALL_C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')

.SECONDARY: $(PROTO_C) $(PROTO_H)

.PHONY: all deps install uninstall test unit-test integration-test syscall-test \
	format format-check clean demo help test-programs bench

all: $(BUILD)/runsc-c

help:
	@echo "make [all]        build $(BUILD)/runsc-c"
	@echo "make deps         install the Debian packages needed to build and test"
	@echo "make test         format-check, unit, integration and syscall tests"
	@echo "make demo         run a busybox container in the sandbox"
	@echo "make install      install runsc-c into \$$PREFIX/bin (PREFIX=$(PREFIX))"
	@echo "knobs: ASAN=1 UBSAN=1 DEBUG=1"

deps:
	@scripts/deps.sh

$(BUILD)/runsc-c: $(RUNSC_OBJS) $(ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(RUNSC_OBJS) -Wl,--start-group $(ARCHIVES) -Wl,--end-group $(LDLIBS)

define archive_rule
$(BUILD)/lib$(1).a: $$(OBJS_$(1))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$(Q)$$(AR) rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call archive_rule,$(m))))

$(BUILD)/empty.o:
	@mkdir -p $(dir $@)
	echo 'static int rt_empty_unit_ __attribute__((unused));' | $(CC) -x c -c -o $@ -

# Every archive that is empty still needs a member.
$(foreach m,$(MODULES),$(if $(OBJS_$(m)),,$(eval $(BUILD)/lib$(m).a: $(BUILD)/empty.o)))

$(BUILD)/proto/%.pb-c.c $(BUILD)/proto/%.pb-c.h: proto/%.proto
	@mkdir -p $(BUILD)/proto
	protoc-c --c_out=$(BUILD) $<

$(BUILD)/proto/%.pb-c.o: $(BUILD)/proto/%.pb-c.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# All objects wait for generated headers.
$(BUILD)/%.o: %.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(ARCHIVES) tests/unit/tap.h | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -Wl,--start-group $(ARCHIVES) -Wl,--end-group $(LDLIBS)

# Test programs are plain static Linux programs, built without our flags.
TESTPROG_CFLAGS := -std=gnu11 -O1 -g -Wall -Werror -D_GNU_SOURCE -static -pthread

$(BUILD)/tests/syscalls/%: tests/syscalls/%.c tests/syscalls/test.h
	@mkdir -p $(dir $@)
	$(CC) $(TESTPROG_CFLAGS) -o $@ $< -lrt

$(HELPER_BIN): tests/helper/init.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPROG_CFLAGS) -o $@ $<

$(RECVTTY_BIN): tests/helper/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPROG_CFLAGS) -o $@ $<

test-programs: $(SYSCALL_BINS) $(HELPER_BIN) $(RECVTTY_BIN)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPROG_CFLAGS) -O2 -o $@ $< -lrt

bench: $(BUILD)/runsc-c $(BENCH_BINS)
	@BUILD=$(BUILD) bench/run.sh

test: $(BUILD)/runsc-c $(UNIT_BINS) test-programs
	@BUILD=$(BUILD) tests/run.sh

unit-test: $(BUILD)/runsc-c $(UNIT_BINS)
	@BUILD=$(BUILD) tests/run.sh unit

integration-test: $(BUILD)/runsc-c test-programs
	@BUILD=$(BUILD) tests/run.sh integration

syscall-test: $(BUILD)/runsc-c test-programs
	@BUILD=$(BUILD) tests/run.sh syscalls

demo: $(BUILD)/runsc-c
	@scripts/demo.sh $(BUILD)/runsc-c

install: $(BUILD)/runsc-c
	install -D -m 0755 $(BUILD)/runsc-c $(DESTDIR)$(PREFIX)/bin/runsc-c

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/runsc-c

format:
	$(CLANG_FORMAT) -i $(ALL_C_FILES)

format-check:
	@out=$$($(CLANG_FORMAT) --dry-run $(ALL_C_FILES) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out" | grep -E '^[^ ]+:[0-9]+:[0-9]+: ' | cut -d: -f1 | sort -u | \
		sed 's/^/needs clang-format: /'; exit 1; fi; echo "format-check: ok"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
