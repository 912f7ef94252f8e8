# fanout - parallel job runner.  `make`, `make check`, `make install`.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=

CFLAGS ?= -O2 -g
FANOUT_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -pthread \
	-Wall -Wextra -pedantic -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wpointer-arith -Wwrite-strings -Wvla \
	-Wformat=2 -fno-common
FANOUT_LDLIBS = -pthread -lm
ifeq ($(DEVELOPER),1)
FANOUT_CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
FANOUT_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g
FANOUT_LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Each build (plain, asan, tsan) has its own object directory.
O ?= build
BIN = $(O)/fanout

SRCS = $(wildcard src/*.c)
OBJS = $(SRCS:src/%.c=$(O)/%.o)
LIBOBJS = $(filter-out $(O)/main.o,$(OBJS))
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNITS = $(UNIT_SRCS:tests/unit/%.c=$(O)/%)

ALL_CFLAGS = $(FANOUT_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(FANOUT_LDFLAGS) $(LDFLAGS)

BATS ?= bats
BATS_JOBS ?= 1

.PHONY: all check unit bats install uninstall clean asan tsan fuzz lint-man

all: fanout

# The plain build's binary also sits at the top, where README and tests use it.
fanout: $(BIN)
	@if [ "$(O)" = build ]; then cp $(BIN) fanout.tmp && mv -f fanout.tmp fanout; fi

$(BIN): $(OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(FANOUT_LDLIBS) $(LDLIBS)

$(O)/%.o: src/%.c | $(O)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Each unit test links only the objects its module needs, listed here, so
# the linker refuses a pure module that starts to call up (a clock, a
# thread, the output) the day it does. A test with no list of its own links
# all of LIBOBJS, so that a new test_*.c builds before it gets its list.
test_batch = batch job strbuf util
test_blockcut = blockcut
test_blockpipe = blockpipe
test_breaker = breaker util
test_columns = columns placeholder batch job strbuf util
test_cost = cost stats util
test_cpus = cpus util
test_deal = deal util
test_fdcopy = fdcopy
test_deque = deque util
test_fanin = fanin emit fdcopy outbuf reorder strbuf term util
test_hostloss = hostloss
test_jobfail = jobfail strbuf util
test_outbuf = outbuf util
test_ptree = ptree util
test_ratelimit = ratelimit util
test_reorder = reorder util
test_resume = resume seqset util
test_seqset = seqset util
test_remotecmd = remotecmd strbuf util
test_shell_render = template placeholder shlex shquote strbuf util
test_sshlogin = sshlogin util
test_stats = stats util
test_strbuf = strbuf util
test_template = template placeholder shlex shquote batch job strbuf util
test_util = util
unit_objs = $(if $($(1)),$(patsubst %,$(O)/%.o,$($(1))),$(LIBOBJS))

define unit_rule
$(O)/$(1): tests/unit/$(1).c $(call unit_objs,$(1)) | $(O)
	$$(CC) $$(ALL_CFLAGS) -Isrc $$(ALL_LDFLAGS) -o $$@ $$< \
		$(call unit_objs,$(1)) $$(FANOUT_LDLIBS) $$(LDLIBS)
endef
$(foreach t,$(UNIT_SRCS:tests/unit/%.c=%),$(eval $(call unit_rule,$(t))))

$(O):
	mkdir -p $(O)

unit: $(UNITS)
	@st=0; for t in $(UNITS); do echo "# $$t"; ./$$t || st=1; done; exit $$st

bats: $(BIN)
	FANOUT=$(CURDIR)/$(BIN) FANOUT_SANITIZED=$(SANITIZE) $(BATS) --jobs $(BATS_JOBS) tests/

check: all unit bats

asan:
	$(MAKE) O=build-asan SANITIZE=address,undefined check

tsan:
	$(MAKE) O=build-tsan SANITIZE=thread check

# Fuzz targets (clang's libFuzzer with ASan+UBSan): each runs FUZZ_SECONDS
# on a scratch copy of its checked-in seed corpus, and links only the
# modules it fuzzes, listed per target.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 10
FUZZ_O = build-fuzz
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_SAN = address,undefined
FUZZ_TARGETS = template options records joblog
FUZZ_template = template placeholder shlex shquote strbuf job util
FUZZ_options = cli cliapply clipipe clivalues cliwords cpus halt rlimits ratelimit util
FUZZ_records = input pipein pipefeed blockpipe deal blockcut sources columns batch job strbuf util
FUZZ_joblog = resume seqset util
fuzz_objs = $(patsubst %,$(FUZZ_O)/%.o,$(FUZZ_$(1)))
# What the option parser allocates (lists such as --env, --overload-exit)
# lives until fanout exits, and a refusal longjmps past it: not a leak.
FUZZ_ENV_options = ASAN_OPTIONS=detect_leaks=0

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz_%)
	@st=0; for t in $(FUZZ_TARGETS); do \
		rm -rf $(FUZZ_O)/corpus-$$t; mkdir -p $(FUZZ_O)/corpus-$$t; \
		cp tests/fuzz/corpus/$$t/* $(FUZZ_O)/corpus-$$t/; \
		if env $$(case $$t in options) echo "$(FUZZ_ENV_options)";; esac) \
			./$(FUZZ_O)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=4096 -timeout=10 -rss_limit_mb=1024 \
			-artifact_prefix=$(FUZZ_O)/ \
			$(FUZZ_O)/corpus-$$t >$(FUZZ_O)/fuzz_$$t.log 2>&1; then \
			echo "ok - fuzz $$t ($(FUZZ_SECONDS)s, $$(grep -o 'Done [0-9]* runs' $(FUZZ_O)/fuzz_$$t.log))"; \
		else \
			tail -n 40 $(FUZZ_O)/fuzz_$$t.log; \
			echo "not ok - fuzz $$t (see $(FUZZ_O)/fuzz_$$t.log)"; st=1; \
		fi; \
	done; exit $$st

.PRECIOUS: $(FUZZ_O)/%.o
$(FUZZ_O)/%.o: src/%.c | $(FUZZ_O)
	$(FUZZ_CC) $(FANOUT_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

.SECONDEXPANSION:
$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c $$(call fuzz_objs,$$*) | $(FUZZ_O)
	$(FUZZ_CC) $(FANOUT_CFLAGS) $(FUZZ_FLAGS) -Isrc \
		-fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< \
		$(call fuzz_objs,$*) $(FANOUT_LDLIBS)

$(FUZZ_O):
	mkdir -p $(FUZZ_O)

lint-man:
	mandoc -Tlint -W warning man/fanout.1

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	cp $(BIN) $(DESTDIR)$(BINDIR)/fanout
	chmod 755 $(DESTDIR)$(BINDIR)/fanout
	cp man/fanout.1 $(DESTDIR)$(MANDIR)/man1/fanout.1
	cp completions/fanout.bash $(DESTDIR)$(BASHCOMPDIR)/fanout
	cp completions/_fanout $(DESTDIR)$(ZSHCOMPDIR)/_fanout
	cp completions/fanout.fish $(DESTDIR)$(FISHCOMPDIR)/fanout.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/fanout $(DESTDIR)$(MANDIR)/man1/fanout.1 \
		$(DESTDIR)$(BASHCOMPDIR)/fanout $(DESTDIR)$(ZSHCOMPDIR)/_fanout \
		$(DESTDIR)$(FISHCOMPDIR)/fanout.fish

clean:
	rm -rf build build-asan build-tsan build-fuzz fanout

-include $(OBJS:.o=.d) $(UNITS:=.d)
