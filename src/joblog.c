/*
 * joblog.c - GNU parallel compatible job log and --resume (see joblog.h).
 */
#include "joblog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

struct joblog {
	int fd;
	uint8_t *done;          /* bitmap over seq */
	uint64_t ndone;         /* bits in the bitmap */
};

static void mark(struct joblog *l, uint64_t seq)
{
	if (seq >= l->ndone) {
		uint64_t n = l->ndone ? l->ndone : 1024;

		while (n <= seq)
			n *= 2;
		l->done = xrealloc(l->done, n / 8);
		memset(l->done + l->ndone / 8, 0, (n - l->ndone) / 8);
		l->ndone = n;
	}
	l->done[seq / 8] |= (uint8_t)(1u << (seq % 8));
}

bool joblog_done(const struct joblog *l, uint64_t seq)
{
	return l && seq < l->ndone && (l->done[seq / 8] & (1u << (seq % 8)));
}

/* Read an existing log: which jobs does it record as done? */
static void load(struct joblog *l, const char *path, bool only_ok)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		if (errno == ENOENT)
			return;
		die(EXIT_USAGE, "cannot read job log '%s': %s", path,
		    strerror(errno));
	}
	while (getline(&line, &cap, f) > 0) {
		unsigned long long seq;
		int exitval, sig;
		char *p = line;

		/* Seq, Host, Starttime, JobRuntime, Send, Receive: skip to Exitval. */
		if (sscanf(line, "%llu", &seq) != 1)
			continue;
		for (int tabs = 0; tabs < 6 && p; tabs++)
			if ((p = strchr(p, '\t')) != NULL)
				p++;
		if (!p || sscanf(p, "%d\t%d", &exitval, &sig) != 2)
			continue;
		if (!only_ok || (exitval == 0 && sig == 0))
			mark(l, seq);
	}
	free(line);
	fclose(f);
}

struct joblog *joblog_open(const char *path, bool resume, bool only_ok)
{
	struct joblog *l = xcalloc(1, sizeof *l);
	off_t end;

	if (resume)
		load(l, path, only_ok);
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (l->fd < 0)
		die(EXIT_USAGE, "cannot open job log '%s': %s", path,
		    strerror(errno));
	end = lseek(l->fd, 0, SEEK_END);
	if (end == 0) {
		static const char hdr[] = "Seq\tHost\tStarttime\tJobRuntime\t"
			"Send\tReceive\tExitval\tSignal\tCommand\n";

		if (write_all(l->fd, hdr, sizeof hdr - 1) < 0)
			die(EXIT_USAGE, "cannot write job log '%s': %s", path,
			    strerror(errno));
	}
	return l;
}

void joblog_write(struct joblog *l, const struct job *j, int slot,
		  int64_t start_wall_ns, int64_t runtime_ns, uint64_t received,
		  int exitval, int sig, bool timed_out, const char *cmdline)
{
	size_t n = strlen(cmdline ? cmdline : "") + 160;
	char *buf = xmalloc(n);
	int len;

	(void)slot;
	(void)timed_out;
	/* A newline in the command would tear the line: show it as a space. */
	len = snprintf(buf, n, "%llu\t:\t%lld.%03lld\t%8.3f\t0\t%llu\t%d\t%d\t",
		       (unsigned long long)j->seq,
		       (long long)(start_wall_ns / NS_PER_SEC),
		       (long long)(start_wall_ns % NS_PER_SEC / NS_PER_MS),
		       (double)runtime_ns / NS_PER_SEC,
		       (unsigned long long)received, exitval, sig);
	for (const char *c = cmdline ? cmdline : ""; *c && (size_t)len < n - 2; c++)
		buf[len++] = *c == '\n' ? ' ' : *c;
	buf[len++] = '\n';
	if (write_all(l->fd, buf, (size_t)len) < 0)
		warnerr("cannot write job log");
	free(buf);
}

void joblog_close(struct joblog *l)
{
	if (!l)
		return;
	close(l->fd);
	free(l->done);
	free(l);
}
