/*
 * gate.h - what a worker passes before it may start a job: the rate limiter
 * and the circuit breaker, shared by all workers under one lock.
 *
 * Waiting holds no lock and ends at once when the run is cancelled.
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
	bool closed;            /* cancelled: everyone stops waiting */
	int64_t rate_wait_ns;   /* total time spent waiting for tokens */
	int64_t breaker_wait_ns;/* total time spent waiting on the breaker */
};

struct opts;

void gate_init(struct gate *g, const struct opts *o);

/*
 * Wait until a job may start. Returns false if the gate was closed while
 * waiting (start nothing). *probe is set when this job is the breaker's
 * half-open probe.
 */
bool gate_pass(struct gate *g, bool *probe);

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

/* Wake every waiter and refuse from now on. */
void gate_close(struct gate *g);

#endif
