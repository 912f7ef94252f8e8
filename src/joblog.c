/*
 * joblog.c - GNU parallel compatible job log and --resume (see joblog.h).
 */
#include "joblog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outcome.h"
#include "logfile.h"
#include "resume.h"
#include "util.h"

/* Bytes read at a time from a log to resume from. */
#define LOAD_CHUNK (64 * 1024)

struct joblog {
	struct logfile f;
	struct seqset done;     /* --resume: the jobs the log has as done */
};

/* Did a write to a job log fail? Once per process: there is one run. */
static atomic_bool write_failed;

bool joblog_done(const struct joblog *l, uint64_t seq)
{
	return l && seqset_has(&l->done, seq);
}

bool joblog_failed(void)
{
	return atomic_load(&write_failed);
}

/*
 * Read an existing log into S: which jobs does it record as done? A log
 * that cannot be read to its end, or holds a line that is not a job log's,
 * is fatal: guessing would run done jobs again or skip some that are not.
 * Nothing is left allocated when it exits (the sanitizers' leak check).
 */
static void load(struct resume *s, const char *path)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = EISDIR;
	}
	if (fd < 0)
		die_errno(EXIT_USAGE, "cannot read job log '%s'", path);
	buf = xmalloc(LOAD_CHUNK);
	while ((n = read(fd, buf, LOAD_CHUNK)) != 0) {
		const char *why;

		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0 && resume_feed(s, buf, (size_t)n))
			continue;
		why = n < 0 ? strerror(errno) : s->why;
		free(buf);
		resume_release(s);
		die(EXIT_FATAL, "cannot resume from '%s' line %llu: %s", path,
		    (unsigned long long)s->line, why);
	}
	free(buf);
	close(fd);
}

/* Release S, then exit STATUS with "WHAT 'PATH': strerror(errno)". */
static _Noreturn void give_up(struct resume *s, int status, const char *what,
			      const char *path)
{
	int e = errno;

	resume_release(s);
	errno = e;
	die_errno(status, "%s '%s'", what, path);
}

/* The log on FD (-1: not written) whose done jobs S has read. */
static struct joblog *make(const char *path, struct resume *s, int fd)
{
	struct joblog *l = xcalloc(1, sizeof *l);

	logfile_init(&l->f, "job log", path, fd);
	l->done = s->done;
	seqset_seal(&l->done);
	return l;
}

struct joblog *joblog_read(const char *path, bool resume, bool only_ok)
{
	struct resume s;

	resume_init(&s, only_ok);
	if (resume && !logfile_is_std(path))
		load(&s, path);
	return make(path, &s, -1);
}

/* joblog_open(), and with APPEND an old log is kept and not read. */
static struct joblog *open_log(const char *path, bool resume, bool only_ok,
			       bool append)
{
	struct resume s;
	int fd;
	/* As in GNU parallel, a new run replaces the log, a resumed one adds. */
	int flags = O_WRONLY | O_CREAT | O_APPEND |
		    (resume || append ? 0 : O_TRUNC);

	/* The old log is read and checked before anything changes it. */
	resume_init(&s, only_ok);
	if (resume && !logfile_is_std(path))
		load(&s, path);
	fd = logfile_open_fd(path, flags);
	if (fd < 0)
		give_up(&s, EXIT_USAGE, "cannot open job log", path);
	/* A line cut short by a crash would swallow our first one: drop it. */
	if (s.nread > s.end_ok && ftruncate(fd, (off_t)s.end_ok) < 0)
		give_up(&s, EXIT_FATAL, "cannot drop the incomplete last line of",
			path);
	if (lseek(fd, 0, SEEK_END) <= 0) {
		/* New, empty, or a pipe or terminal (no offset): a header. */
		static const char hdr[] = JOBLOG_HEADER "\n";

		if (write_all(fd, hdr, sizeof hdr - 1) < 0)
			give_up(&s, EXIT_USAGE, "cannot write job log", path);
	}
	return make(path, &s, fd);
}

struct joblog *joblog_open(const char *path, bool resume, bool only_ok)
{
	return open_log(path, resume, only_ok, false);
}

struct joblog *joblog_append(const char *path)
{
	return open_log(path, false, false, true);
}

void joblog_write(struct joblog *l, const struct attempt *a)
{
	const char *cmd = a->cmdline ? a->cmdline : "";
	size_t n = strlen(cmd) + 160;
	char *buf;
	int len, exitval;
	bool ok = attempt_ok(a);

	/* Cut short by a cancel: not done, so not logged (GNU parallel too). */
	if (l->f.fd < 0 || (a->cancelled && !ok))
		return;
	/*
	 * GNU parallel logs $? >> 8, so 0 for a job killed by a signal, and
	 * -1 for one its --timeout killed, unless it exited non-zero itself.
	 */
	exitval = a->exit_code > 0 ? a->exit_code : a->timed_out ? -1 : 0;
	n += a->host ? strlen(a->host) : 0;
	buf = xmalloc(n);
	len = snprintf(buf, n, "%llu\t%s\t%lld.%03lld\t%10.3f\t%llu\t%llu\t%d\t%d\t",
		       (unsigned long long)a->job->seq, a->host ? a->host : ":",
		       (long long)(a->start_wall_ns / NS_PER_SEC),
		       (long long)(a->start_wall_ns % NS_PER_SEC / NS_PER_MS),
		       (double)(a->end_ns - a->start_ns) / NS_PER_SEC,
		       (unsigned long long)a->bytes_in,
		       (unsigned long long)a->bytes_out, exitval, a->signal);
	/* A newline would split the line: GNU parallel writes a NUL instead. */
	for (const char *c = cmd; *c && (size_t)len < n - 2; c++)
		buf[len++] = *c == '\n' ? '\0' : *c;
	buf[len++] = '\n';
	if (logfile_write(&l->f, buf, (size_t)len) < 0)
		atomic_store(&write_failed, true);
	free(buf);
}

void joblog_close(struct joblog *l)
{
	if (!l)
		return;
	logfile_release(&l->f);
	seqset_release(&l->done);
	free(l);
}
