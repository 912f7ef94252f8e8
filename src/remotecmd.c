/*
 * remotecmd.c - a remote job's command line (see remotecmd.h).
 *
 * Why a stub and not just the quoted argv: sshd does not signal a session
 * whose channel closes, so a killed ssh would leave the remote job running
 * (GNU parallel's parent-watch has the same hole under ControlMaster). The
 * stub notices the channel's EOF instead. Its watcher reads a copy of
 * stdin made before it is put in the background, because sh gives a
 * background list /dev/null as stdin when job control is off; and it
 * writes nowhere, so that it never holds the job's output open.
 */
#include "remotecmd.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const char stub[] =
	"g=$1 d=$2 n=$3; shift 3\n"
	"while [ \"$n\" -gt 0 ]; do export \"$1\"; shift; n=$((n-1)); done\n"
	"if [ -n \"$d\" ]; then cd \"$d\" || exit 126; fi\n"
	"trap : INT TERM HUP\n"
	"exec 3<&0\n"
	"{ trap '' INT TERM HUP; while read -r _ <&3; do :; done\n"
	"  kill -s TERM 0; sleep \"$g\"; kill -s KILL 0; } </dev/null >/dev/null 2>&1 &\n"
	"w=$!\n"
	"exec 3<&-\n"
	"\"$@\" </dev/null\n"
	"s=$?\n"
	"kill -s KILL \"$w\" 2>/dev/null\n"
	"trap '' TERM; kill -s TERM 0 2>/dev/null\n"
	"exit \"$s\"";

void remotecmd_quote(struct strbuf *b, const char *s)
{
	strbuf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_add(b, "'\\''", 4);
		else
			strbuf_addch(b, *s);
	}
	strbuf_addch(b, '\'');
}

void remotecmd_grace(struct remotecmd *rc, int64_t grace_ns)
{
	long long s = (grace_ns + NS_PER_SEC - 1) / NS_PER_SEC;

	snprintf(rc->grace, sizeof rc->grace, "%lld", s);
}

/* Append " 'NAME=VALUE'". */
static void assign(struct strbuf *b, const char *name, const char *value)
{
	struct strbuf t = STRBUF_INIT;

	strbuf_add(&t, name, strlen(name));
	strbuf_addch(&t, '=');
	strbuf_add(&t, value, strlen(value));
	strbuf_addch(b, ' ');
	remotecmd_quote(b, t.buf);
	strbuf_release(&t);
}

void remotecmd_build(struct strbuf *b, const struct remotecmd *rc,
		     char *const *argv, uint64_t seq, int slot,
		     const char *host)
{
	char num[32];

	strbuf_add(b, "exec sh -c ", 11);
	remotecmd_quote(b, stub);
	strbuf_add(b, " fanout-remote ", 15);
	remotecmd_quote(b, rc->grace);
	strbuf_addch(b, ' ');
	remotecmd_quote(b, rc->workdir ? rc->workdir : "");
	snprintf(num, sizeof num, " %d", 3 + rc->nenvs);
	strbuf_add(b, num, strlen(num));
	snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
	assign(b, "FANOUT_SEQ", num);
	snprintf(num, sizeof num, "%d", slot);
	assign(b, "FANOUT_SLOT", num);
	assign(b, "FANOUT_HOST", host);
	for (int i = 0; i < rc->nenvs; i++) {
		strbuf_addch(b, ' ');
		remotecmd_quote(b, rc->envs[i]);
	}
	for (; *argv; argv++) {
		strbuf_addch(b, ' ');
		remotecmd_quote(b, *argv);
	}
}
