/*
 * results.h - GNU parallel's --results DIR: each job's stdout and stderr
 * are also kept in files, DIR/<seq>/stdout and DIR/<seq>/stderr.
 *
 * GNU parallel lays them out by input value (DIR/1/<value>/stdout); fanout
 * by sequence number, which a value's slashes, length or bytes cannot
 * break, and which the job log's Seq column names. A retried job's files
 * hold its last attempt. A file that cannot be made or written is said
 * once, and the run then exits 3 (results_failed()).
 */
#ifndef FANOUT_RESULTS_H
#define FANOUT_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One attempt's two files; fd -1 where there is none. */
struct results_job {
	int fd[2];
};

/*
 * Make DIR (once per run), DIR/SEQ, and its stdout and stderr files,
 * emptied, into *RJ. On failure *RJ has no files (and it is said).
 */
void results_open(struct results_job *rj, const char *dir, uint64_t seq);

/* Add N bytes at BUF to stream WHICH (0 stdout, 1 stderr) of *RJ. */
void results_write(struct results_job *rj, int which, const char *buf,
		   size_t n);

/* Close *RJ's files. */
void results_close(struct results_job *rj);

/* Whether a result file could not be made or written. */
bool results_failed(void);

#endif
