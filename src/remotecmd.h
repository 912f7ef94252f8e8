/*
 * remotecmd.h - the command line a remote job's ssh sends: a small POSIX
 * sh stub and the job's argv, every word single-quoted exactly once.
 *
 * The remote login shell runs
 *
 *   exec sh -c 'STUB' fanout-remote GRACE WORKDIR N VAR=VALUE... ARGV...
 *
 * and the stub exports the N assignments (FANOUT_SEQ, FANOUT_SLOT,
 * FANOUT_HOST, --env), changes to WORKDIR (when not empty), then runs ARGV
 * in the foreground with stdin from /dev/null, while a watcher reads the
 * stub's stdin (ssh's channel, fanout's lifeline). At EOF, that is when
 * the local ssh or fanout is gone, the watcher sends SIGTERM to the job's
 * process group (sshd made the stub its leader), then SIGKILL after GRACE
 * seconds. After a normal end the stub sends SIGTERM to what the job left
 * in its group, as fanout does locally, and exits with the job's status.
 *
 * The login shell must be Bourne-like (sh, bash, dash, ksh, zsh): csh and
 * fish quote differently. Pure: no I/O.
 */
#ifndef FANOUT_REMOTECMD_H
#define FANOUT_REMOTECMD_H

#include <stdint.h>

#include "strbuf.h"

/* What every job's stub gets. */
struct remotecmd {
	char grace[24];                 /* --kill-after, whole seconds */
	const char *workdir;            /* "" or NULL: the login directory */
	char *const *envs;              /* NAME=VALUE, from --env */
	int nenvs;
};

/* GRACE_NS (--kill-after) as the stub's whole seconds, rounded up. */
void remotecmd_grace(struct remotecmd *rc, int64_t grace_ns);

/*
 * Append to B the remote command that runs ARGV as job SEQ in slot SLOT
 * (1-based) on host HOST (as the user named it).
 */
void remotecmd_build(struct strbuf *b, const struct remotecmd *rc,
		     char *const *argv, uint64_t seq, int slot,
		     const char *host);

/* Append S to B in single quotes, each quote in it as '\''. */
void remotecmd_quote(struct strbuf *b, const char *s);

#endif
