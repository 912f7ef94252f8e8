/*
 * gate.h - what a worker passes before it may start a job: the rate limiter
 * and the circuit breaker, shared by all workers under one lock.
 *
 * Waiting holds no lock and ends at once when the run is cancelled.
 *
 * Under --rate, starts are granted in input order, as GNU parallel's
 * --delay does: each job handed out carries a ticket (scheduler.h, 1, 2,
 * 3 ... in input order) and the gate serves tickets one after the other, so
 * workers never race for a token. Every ticket is either passed
 * (gate_pass) or given up (gate_forfeit); the jobs that start are then
 * always a prefix of the tickets, even when --halt stops the run.
 */
#ifndef FANOUT_GATE_H
#define FANOUT_GATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "breaker.h"
#include "ratelimit.h"

struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool use_rate, use_breaker;
	struct ratelimit rl;
	struct breaker br;
	bool ordered;           /* --rate: grant by ticket */
	uint64_t serving;       /* ordered: the ticket whose turn it is */
	_Atomic bool closed;    /* the run stops starting: everyone stops waiting */
	int64_t rate_wait_ns;   /* total time spent waiting for tokens */
	int64_t breaker_wait_ns;/* total time spent waiting on the breaker */
};

struct opts;

void gate_init(struct gate *g, const struct opts *o);

/*
 * Wait until the job with TICKET (its turn under --rate; else unused) may
 * start. Returns false if the gate is closed (the run stops starting jobs):
 * start nothing. *probe is set when this job is the breaker's half-open
 * probe.
 */
bool gate_pass(struct gate *g, uint64_t ticket, bool *probe);

/*
 * The job with TICKET will not come to the gate (it cannot run, or is only
 * shown): under --rate, wait for its turn and pass it on, taking no token.
 */
void gate_forfeit(struct gate *g, uint64_t ticket);

/* A job started through the gate ended; OK: it succeeded. */
void gate_result(struct gate *g, bool ok, bool probe);

/* The gate at one instant, for the progress line and the reports. */
struct gate_snap {
	bool use_rate, use_breaker;
	enum breaker_state breaker;     /* BREAKER_CLOSED when not used */
	uint64_t trips;                 /* times the breaker opened */
	int64_t rate_wait_ns;           /* total time spent waiting for tokens */
};

/*
 * Read the gate into *S. Nobody else takes the gate's lock or reads its
 * fields: this is the one way to look. Without a rate or breaker it takes
 * no lock.
 */
void gate_snapshot(struct gate *g, struct gate_snap *s);

/* Wake every waiter and refuse from now on (may be called again). */
void gate_close(struct gate *g);

#endif
