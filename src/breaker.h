/*
 * breaker.h - circuit breaker on job starts, as a pure state machine.
 *
 * Closed: jobs start freely; THRESHOLD consecutive failures open it.
 * Open: no job starts until COOLDOWN has passed since it opened; then it is
 * half-open. Half-open: exactly one probe job may start; its success closes
 * the breaker, its failure opens it again (a new cooldown).
 *
 * Results of jobs that started before the breaker opened (not probes) and end
 * while it is open or half-open do not change the state. It never reads the
 * clock; not thread-safe: the caller holds a lock.
 */
#ifndef FANOUT_BREAKER_H
#define FANOUT_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

enum breaker_state {
	BREAKER_CLOSED,
	BREAKER_OPEN,
	BREAKER_HALF_OPEN,
};

/* What breaker_acquire() allows. */
enum breaker_verdict {
	BREAKER_GO,             /* start the job normally */
	BREAKER_GO_PROBE,       /* start it as the one half-open probe */
	BREAKER_WAIT,           /* do not start it yet; see *wait_ns */
};

struct breaker {
	int threshold;          /* 0: disabled, always GO */
	int64_t cooldown_ns;
	enum breaker_state state;
	int consecutive;        /* consecutive failures while closed */
	int64_t opened_ns;      /* when it last opened */
	bool probe_in_flight;
	uint64_t trips;         /* times it opened, for statistics */
};

/* A closed breaker; THRESHOLD 0 disables it. */
void breaker_init(struct breaker *b, int threshold, int64_t cooldown_ns);

/*
 * May a job start at NOW_NS? On BREAKER_WAIT, *wait_ns is how long until
 * asking again can succeed (the cooldown's rest), or -1 while a probe is in
 * flight (wait for its result). Open becomes half-open here, when the
 * cooldown has passed; *changed tells whether the state changed.
 */
enum breaker_verdict breaker_acquire(struct breaker *b, int64_t now_ns,
				     int64_t *wait_ns, bool *changed);

/*
 * Record a job's result. WAS_PROBE: it was started with BREAKER_GO_PROBE.
 * Returns true when the state changed (the caller prints one line).
 */
bool breaker_record(struct breaker *b, bool ok, bool was_probe,
		    int64_t now_ns);

/* "closed", "open" or "half-open". */
const char *breaker_state_name(enum breaker_state s);

#endif
