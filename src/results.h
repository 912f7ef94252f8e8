/*
 * results.h - files that keep what jobs write: GNU parallel's --results
 * DIR and --files.
 *
 * --results DIR: each job's stdout and stderr are also kept in
 * DIR/<seq>/stdout and DIR/<seq>/stderr. GNU parallel lays them out by
 * input value (DIR/1/<value>/stdout); fanout by sequence number, which a
 * value's slashes, length or bytes cannot break, and which the job log's
 * Seq column names.
 *
 * --files: a job's stdout goes to a file instead of fanout's stdout, and
 * the file's name is the job's one line of output. The file is a new
 * TMPDIR/fanout.XXXXXX, or with --results DIR/<seq>/stdout. Its stderr is
 * written as usual (GNU parallel drops it).
 *
 * A retried job's files hold its last attempt. A file that cannot be made
 * or written is said once, and the run then exits 3 (results_failed()).
 */
#ifndef FANOUT_RESULTS_H
#define FANOUT_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What is kept, for the whole run. */
struct results_conf {
	const char *dir;                /* --results DIR, or NULL */
	bool files;                     /* --files */
};

/* One attempt's files; fd -1 where there is none. */
struct results_job {
	int fd[2];
	char *path;                     /* the stdout file's name, or NULL */
	const char *dir;                /* --results DIR, for messages */
	bool files;                     /* --files: stdout is the file's */
	bool temp;                      /* path is a temp file of our own */
};

/* Whether C keeps anything at all. */
static inline bool results_on(const struct results_conf *c)
{
	return c->dir || c->files;
}

/*
 * Open attempt SEQ's files, emptied, into *RJ: with a DIR, make it (once
 * per run), DIR/SEQ and its stdout and stderr; with --files alone, a temp
 * file for stdout. On failure *RJ lacks them (and it is said).
 */
void results_open(struct results_job *rj, const struct results_conf *c,
		  uint64_t seq);

/*
 * Keep N bytes at BUF of stream WHICH (0 stdout, 1 stderr) in *RJ. True if
 * they are to be written as usual too, false if the file takes them
 * instead (--files' stdout).
 */
bool results_write(struct results_job *rj, int which, const char *buf,
		   size_t n);

/*
 * Close *RJ's files. KEEP: the attempt is the job's last that ran; its
 * --files name is returned (the caller frees it). Else NULL, and a temp
 * file of --files is removed: another attempt makes its own, or none is
 * wanted.
 */
char *results_close(struct results_job *rj, bool keep);

/* Whether a result file could not be made or written. */
bool results_failed(void);

#endif
