/*
 * run.h - the worker pool and one job's life: expand, gate, spawn, pump the
 * output, enforce the deadline, reap, and account for the result.
 */
#ifndef FANOUT_RUN_H
#define FANOUT_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "fanin.h"
#include "gate.h"
#include "scheduler.h"
#include "template.h"

/* Where the whole run is; only ever moves forward. */
enum run_state {
	RS_RUNNING,
	RS_DRAINING,            /* SIGHUP, --halt soon: start nothing new */
	RS_CANCELLING,          /* first SIGINT/SIGTERM, --halt now */
	RS_KILLING,             /* second signal: SIGKILL everything now */
};

struct joblog;

struct runner {
	const struct opts *o;
	struct tmpl tmpl;
	char *path;             /* COMMAND found in PATH once, if fixed */
	int path_errno;         /* why it was not found */
	char **envbase;         /* environ with two free slots in front */
	size_t nenv;
	struct sched sched;
	struct fanin fanin;
	struct gate gate;
	struct joblog *joblog;

	_Atomic int state;      /* enum run_state */
	int cancel_fd;          /* readable once the run is cancelled */
	int cancel_wfd;
	int reader_stop_fd;     /* readable once the reader must stop */
	int reader_stop_wfd;
	_Atomic int stop_signal;/* the signal that stopped the run, or 0 */
	_Atomic bool reported_missing;

	_Atomic uint64_t read;  /* jobs made by the reader */
	_Atomic uint64_t started, succeeded, failed, timed_out, cancelled;
	_Atomic uint64_t retried, skipped;
	_Atomic int running;

	int64_t start_ns;
	int maxworkers;
	_Atomic int target_workers;     /* SIGUSR1/SIGUSR2 move it */
	bool *thread_live;      /* under poolmu: slot has a worker thread */
	int nlive;              /* under poolmu: worker threads alive */
	pthread_mutex_t poolmu;
	pthread_cond_t pooldone;        /* nlive reached 0 */
};

/* Start worker SLOT's thread (0-based); the caller holds poolmu. */
void run_start_worker(struct runner *r, int slot);

/* Move the run to state S if that is forward; returns the old state. */
int run_advance(struct runner *r, enum run_state s);

/*
 * Cancel the run: start nothing more, send SIG to every running job's group
 * (the workers then enforce the --kill-after grace). FROM_SIGNAL: SIG came
 * from outside, and decides the exit status.
 */
void run_cancel(struct runner *r, int sig, bool from_signal);

/* Drain: start nothing more, let running jobs finish. */
void run_drain(struct runner *r, int sig);

/* Wait for every worker thread to end. */
void run_join_workers(struct runner *r);

#endif
