/*
 * report.h - what the run tells about itself: the job log (--joblog), the
 * JSON log (--json-log) and the closing statistics (--stats). Workers report
 * each finished attempt here; nothing here decides anything about the run.
 */
#ifndef FANOUT_REPORT_H
#define FANOUT_REPORT_H

#include <stdbool.h>

#include "outcome.h"

struct gate;
struct joblog;

struct report_conf {
	struct joblog *joblog;          /* --joblog, open; or NULL */
	const char *json_log;           /* --json-log FILE, or NULL */
	bool stats;                     /* --stats */
	struct gate *gate;              /* the breaker's and the rate's figures */
};

/* Open the logs as C says; the job log is ours to close from now on. */
void report_init(const struct report_conf *c);

/* A worker finished attempt A (thread-safe). */
void report_attempt(const struct attempt *a);

/* The run is over: print --stats, close the logs. */
void report_finish(void);

/* Whether a command line is needed for the reports (--joblog, --json-log). */
bool report_wants_cmdline(void);

#endif
