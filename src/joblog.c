/*
 * joblog.c - GNU parallel compatible job log and --resume (see joblog.h).
 */
#include "joblog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attempt.h"
#include "util.h"

struct joblog {
	int fd;
	pthread_mutex_t mu;     /* whole lines even where O_APPEND is not */
	bool failed;            /* warned once about a write error */
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

struct joblog *joblog_read(const char *path, bool resume, bool only_ok)
{
	struct joblog *l = xcalloc(1, sizeof *l);

	l->fd = -1;
	pthread_mutex_init(&l->mu, NULL);
	if (resume && strcmp(path, "-") != 0)
		load(l, path, only_ok);
	return l;
}

struct joblog *joblog_open(const char *path, bool resume, bool only_ok)
{
	struct joblog *l;
	off_t end;
	int fd;

	/*
	 * As in GNU parallel, a new run replaces the log and a resumed one
	 * adds to it. Read access only to check the last byte: not required.
	 */
	int flags = O_CREAT | O_APPEND | O_CLOEXEC | (resume ? 0 : O_TRUNC);

	if (strcmp(path, "-") == 0)
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	else
		fd = open(path, O_RDWR | flags, 0666);
	if (fd < 0 && errno == EACCES)
		fd = open(path, O_WRONLY | flags, 0666);
	if (fd < 0)
		die(EXIT_USAGE, "cannot open job log '%s': %s", path,
		    strerror(errno));
	l = xcalloc(1, sizeof *l);
	l->fd = fd;
	if (resume && strcmp(path, "-") != 0)
		load(l, path, only_ok);
	pthread_mutex_init(&l->mu, NULL);
	end = lseek(l->fd, 0, SEEK_END);
	if (end > 0) {
		char last;

		/* A line cut short by a crash must not swallow our first one. */
		if (pread(l->fd, &last, 1, end - 1) == 1 && last != '\n')
			(void)write_all(l->fd, "\n", 1);
	} else {
		/* New, empty, or a pipe or terminal (no offset): a header. */
		static const char hdr[] = "Seq\tHost\tStarttime\tJobRuntime\t"
			"Send\tReceive\tExitval\tSignal\tCommand\n";

		if (write_all(l->fd, hdr, sizeof hdr - 1) < 0)
			die(EXIT_USAGE, "cannot write job log '%s': %s", path,
			    strerror(errno));
	}
	return l;
}

void joblog_write(struct joblog *l, const struct attempt *a)
{
	const char *cmd = a->cmdline ? a->cmdline : "";
	size_t n = strlen(cmd) + 160;
	char *buf;
	int len, exitval;
	bool ok = attempt_ok(a);

	/* Cut short by a cancel: not done, so not logged (GNU parallel too). */
	if (l->fd < 0 || (a->cancelled && !ok))
		return;
	/*
	 * GNU parallel logs $? >> 8, so 0 for a job killed by a signal, and
	 * -1 for one its --timeout killed, unless it exited non-zero itself.
	 */
	exitval = a->exit_code > 0 ? a->exit_code : a->timed_out ? -1 : 0;
	buf = xmalloc(n);
	len = snprintf(buf, n, "%llu\t:\t%lld.%03lld\t%10.3f\t0\t%llu\t%d\t%d\t",
		       (unsigned long long)a->job->seq,
		       (long long)(a->start_wall_ns / NS_PER_SEC),
		       (long long)(a->start_wall_ns % NS_PER_SEC / NS_PER_MS),
		       (double)(a->end_ns - a->start_ns) / NS_PER_SEC,
		       (unsigned long long)a->bytes_out, exitval, a->signal);
	/* A newline would split the line: GNU parallel writes a NUL instead. */
	for (const char *c = cmd; *c && (size_t)len < n - 2; c++)
		buf[len++] = *c == '\n' ? '\0' : *c;
	buf[len++] = '\n';
	pthread_mutex_lock(&l->mu);
	if (write_all(l->fd, buf, (size_t)len) < 0 && !l->failed) {
		l->failed = true;
		warnerr("cannot write job log");
	}
	pthread_mutex_unlock(&l->mu);
	free(buf);
}

void joblog_close(struct joblog *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	pthread_mutex_destroy(&l->mu);
	free(l->done);
	free(l);
}
