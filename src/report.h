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

#include "attempt.h"

struct runner;

/* Open the logs and start the progress line, as R's options say. */
void report_init(struct runner *r);

/* A worker finished an attempt (thread-safe). */
void report_attempt(struct runner *r, const struct attempt *a);

/* The run is over: stop the progress line, print --stats, close logs. */
void report_finish(struct runner *r);

/* Whether a command line is needed for the reports (--joblog, --json-log). */
bool report_wants_cmdline(const struct runner *r);

#endif
