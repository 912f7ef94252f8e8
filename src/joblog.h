/*
 * joblog.h - --joblog FILE in GNU parallel's tab-separated format, and the
 * set of jobs it says are done, for --resume.
 *
 * Columns: Seq Host Starttime JobRuntime Send Receive Exitval Signal Command,
 * written as GNU parallel writes them (checked against parallel 20221122):
 * Host ":" (local), Starttime "%.3f" epoch seconds, JobRuntime "%10.3f",
 * Send 0, Receive the bytes the job wrote on stdout, Exitval the exit status
 * (0 when killed by a signal, -1 when killed by --timeout), Signal the
 * signal that killed it or 0, Command with each newline as a NUL byte.
 *
 * Unlike GNU parallel, which logs a job once, fanout logs every attempt
 * (--retries). Like it, an attempt cut short by a cancel (Ctrl-C, --halt now)
 * is not logged: --resume runs it again. Each line is written with one
 * write(2) on an O_APPEND descriptor, so an interrupted run leaves whole
 * lines.
 *
 * --resume trusts nothing it reads: resume.c checks every line, and the
 * set of done jobs (seqset.c) grows with the lines read, not with the
 * largest Seq.
 */
#ifndef FANOUT_JOBLOG_H
#define FANOUT_JOBLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "job.h"

struct attempt;
struct joblog;

/*
 * Open PATH for appending (header written if the file is new or empty);
 * "-" is standard output, as in GNU parallel. Without RESUME the file is
 * replaced. With RESUME, first read it: the jobs it records (all of them,
 * or with ONLY_OK those that succeeded) are to be skipped, and an
 * incomplete last line is dropped. Exits 2 if PATH cannot be opened, 3 if
 * the log to resume from cannot be read or is not a job log.
 */
struct joblog *joblog_open(const char *path, bool resume, bool only_ok);

/*
 * --joblog +FILE (GNU parallel's): open PATH for appending, without
 * replacing or reading it; the header only if it is new or empty.
 */
struct joblog *joblog_append(const char *path);

/*
 * For --dry-run: with RESUME, read PATH as joblog_open() does, but never
 * write to it (GNU parallel leaves the log alone in a dry run).
 */
struct joblog *joblog_read(const char *path, bool resume, bool only_ok);

/* Should job SEQ be skipped (--resume)? */
bool joblog_done(const struct joblog *l, uint64_t seq);

/*
 * Append one line for attempt A (thread-safe). A failed write is reported
 * once, naming the file.
 */
void joblog_write(struct joblog *l, const struct attempt *a);

/* Has a write to the job log failed in this process (the run is not whole)? */
bool joblog_failed(void);

/* Close the log and free the --resume set (NULL is fine). */
void joblog_close(struct joblog *l);

#endif
