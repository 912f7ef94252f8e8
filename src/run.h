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

	int reader_stop_fd;     /* runstate_stop_fd(), for the reader */
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

/* Wait for every worker thread to end. */
void run_join_workers(struct runner *r);

#endif
