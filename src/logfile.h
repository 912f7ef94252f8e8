/*
 * logfile.h - a file that --joblog and --json-log write whole lines to.
 *
 * The one place that knows what the log options share: "-" is fanout's
 * standard output, whose lines then go out through write_std() so they
 * never land inside a job's output (emit.h owns fd 1); each line is written
 * whole under a lock, even where O_APPEND does not make that so; a failed
 * write is said once, "fanout: cannot write job log 'PATH': why".
 */
#ifndef FANOUT_LOGFILE_H
#define FANOUT_LOGFILE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct logfile {
	int fd;                 /* -1: not open (nothing is written) */
	bool std;               /* "-": lines go out through write_std() */
	char *path;
	const char *what;       /* "job log", "JSON log": for messages */
	pthread_mutex_t mu;
	bool failed;            /* under mu: the failure was said */
};

/* Is PATH "-", fanout's standard output? */
bool logfile_is_std(const char *path);

/*
 * Open PATH ("-": a duplicate of fd 1) with open(2)'s FLAGS, close-on-exec
 * added; the fd, or -1 with errno.
 */
int logfile_open_fd(const char *path, int flags);

/* Set F up to write to FD (-1: nowhere) for PATH, which it copies. */
void logfile_init(struct logfile *f, const char *what, const char *path,
		  int fd);

/*
 * Write the whole line LINE (LEN bytes); 0, or -1 if this write failed. The
 * first failure is said; later lines are still tried.
 */
int logfile_write(struct logfile *f, const void *line, size_t len);

/* Close F's fd and free what it holds. */
void logfile_release(struct logfile *f);

#endif
