/*
 * adaptive.h - the in-flight limit of -j auto (--adaptive MAX): a pure state
 * machine that moves the number of jobs allowed to run at once between 1
 * and MAX from what the jobs tell it, the way TCP's congestion window and
 * Netflix's concurrency-limits (AIMD, Vegas, Gradient) find the load a
 * service takes.
 *
 * The policy (the man page states it with the same constants):
 * - Samples: a job's latency (its runtime) counts only if it started after
 *   the limit last changed; a job started under another limit tells nothing
 *   about this one. Plain failures are left out (a job that fails at once
 *   says nothing about load); overloads count at once.
 * - Overload (an --overload-exit status, or a timeout): multiplicative
 *   decrease, the limit halves (at least 1); once per change, as TCP halves
 *   once per loss event.
 * - Windows: otherwise samples are gathered into windows of max(limit, 4);
 *   at the end of one its mean latency is compared with the best window
 *   mean seen (which forgets slowly: it rises by 1/64 of the gap each window
 *   above it, and at limit 1 it is the mean, as nothing can queue there).
 *   Ratio r = mean / best:
 *   - r > 1.25 (latency well above its best): the limit falls to
 *     limit / r, what Little's law says the service did serve without
 *     queueing (at least one less, at least 1);
 *   - r <= 1.10 (near its best), the limit was used in full during the
 *     window, and the completion rate did not fall (by more than 10%): the
 *     limit rises, doubling until the first decrease (slow start), then by
 *     one (additive increase), up to MAX;
 *   - in between: it holds.
 *
 * Pure: time and outcomes are passed in, no clock, no lock (the caller
 * serializes), so tests replay whole timelines (tests/unit/test_adaptive.c).
 */
#ifndef FANOUT_ADAPTIVE_H
#define FANOUT_ADAPTIVE_H

#include <stdbool.h>
#include <stdint.h>

#define ADAPTIVE_MIN_WINDOW 6           /* samples in a window, at least */
#define ADAPTIVE_HIGH 1.25              /* r above: decrease to limit / r */
#define ADAPTIVE_LOW 1.10               /* r at most: increase */
#define ADAPTIVE_RATE_DROP 0.10         /* rate may fall this much and grow */
#define ADAPTIVE_FORGET 64              /* best rises 1/64 of the gap a window */

/* What a finished job tells the limit. */
enum adaptive_outcome {
	ADAPTIVE_OK,            /* succeeded: its latency is a sample */
	ADAPTIVE_FAILED,        /* failed for its own reasons: ignored */
	ADAPTIVE_OVERLOAD,      /* --overload-exit status or timed out */
};

struct adaptive {
	int max;                /* MAX: the limit's ceiling */
	int limit;              /* jobs allowed in flight, 1..max */
	bool slow_start;        /* doubling until the first decrease */
	int64_t changed_ns;     /* the limit last changed (or the start) */
	int64_t win_start_ns;   /* the window opened */
	int nwin;               /* samples in the window */
	double win_sum_ns;      /* their latencies, summed */
	bool win_full;          /* the limit was reached in the window */
	double best_ns;         /* best window mean; 0: none yet */
	double prev_rate;       /* completions per ns of the last window; 0 */
	/* For --stats. */
	int lowest, highest;    /* the limit's extremes */
	uint64_t ups, downs_latency, downs_overload;
};

/* A limit of 1 (slow start) under ceiling MAX, at time NOW. */
void adaptive_init(struct adaptive *a, int max, int64_t now);

/* A job started at NOW with INFLIGHT jobs (itself too) running. */
void adaptive_started(struct adaptive *a, int inflight, int64_t now);

/* A job that started at START ended at END with OUTCOME; the new limit. */
int adaptive_sample(struct adaptive *a, int64_t start, int64_t end,
		    enum adaptive_outcome outcome);

/* Move the ceiling to MAX (at least 1), at NOW; the limit follows it down. */
void adaptive_set_max(struct adaptive *a, int max, int64_t now);

#endif
