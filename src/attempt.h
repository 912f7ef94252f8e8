/*
 * attempt.h - one attempt of a job: the worker's code that runs it.
 *
 * attempt_run() expands the job's command, finds the program, passes the
 * gate, runs the child (exec.h), counts the result, then hands the job on:
 * to fanin for its output, to the reports, back to the scheduler for a
 * retry, and to runstate for --halt.
 *
 * The record, struct attempt, is in outcome.h.
 */
#ifndef FANOUT_ATTEMPT_H
#define FANOUT_ATTEMPT_H

#include "outcome.h"
#include "results.h"

struct exec_conf;
struct ph_names;
struct fanin;
struct gate;
struct remote;
struct rlimits;
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
	const char *workdir;            /* local jobs' --workdir, or NULL */
	bool dry_run, verbose, tag;
	bool quiet_failures;            /* do not name each failed job */
	const char *tagstring;          /* --tagstring, or NULL */
	struct results_conf results;    /* --results DIR, --files */
	const char *repl;               /* what {} is called (-I) */
	const struct ph_names *names;   /* --header's column names */
	bool breaker;                   /* the gate has a breaker: log its state */
	const struct rlimits *rlimits;  /* --rlimit: named when one kills */
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
