/*
 * jobfail.c - the line that names a failed job (see jobfail.h).
 */
#include "jobfail.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
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

/* Append the formatted text to SB (short pieces: numbers and names). */
static __attribute__((format(printf, 2, 3))) void
addf(struct strbuf *sb, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		strbuf_add(sb, buf, (size_t)n < sizeof buf ? (size_t)n
						     : sizeof buf - 1);
}

void jobfail_format(struct strbuf *sb, const struct jobfail *f)
{
	addf(sb, "job %llu", (unsigned long long)f->seq);
	if (f->pid > 0)
		addf(sb, " [pid %ld]", (long)f->pid);
	strbuf_add(sb, ": ", 2);
	if (f->cmd) {
		strbuf_addch(sb, '\'');
		jobfail_cmd(sb, f->cmd, JOBFAIL_CMD_MAX);
		strbuf_add(sb, "' ", 2);
	}
	if (f->timeout_ns > 0) {
		char d[32];

		addf(sb, "timed out after %s",
		     fmt_duration(d, sizeof d, f->timeout_ns, DUR_EXACT));
	} else if (f->signal) {
		const char *name = jobfail_signame(f->signal);

		addf(sb, "killed by signal %d", f->signal);
		if (name)
			addf(sb, " (%s)", name);
	} else {
		addf(sb, "exited with status %d", f->exit_code);
	}
	if (f->attempts > 1)
		addf(sb, " after %d attempts", f->attempts);
}
