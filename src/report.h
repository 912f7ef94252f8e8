/*
 * report.h - what the run tells about itself: the job log (--joblog), the
 * JSON log (--json-log), the progress line (--progress) and the closing
 * statistics (--stats). Workers report each finished attempt here; nothing
 * here decides anything about the run.
 */
#ifndef FANOUT_REPORT_H
#define FANOUT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "job.h"

struct runner;

/* One finished (or failed to start) attempt of a job. */
struct attempt {
	const struct job *job;          /* seq, attempt number, records */
	int slot;                       /* worker slot, 1-based */
	int64_t queued_ns;              /* monotonic: when it was read */
	int64_t start_ns, end_ns;       /* monotonic */
	int64_t start_wall_ns;          /* CLOCK_REALTIME at start */
	int exit_code;                  /* -1 when killed by a signal */
	int signal;                     /* 0, or the signal that killed it */
	bool timed_out;
	bool not_started;               /* 126/127: it could not start */
	bool cancelled;                 /* ended by a cancel of the run */
	bool will_retry;                /* another attempt follows */
	uint64_t bytes_out, bytes_err;
	const char *cmdline;            /* shell-quoted command, or NULL */
	const char *breaker;            /* breaker state after it, or NULL */
};

/* Open the logs and start the progress line, as R's options say. */
void report_init(struct runner *r);

/* A worker finished an attempt (thread-safe). */
void report_attempt(struct runner *r, const struct attempt *a);

/* The run is over: stop the progress line, print --stats, close logs. */
void report_finish(struct runner *r);

/* Whether a command line is needed for the reports (--joblog, --json-log). */
bool report_wants_cmdline(const struct runner *r);

#endif
