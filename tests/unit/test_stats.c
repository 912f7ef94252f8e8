/*
 * test_stats.c - the --stats histogram: quantiles within the promised
 * 1/32 relative error, exact min and max, bounded size. (Its durations
 * are shown by util's fmt_duration(), tested in test_util.c.)
 */
#include <stdlib.h>

#include "stats.h"
#include "tap.h"
#include "util.h"

/* |got - want| <= want / 32 (and a microsecond for the tiny ones). */
static int close_to(int64_t got, int64_t want)
{
	int64_t d = got > want ? got - want : want - got;

	return d <= want / 32 + 1000;
}

static void test_empty(void)
{
	struct stats_hist h;

	stats_hist_init(&h);
	is_int(stats_hist_quantile(&h, 0.5), 0, "empty: p50 is 0");
	is_int(h.count, 0, "empty: no samples");
}

static void test_single(void)
{
	struct stats_hist h;

	stats_hist_init(&h);
	stats_hist_add(&h, 123456789);
	is_int(stats_hist_quantile(&h, 0.5), 123456789,
	       "one sample: p50 is the sample (clamped to min/max)");
	is_int(stats_hist_quantile(&h, 0.99), 123456789, "one sample: p99");
	is_int(h.max_ns, 123456789, "one sample: max exact");
}

static void test_uniform(void)
{
	struct stats_hist h;
	int bad = 0;

	/* 1 ms .. 10 s in 1 ms steps: the q-quantile is about q * 10 s. */
	stats_hist_init(&h);
	for (int64_t i = 1; i <= 10000; i++)
		stats_hist_add(&h, i * NS_PER_MS);
	is_int(h.count, 10000, "uniform: all counted");
	is_int(h.min_ns, NS_PER_MS, "uniform: exact min");
	is_int(h.max_ns, 10 * NS_PER_SEC, "uniform: exact max");
	ok(close_to(stats_hist_quantile(&h, 0.5), 5 * NS_PER_SEC),
	   "uniform: p50 near 5 s");
	ok(close_to(stats_hist_quantile(&h, 0.9), 9 * NS_PER_SEC),
	   "uniform: p90 near 9 s");
	ok(close_to(stats_hist_quantile(&h, 0.99), 9900 * NS_PER_MS),
	   "uniform: p99 near 9.9 s");
	for (int k = 1; k < 100; k++) {
		int64_t want = (int64_t)k * 100 * NS_PER_MS;

		if (!close_to(stats_hist_quantile(&h, k / 100.0), want))
			bad++;
	}
	is_int(bad, 0, "uniform: every percentile within 1/32");
}

static void test_skewed(void)
{
	struct stats_hist h;

	/* 990 fast jobs, 10 very slow ones: p99 fast, max slow. */
	stats_hist_init(&h);
	for (int i = 0; i < 990; i++)
		stats_hist_add(&h, 2 * NS_PER_MS);
	for (int i = 0; i < 10; i++)
		stats_hist_add(&h, 3600 * NS_PER_SEC);
	ok(close_to(stats_hist_quantile(&h, 0.5), 2 * NS_PER_MS), "skewed: p50");
	ok(close_to(stats_hist_quantile(&h, 0.99), 2 * NS_PER_MS),
	   "skewed: p99 is the 990th sample");
	ok(close_to(stats_hist_quantile(&h, 0.995), 3600 * NS_PER_SEC),
	   "skewed: p99.5 is slow");
	is_int(h.max_ns, 3600 * NS_PER_SEC, "skewed: max");
}

static void test_extremes(void)
{
	struct stats_hist h;

	stats_hist_init(&h);
	stats_hist_add(&h, -5);
	stats_hist_add(&h, 0);
	stats_hist_add(&h, INT64_MAX);
	is_int(h.count, 3, "extremes: counted, none out of range");
	is_int(h.min_ns, 0, "extremes: negative counts as 0");
	is_int(stats_hist_quantile(&h, 1.0), INT64_MAX, "extremes: max");
	is_int(stats_hist_quantile(&h, 0.9), INT64_MAX,
	       "extremes: p90 in the top bucket does not wrap");
	ok(sizeof h < 10000, "bounded: %zu bytes whatever the samples",
	   sizeof h);
}

int main(void)
{
	test_empty();
	test_single();
	test_uniform();
	test_skewed();
	test_extremes();
	return tap_done();
}
