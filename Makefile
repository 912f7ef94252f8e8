# fanout - parallel job runner.  `make`, `make check`, `make install`.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=

CC ?= cc
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

.PHONY: all check unit bats install uninstall clean asan tsan lint-man FRC

all: fanout

# The plain build's binary also sits at the top, where README and tests use it.
fanout: $(BIN)
	@if [ "$(O)" = build ]; then cp $(BIN) fanout.tmp && mv -f fanout.tmp fanout; fi

$(BIN): $(OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(FANOUT_LDLIBS) $(LDLIBS)

$(O)/%.o: src/%.c | $(O)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/test_%: tests/unit/test_%.c $(LIBOBJS) | $(O)
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIBOBJS) \
		$(FANOUT_LDLIBS) $(LDLIBS)

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

lint-man:
	mandoc -Tlint -W warning man/fanout.1

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	cp fanout $(DESTDIR)$(BINDIR)/fanout
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
	rm -rf build build-asan build-tsan fanout

-include $(OBJS:.o=.d) $(UNITS:=.d)
