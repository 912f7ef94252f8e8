/*
 * ratelimit.h - token bucket on job starts, as a pure state machine.
 *
 * Implemented as GCRA (the generic cell rate algorithm): one integer, the
 * theoretical arrival time, instead of a token count refilled by a timer.
 * It never reads the clock: the caller passes now_ns, so unit tests replay
 * exact timelines. Not thread-safe: the caller holds a lock.
 *
 * Guarantee: over any window of length W, at most burst + W / interval
 * starts are granted.
 */
#ifndef FANOUT_RATELIMIT_H
#define FANOUT_RATELIMIT_H

#include <stdint.h>

struct ratelimit {
	int64_t interval_ns;    /* time per token: 1 s / rate */
	int64_t burst;          /* bucket size, >= 1 */
	int64_t tat_ns;         /* theoretical arrival time of the next start */
	int primed;             /* tat_ns has been set from a first now_ns */
};

/*
 * Start a full bucket: COUNT starts per PER_NS nanoseconds (count may be
 * fractional, e.g. 0.5 per second), up to BURST at once.
 */
void rl_init(struct ratelimit *rl, double count, int64_t per_ns,
	     int64_t burst);

/*
 * Take a token at NOW_NS: returns 0 when granted, else the number of
 * nanoseconds (> 0) until one will be; nothing is taken then.
 */
int64_t rl_take(struct ratelimit *rl, int64_t now_ns);

/*
 * Parse "N/UNIT" ("10/s", "600/m", "5/100ms", "0.5/s", "100" = per second)
 * into *count and *per_ns. Returns NULL or a short reason.
 */
const char *rl_parse(const char *s, double *count, int64_t *per_ns);

#endif
