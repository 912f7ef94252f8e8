/*
 * stats.h - bounded summaries for --stats: a log-scale histogram of
 * durations and a compact duration formatter.
 *
 * The histogram keeps 16 buckets per power of two of microseconds (the first
 * 16 microseconds exactly): about 1000 counters cover 1 us to centuries, and
 * a quantile is off by at most 1/32 of its value however many samples came.
 * Pure: no clock, no lock; the caller serializes.
 */
#ifndef FANOUT_STATS_H
#define FANOUT_STATS_H

#include <stddef.h>
#include <stdint.h>

#define STATS_SUB       16
#define STATS_BUCKETS   (STATS_SUB + 60 * STATS_SUB)

struct stats_hist {
	uint64_t count;
	int64_t min_ns, max_ns;         /* exact */
	uint64_t b[STATS_BUCKETS];
};

/* An empty histogram. */
void stats_hist_init(struct stats_hist *h);

/* Count one duration of NS nanoseconds (negative counts as 0). */
void stats_hist_add(struct stats_hist *h, int64_t ns);

/*
 * The Q-quantile (0 < Q <= 1) in nanoseconds: the middle of the bucket that
 * holds the ceil(Q * count)-th smallest sample, kept within [min, max].
 * 0 when empty.
 */
int64_t stats_hist_quantile(const struct stats_hist *h, double q);

#endif
