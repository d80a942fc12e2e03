# xtunnel: one entry point. Out-of-tree build in $(BUILD); `make V=1` shows the commands.
BUILD ?= build
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
VERSION := 0.1.0

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ivmlinux -Iinclude
CFLAGS ?= -O2 -g
PKGS := libbpf libxdp json-c libmnl inih libmicrohttpd libcurl
XT_CFLAGS = $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iloader -Istate -Iconfig \
	-Imetrics -Iagent -I$(BUILD) -DXT_VERSION=\"$(VERSION)\" $(shell pkg-config --cflags $(PKGS))
# state/, config/, metrics/ and agent/ sit above the loader and see its public header alone:
# their include path has a directory holding only loader/xtunnel.h, so that an internal
# header of the loader does not compile there.
ROOM_CFLAGS = $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -Iinclude -I$(BUILD)/api -Istate \
	-Iconfig -Imetrics -Iagent $(shell pkg-config --cflags $(PKGS))
LIBS = $(shell pkg-config --libs $(PKGS)) -lelf -lz -lm

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_HDRS := $(wildcard bpf/*.h) $(wildcard include/*.h)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
LOADER_OBJS := $(patsubst loader/%.c,$(BUILD)/loader/%.o,$(wildcard loader/*.c))
STATE_OBJS := $(patsubst state/%.c,$(BUILD)/state/%.o,$(wildcard state/*.c))
CONFIG_OBJS := $(patsubst config/%.c,$(BUILD)/config/%.o,$(wildcard config/*.c))
METRICS_OBJS := $(patsubst metrics/%.c,$(BUILD)/metrics/%.o,$(wildcard metrics/*.c))
AGENT_OBJS := $(patsubst agent/%.c,$(BUILD)/agent/%.o,$(wildcard agent/*.c))
ROOM_OBJS := $(STATE_OBJS) $(CONFIG_OBJS) $(METRICS_OBJS) $(AGENT_OBJS)
CLI_OBJS := $(patsubst cli/%.c,$(BUILD)/cli/%.o,$(wildcard cli/*.c))
CLI_LIB_OBJS := $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/*.c))
BPF_TEST_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/bpf/%,$(wildcard tests/bpf/*.c))
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(filter-out %.bpf.c,$(wildcard bench/*.c)))
BENCH_SKELS := $(patsubst bench/%.bpf.c,$(BUILD)/bench/%.skel.h,$(wildcard bench/*.bpf.c))
# The data path built without any trace code (XT_NO_TRACE, bpf/trace.h), and progcost built
# around it: make bench compares what tracing costs while nobody traces with no trace at all.
NOTRACE := $(BUILD)/bench/notrace
NOTRACE_SKELS := $(NOTRACE)/xt_tc.skel.h $(NOTRACE)/xt_xdp.skel.h
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(wildcard tests/tools/*.c))
VARIANT := $(BUILD)/tests/variant
VARIANT_LOADER_OBJS := $(patsubst loader/%.c,$(VARIANT)/loader/%.o,$(wildcard loader/*.c))
TEST_LIB_OBJS := $(patsubst tests/lib/%.c,$(BUILD)/tests/lib/%.o,$(wildcard tests/lib/*.c))
TEST_SKELS := $(patsubst tests/bpf/progs/%.bpf.c,$(BUILD)/tests/progs/%.skel.h,\
	$(wildcard tests/bpf/progs/*.bpf.c))

.PHONY: all deps test demo bench fleet-bench soak fuzz mutate install deb clean vmlinux
.DELETE_ON_ERROR:
# Kept, not deleted as intermediate files once used: a test helper object (tests/lib) would
# be compiled again for each test program relinked on its own, as make mutate does.
.SECONDARY: $(BPF_OBJS) $(SKELS) $(BENCH_SKELS) $(BENCH_SKELS:.skel.h=.bpf.o) $(TEST_SKELS) \
	$(TEST_SKELS:.skel.h=.bpf.o) $(TEST_LIB_OBJS) $(VARIANT)/xt_tc.bpf.o $(VARIANT)/xt_tc.skel.h \
	$(NOTRACE_SKELS) $(NOTRACE_SKELS:.skel.h=.bpf.o)

all: $(BUILD)/xtunnel $(UNIT_BINS) $(BPF_TEST_BINS) $(BENCH_BINS) $(TOOL_BINS) $(VARIANT)/xtunnel \
	$(BUILD)/bench/progcost-notrace

deps:
	$(Q)./scripts/install-deps.sh

# A data path object is rebuilt when a header it includes changes, not any header: clang
# lists them (-MMD), as the compiler does for the loader below; an object without its .d
# is rebuilt, and the touch keeps it newer than the .d. (make mutate rebuilds per mutant.)
$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BUILD)/%.bpf.d | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@
	$(Q)touch $@

$(BUILD)/%.bpf.d: ;
.PRECIOUS: $(BUILD)/%.bpf.d
-include $(BPF_OBJS:.o=.d)

# The L2 overlay's programs count with atomics whose result they use (fetch-and-add,
# compare-and-swap, bpf/l2.h): BPF ISA v3. The others stay as they were verified.
$(BUILD)/xt_l2.bpf.o $(BUILD)/xt_l2_xdp.bpf.o $(BUILD)/bench/l2flood.bpf.o: BPF_CFLAGS += -mcpu=v3

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

# Only the files that include a skeleton are rebuilt when a BPF object changes: the compiler
# lists each object's headers in a .d file (-MMD), and the skeletons are built before any.
# An object without its .d is rebuilt; the touch keeps it newer than the .d.
$(BUILD)/loader/%.o: loader/%.c $(BUILD)/loader/%.d $(wildcard loader/*.h) \
		$(wildcard include/*.h) | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(XT_CFLAGS) -MMD -MP -c $< -o $@
	$(Q)touch $@

$(BUILD)/loader/%.d: ;
.PRECIOUS: $(BUILD)/loader/%.d
-include $(LOADER_OBJS:.o=.d)

$(BUILD)/cli/%.o: cli/%.c $(wildcard cli/*.h) $(wildcard loader/*.h) $(wildcard include/*.h) \
		$(wildcard state/*.h) $(wildcard config/*.h) $(wildcard metrics/*.h) \
		$(wildcard agent/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(XT_CFLAGS) -c $< -o $@

$(BUILD)/api/xtunnel.h: loader/xtunnel.h
	$(Q)mkdir -p $(dir $@)
	$(Q)ln -sf $(abspath $<) $@

$(BUILD)/state/%.o: state/%.c $(wildcard state/*.h) $(BUILD)/api/xtunnel.h $(wildcard include/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ROOM_CFLAGS) -c $< -o $@

$(BUILD)/config/%.o: config/%.c $(wildcard config/*.h) $(wildcard state/*.h) \
		$(BUILD)/api/xtunnel.h $(wildcard include/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ROOM_CFLAGS) -c $< -o $@

$(BUILD)/metrics/%.o: metrics/%.c $(wildcard metrics/*.h) $(BUILD)/api/xtunnel.h \
		$(wildcard include/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ROOM_CFLAGS) -c $< -o $@

$(BUILD)/agent/%.o: agent/%.c $(wildcard agent/*.h) $(wildcard state/*.h) \
		$(BUILD)/api/xtunnel.h $(wildcard include/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ROOM_CFLAGS) -c $< -o $@

# Made anew each time: `ar r` would keep the members of files that were renamed or removed.
$(BUILD)/libxtunnel.a: $(LOADER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/xtunnel: $(CLI_OBJS) $(ROOM_OBJS) $(BUILD)/libxtunnel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(XT_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(CLI_LIB_OBJS) $(ROOM_OBJS) \
		$(BUILD)/libxtunnel.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(XT_CFLAGS) -Icli $(filter-out %.h,$^) $(LIBS) -lcmocka -o $@

# Helpers the C tests and test tools share (tests/lib/*.c), compiled once.
$(BUILD)/tests/lib/%.o: tests/lib/%.c $(wildcard tests/lib/*.h) $(wildcard loader/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(XT_CFLAGS) -c $< -o $@

# BPF programs of the tests' own (tests/bpf/progs/NAME.bpf.c -> NAME.skel.h), built on the
# data path's headers.
$(BUILD)/tests/progs/%.bpf.o: tests/bpf/progs/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -c $< -o $@

$(BUILD)/tests/progs/%.skel.h: $(BUILD)/tests/progs/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

# The BPF tests, tools and bench write routes through the library (loader/routes.c), as
# the loader does.
$(BUILD)/tests/bpf/%: tests/bpf/%.c $(wildcard tests/bpf/*.h) $(SKELS) $(TEST_SKELS) \
		$(TEST_LIB_OBJS) $(BUILD)/libxtunnel.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(XT_CFLAGS) -Itests/bpf -Itests/lib -I$(BUILD)/tests/progs $< \
		$(TEST_LIB_OBJS) $(BUILD)/libxtunnel.a $(LIBS) -lcmocka -lpthread -o $@

# Test tools: not tests themselves (tests/run.sh does not run them), used by the tests.
$(BUILD)/tests/tools/%: tests/tools/%.c $(SKELS) $(wildcard include/*.h) $(TEST_LIB_OBJS) \
		$(ROOM_OBJS) $(BUILD)/libxtunnel.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(XT_CFLAGS) -Itests/lib $< $(TEST_LIB_OBJS) $(ROOM_OBJS) $(BUILD)/libxtunnel.a \
		$(LIBS) -lpcap -o $@

# Bench tools may have a BPF program of their own (bench/NAME.bpf.c -> NAME.skel.h).
$(BUILD)/bench/%.bpf.o: bench/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/%.skel.h: $(BUILD)/bench/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

$(BUILD)/bench/%: bench/%.c $(SKELS) $(BENCH_SKELS) $(wildcard include/*.h) \
		$(BUILD)/libxtunnel.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(XT_CFLAGS) -I$(BUILD)/bench $< $(BUILD)/libxtunnel.a $(LIBS) -lpcap -o $@

$(NOTRACE)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DXT_NO_TRACE -c $< -o $@

$(NOTRACE)/%.skel.h: $(NOTRACE)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

# Its skeletons come first in the include path, as the variant's below.
$(BUILD)/bench/progcost-notrace: bench/progcost.c $(NOTRACE_SKELS) $(wildcard include/*.h) \
		$(BUILD)/libxtunnel.a
	$(call msg,CC,$@)
	$(Q)$(CC) -I$(NOTRACE) $(XT_CFLAGS) -I$(BUILD)/bench $< $(BUILD)/libxtunnel.a $(LIBS) \
		-lpcap -o $@

# Another version of xtunnel, for the tests: this one's sources with a TC object whose
# .rodata has one more global (tests/variant/xt_tc.bpf.c). Its skeleton comes first in the
# include path, so the loader is built around it; the CLI objects are this build's.
$(VARIANT)/xt_tc.bpf.o: tests/variant/xt_tc.bpf.c bpf/xt_tc.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(VARIANT)/xt_tc.skel.h: $(VARIANT)/xt_tc.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name xt_tc_bpf > $@

$(VARIANT)/loader/%.o: loader/%.c $(wildcard loader/*.h) $(wildcard include/*.h) $(SKELS) \
		$(VARIANT)/xt_tc.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -I$(VARIANT) $(XT_CFLAGS) -c $< -o $@

$(VARIANT)/xtunnel: $(CLI_OBJS) $(ROOM_OBJS) $(VARIANT_LOADER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(XT_CFLAGS) $^ $(LIBS) -o $@

$(BUILD):
	$(Q)mkdir -p $@

# The README's test command: installs what is missing, builds, runs every test.
test:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(abspath $(BUILD)) tests/run.sh

# The demo and the bench build what they run, not the tests: the build is part of their time.
demo:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/xtunnel
	$(Q)BUILD=$(abspath $(BUILD)) scripts/demo.sh

bench:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/xtunnel $(BENCH_BINS) $(BUILD)/bench/progcost-notrace
	$(Q)BUILD=$(abspath $(BUILD)) scripts/bench.sh

# Figures of xtunnel agent on etcd: convergence, one change, memory (scripts/bench-fleet.sh).
fleet-bench:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(abspath $(BUILD)) scripts/bench-fleet.sh

# The long soak: peers churn for 30 s under a TCP stream (make test runs 5 s of it).
soak:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)SOAK_SECS=$${SOAK_SECS:-30} BUILD=$(abspath $(BUILD)) tests/run.sh soak

# The long fuzz run: 2,000,000 mutated packets per case through every program (make test
# runs 30,000). XT_FUZZ_SEED=<seed from the log> replays a run.
fuzz:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)XT_FUZZ_ITERS=$${XT_FUZZ_ITERS:-2000000} BUILD=$(abspath $(BUILD)) \
		tests/run.sh tests/bpf/fuzz

# The mutation check: each mutant of tests/mutate/mutants.txt planted in a copy of the tree
# (in $(BUILD)/mutate), which must make some test fail. MUTANTS="ID ..." runs only those.
mutate:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)BUILD=$(abspath $(BUILD)) /usr/bin/python3 tests/mutate/run.py $(MUTANTS)

# The binary, every man page in docs/ (by its section), the bash completion and the
# systemd units, which get the binary's path. DESTDIR stages (make deb uses it).
install: $(BUILD)/xtunnel
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -D -m 0755 $(BUILD)/xtunnel $(DESTDIR)$(SBINDIR)/xtunnel
	$(Q)for m in $(wildcard docs/*.[1-8]); do \
		install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/} || exit 1; \
	done
	$(Q)install -D -m 0644 packaging/xtunnel.bash-completion $(DESTDIR)$(BASHCOMPDIR)/xtunnel
	$(Q)for u in packaging/systemd/*.in; do \
		n=$${u##*/}; install -d $(DESTDIR)$(SYSTEMDUNITDIR) && \
		sed 's|@SBINDIR@|$(SBINDIR)|g' $$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$${n%.in} || exit 1; \
	done

# A Debian package of what install installs, made with dpkg's own tools
# (scripts/deb.sh): $(BUILD)/xtunnel_VERSION_ARCH.deb.
deb: $(BUILD)/xtunnel
	$(Q)BUILD=$(abspath $(BUILD)) VERSION=$(VERSION) scripts/deb.sh

# Regenerate the CO-RE header from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

clean:
	rm -rf $(BUILD)
