/*
 * inflight.h - the limit on jobs in flight under -j auto (--adaptive MAX),
 * shared by the workers: a counting gate around the adaptive state machine
 * (adaptive.h). A worker takes room before it starts a job and gives it
 * back, with what the job told (its latency, success, overload), when the
 * job has ended.
 *
 * Off (the default, a fixed -j) it costs one atomic load per job. There is
 * one run per process: the state lives in inflight.c. Its lock is a leaf:
 * nothing is called while holding it.
 */
#ifndef FANOUT_INFLIGHT_H
#define FANOUT_INFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

struct attempt;

/*
 * Before any worker: a limit under ceiling MAX (0: off); exit statuses in
 * OVERLOAD (a bit per status, 256 bits) and timeouts mark overload.
 */
void inflight_init(int max, const uint64_t overload[4]);

/* Wait for room to start a job; false when the run stops starting jobs. */
bool inflight_acquire(void);

/*
 * Give the room back. A is the attempt that ran in it (its outcome moves
 * the limit, and A->limit gets the limit after it), or NULL if none did.
 */
void inflight_release(struct attempt *a);

/* The run stops starting jobs: every waiter returns false, now and later. */
void inflight_close(void);

/* SIGUSR1 / SIGUSR2: move MAX by DELTA (at least 1). False when off. */
bool inflight_move_max(int delta);

/* The limit at one instant, for --progress and --stats. */
struct inflight_snap {
	bool on;
	int limit, max, running;
	int lowest, highest;            /* the limit's extremes */
	uint64_t ups, downs_latency, downs_overload;
};

/* Read the limit into *S (S->on false and nothing else when off). */
void inflight_snapshot(struct inflight_snap *s);

#endif
