/*
 * joblog.h - --joblog FILE in GNU parallel's tab-separated format, and the
 * set of jobs it says are done, for --resume.
 *
 * Columns: Seq Host Starttime JobRuntime Send Receive Exitval Signal Command.
 * Each line is written with one write(2) on an O_APPEND descriptor, so an
 * interrupted run leaves whole lines.
 */
#ifndef FANOUT_JOBLOG_H
#define FANOUT_JOBLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "job.h"

struct joblog;

/*
 * Open PATH for appending (header written if the file is new or empty).
 * With RESUME, first read it: the jobs it records (all of them, or with
 * ONLY_OK those that succeeded) are to be skipped. Exits 2 on error.
 */
struct joblog *joblog_open(const char *path, bool resume, bool only_ok);

/* Should job SEQ be skipped (--resume)? */
bool joblog_done(const struct joblog *l, uint64_t seq);

/* Append one line for an attempt of J. */
void joblog_write(struct joblog *l, const struct job *j, int slot,
		  int64_t start_wall_ns, int64_t runtime_ns, uint64_t received,
		  int exitval, int sig, bool timed_out, const char *cmdline);

void joblog_close(struct joblog *l);

#endif
