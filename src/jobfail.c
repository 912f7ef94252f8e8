/*
 * jobfail.c - the line that names a failed job (see jobfail.h).
 */
#include "jobfail.h"

#include <signal.h>
#include <string.h>

#include "util.h"

const char *jobfail_signame(int sig)
{
	/* The signals a job is killed by in practice; others go by number. */
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
		{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
		{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" },
		{ SIGUSR2, "SIGUSR2" }, { SIGPIPE, "SIGPIPE" },
		{ SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
		{ SIGSYS, "SIGSYS" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}

void jobfail_cmd(struct strbuf *sb, const char *cmd, size_t max)
{
	size_t n = 0;

	/* Up to the first control character (a record's newline, a tab). */
	while (cmd[n] && (unsigned char)cmd[n] >= 0x20 && cmd[n] != 0x7f)
		n++;
	if (n > max) {
		n = max;
		/* Not inside a UTF-8 sequence: back up over continuation bytes. */
		while (n > 0 && ((unsigned char)cmd[n] & 0xc0) == 0x80)
			n--;
	}
	strbuf_add(sb, cmd, n);
	if (cmd[n])
		strbuf_add(sb, "...", 3);
}

void jobfail_format(struct strbuf *sb, const struct jobfail *f)
{
	strbuf_addf(sb, "job %llu", (unsigned long long)f->seq);
	if (f->pid > 0)
		strbuf_addf(sb, " [pid %ld]", (long)f->pid);
	strbuf_add(sb, ": ", 2);
	if (f->cmd) {
		strbuf_addch(sb, '\'');
		jobfail_cmd(sb, f->cmd, JOBFAIL_CMD_MAX);
		strbuf_add(sb, "' ", 2);
	}
	if (f->lost[0] && f->lost[1]) {
		strbuf_addf(sb, "lost its host on 2 hosts ('%s' and '%s')",
			    f->lost[0], f->lost[1]);
	} else if (f->lost[0]) {
		strbuf_addf(sb, "lost its host %d times (on '%s')",
			    f->lost_times, f->lost[0]);
	} else if (f->timeout_ns > 0) {
		char d[32];

		strbuf_addf(sb, "timed out after %s",
		     fmt_duration(d, sizeof d, f->timeout_ns, DUR_EXACT));
	} else if (f->signal) {
		const char *name = jobfail_signame(f->signal);

		strbuf_addf(sb, "killed by signal %d", f->signal);
		if (name && f->rlimit)
			strbuf_addf(sb, " (%s, --rlimit %s)", name, f->rlimit);
		else if (name)
			strbuf_addf(sb, " (%s)", name);
	} else {
		strbuf_addf(sb, "exited with status %d", f->exit_code);
	}
	if (f->attempts > 1)
		strbuf_addf(sb, " after %d attempts", f->attempts);
	/* Not by --retries either: each run takes down one more host. */
	if (f->lost[0])
		strbuf_addstr(sb, "; not run again");
}
