/*
 * stats.c - log-scale duration histogram (see stats.h).
 *
 * Bucket of v microseconds: v itself below 16; else, with e = floor(log2 v),
 * 16 + (e - 4) * 16 + the 4 bits of v just below its top bit. Bucket i's
 * width is thus 1/16 of its lower bound or less: the middle of the bucket is
 * within 1/32 of any value in it.
 */
#include "stats.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static int ilog2(uint64_t v)
{
	int e = 0;

	while (v >>= 1)
		e++;
	return e;
}

static size_t bucket(uint64_t us)
{
	int e;
	size_t i;

	if (us < STATS_SUB)
		return (size_t)us;
	e = ilog2(us);
	i = STATS_SUB + (size_t)(e - 4) * STATS_SUB +
	    (size_t)((us >> (e - 4)) - STATS_SUB);
	return i < STATS_BUCKETS ? i : STATS_BUCKETS - 1;
}

/* Lower bound and width of bucket I, in microseconds. */
static void bounds(size_t i, uint64_t *lo, uint64_t *width)
{
	size_t e, sub;

	if (i < STATS_SUB) {
		*lo = i;
		*width = 1;
		return;
	}
	e = (i - STATS_SUB) / STATS_SUB + 4;
	sub = (i - STATS_SUB) % STATS_SUB;
	*lo = (uint64_t)(STATS_SUB + sub) << (e - 4);
	*width = (uint64_t)1 << (e - 4);
}

void stats_hist_init(struct stats_hist *h)
{
	memset(h, 0, sizeof *h);
}

void stats_hist_add(struct stats_hist *h, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (h->count == 0 || ns < h->min_ns)
		h->min_ns = ns;
	if (h->count == 0 || ns > h->max_ns)
		h->max_ns = ns;
	h->count++;
	h->b[bucket((uint64_t)ns / 1000)]++;
}

int64_t stats_hist_quantile(const struct stats_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, width, mid;
	int64_t v;
	size_t i;

	if (h->count == 0)
		return 0;
	if (q <= 0)
		return h->min_ns;
	if (q >= 1)
		return h->max_ns;
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < STATS_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	bounds(i, &lo, &width);
	/* The middle of the bucket, in ns (a 1 us bucket: its lower end). */
	mid = lo * 1000 + (width > 1 ? width * 500 : 0);
	if (mid > (uint64_t)h->max_ns)
		return h->max_ns;
	v = (int64_t)mid;
	return v < h->min_ns ? h->min_ns : v;
}
