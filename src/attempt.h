/*
 * attempt.h - one attempt of a job: the record of what happened to it, and
 * the worker's code that runs it.
 *
 * attempt_run() expands the job's command, finds the program, passes the
 * gate, runs the child (exec.h), counts the result, then hands the job on:
 * to fanin for its output, to the reports, back to the scheduler for a
 * retry, and to runstate for --halt.
 *
 * The record, struct attempt, is filled while the attempt runs (exec.c the
 * child's part, attempt.c the rest) and handed, read-only, to the reports:
 * the job log, the JSON log and the statistics. Nothing in it is owned: the
 * job and the strings belong to the worker until the reports return.
 */
#ifndef FANOUT_ATTEMPT_H
#define FANOUT_ATTEMPT_H

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

struct exec_conf;
struct ph_names;
struct fanin;
struct gate;
struct remote;
struct sched;
struct tmpl;

/* What every attempt of the run needs; made by main, read by the workers. */
struct attempt_conf {
	const struct tmpl *tmpl;
	const char *path;               /* the program, found once, or NULL */
	int path_errno;                 /* why it was not found */
	char *const *envbase;           /* environ with two free slots in front */
	size_t nenv;                    /* entries in envbase (with the two) */
	struct sched *sched;
	struct fanin *fanin;
	struct gate *gate;
	const struct exec_conf *exec;   /* timeout, grace, capture, cancel fd */
	struct remote *remote;          /* -S hosts, or NULL */
	bool dry_run, verbose, tag;
	bool quiet_failures;            /* do not name each failed job */
	const char *tagstring;          /* --tagstring, or NULL */
	const char *repl;               /* what {} is called (-I) */
	const struct ph_names *names;   /* --header's column names */
	bool breaker;                   /* the gate has a breaker: log its state */
	int retries;
	int64_t retry_delay_ns;         /* 0: one second */
	struct halt halt;               /* --halt */
};

/* One worker's context: argv space, environment, read buffer, its child. */
struct attempt_worker;

/* The context for worker SLOT (0-based) of a run set up by C. */
struct attempt_worker *attempt_worker_new(const struct attempt_conf *c,
					  int slot);

/* Free what attempt_worker_new() made. */
void attempt_worker_free(struct attempt_worker *w);

/* Run one attempt of J on W; J then goes back to the scheduler or is freed. */
void attempt_run(struct attempt_worker *w, struct job *j);

/*
 * --halt: stop the run if C's condition holds now (after each job, and
 * once the input is over, when a percentage's total becomes known).
 */
void attempt_check_halt(const struct attempt_conf *c);

/* Whether --halt stopped the run. */
bool attempt_halted(void);

#endif
