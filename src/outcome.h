/*
 * outcome.h - the record of one attempt of a job, struct attempt, and the
 * one test of whether it succeeded.
 *
 * The record is filled while the attempt runs (exec.c the child's part,
 * attempt.c the rest) and handed, read-only, to the reports: the job log,
 * the JSON log and the statistics. Nothing in it is owned: the job and the
 * strings belong to the worker until the reports return. A header of its
 * own, apart from attempt.h (the code that runs an attempt), so that what
 * attempt.c calls can read the record without an include circle.
 */
#ifndef FANOUT_OUTCOME_H
#define FANOUT_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cost.h"
#include "halt.h"
#include "job.h"

/* One finished (or failed to start) attempt of a job. */
struct attempt {
	const struct job *job;          /* seq, attempt number, records */
	int slot;                       /* worker slot, 1-based */
	pid_t pid;                      /* the child, 0 if none started */
	int64_t queued_ns;              /* monotonic: when it was read */
	int64_t start_ns, end_ns;       /* monotonic */
	int64_t start_wall_ns;          /* CLOCK_REALTIME at start */
	int exit_code;                  /* -1 when killed by a signal */
	int signal;                     /* 0, or the signal that killed it */
	bool timed_out;
	bool not_started;               /* 126/127: it could not start */
	bool cancelled;                 /* ended by a cancel of the run */
	bool will_retry;                /* another attempt follows */
	bool host_lost;                 /* -S: it lost a second host, or a
					   host a third time: it fails, not
					   run again (hostloss.h) */
	uint64_t bytes_in;              /* --pipe: bytes the job was given */
	uint64_t bytes_out, bytes_err;
	struct cost cost;               /* CPU, memory, switches (cost.h) */
	int limit;                      /* -j auto's limit after it; 0: off */
	const char *cmdline;            /* shell-quoted command, or NULL */
	const char *host;               /* the sshlogin it ran on; NULL: ":" */
	const char *breaker;            /* breaker state after it, or NULL */
};

/* Whether attempt A succeeded: it ran, exited 0, in time, on its own. */
static inline bool attempt_ok(const struct attempt *a)
{
	return a->exit_code == 0 && !a->signal && !a->timed_out &&
	       !a->not_started;
}

#endif
