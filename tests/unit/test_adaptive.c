/*
 * test_adaptive.c - the -j auto limit on replayed timelines: a simulated
 * service (processor sharing with a capacity, slower past it) runs the
 * jobs the limit lets start, and the limit must find the capacity.
 */
#include <stdio.h>
#include <stdlib.h>

#include "adaptive.h"
#include "tap.h"
#include "util.h"

#define MAXJOBS 64

/* A processor-sharing service: CAP jobs at full speed, then shared. */
struct service {
	double cap;             /* jobs served at full speed */
	double penalty;         /* speed lost per job past cap (thrashing) */
	double work_ns;         /* a job's mean work */
	int64_t overload_from, overload_to;     /* jobs ending then: 429 */
};

struct sim {
	struct adaptive a;
	const struct service *sv;
	int64_t now;
	int n;
	double left[MAXJOBS];   /* work left, ns at full speed */
	int64_t start[MAXJOBS];
	unsigned rng;
	double limit_sum;       /* limit summed over completions (for means) */
	long completions;
};

static double jitter(struct sim *s)
{
	s->rng = s->rng * 1103515245u + 12345u;
	return 0.8 + 0.4 * (double)((s->rng >> 8) & 0xffff) / 65536.0;
}

/* Each job's speed with N running. */
static double speed(const struct service *sv, int n)
{
	double sp = n <= sv->cap ? 1.0 : sv->cap / n;

	if (n > sv->cap)
		sp *= 1.0 - sv->penalty * (n - sv->cap);
	return sp < 0.05 ? 0.05 : sp;
}

/* Run the service until time UNTIL, starting whatever the limit allows. */
static void run(struct sim *s, int64_t until)
{
	while (s->now < until) {
		double sp, dt;
		int k = 0;

		while (s->n < s->a.limit && s->n < MAXJOBS) {
			s->left[s->n] = s->sv->work_ns * jitter(s);
			s->start[s->n] = s->now;
			s->n++;
			adaptive_started(&s->a, s->n, s->now);
		}
		sp = speed(s->sv, s->n);
		for (int i = 1; i < s->n; i++)
			if (s->left[i] < s->left[k])
				k = i;
		dt = s->left[k] / sp;
		s->now += (int64_t)dt + 1;
		for (int i = 0; i < s->n; i++)
			s->left[i] -= dt * sp;
		{
			int64_t st = s->start[k];
			bool over = s->now >= s->sv->overload_from &&
				    s->now < s->sv->overload_to;

			s->left[k] = s->left[s->n - 1];
			s->start[k] = s->start[s->n - 1];
			s->n--;
			adaptive_sample(&s->a, st, s->now,
					over ? ADAPTIVE_OVERLOAD : ADAPTIVE_OK);
		}
		s->limit_sum += s->a.limit;
		s->completions++;
	}
}

static unsigned seed = 42;

static void sim_init(struct sim *s, const struct service *sv, int max)
{
	*s = (struct sim){ .sv = sv, .rng = seed };
	adaptive_init(&s->a, max, 0);
}

/* The mean limit over the completions from now until UNTIL. */
static double mean_limit(struct sim *s, int64_t until)
{
	s->limit_sum = 0;
	s->completions = 0;
	run(s, until);
	return s->completions ? s->limit_sum / (double)s->completions : 0;
}

static void test_degrading_service(void)
{
	/* Throughput peaks at 4 in flight, then falls. */
	struct service sv = { .cap = 4, .penalty = 0.08, .work_ns = 100e6,
			      .overload_from = -1, .overload_to = -1 };
	struct sim s;
	double m;

	sim_init(&s, &sv, 32);
	run(&s, 60 * NS_PER_SEC);
	m = mean_limit(&s, 300 * NS_PER_SEC);
	printf("# degrading past 4: mean limit %.2f, now %d, range %d..%d\n",
	       m, s.a.limit, s.a.lowest, s.a.highest);
	ok(m >= 3.5 && m <= 5.5, "a service degrading past 4 settles near 4");
	ok(s.a.highest < 32, "it never went to MAX");
}

static void test_cpu_bound(void)
{
	/* Two cores: two jobs at full speed, more share them. */
	struct service sv = { .cap = 2, .work_ns = 300e6,
			      .overload_from = -1, .overload_to = -1 };
	struct sim s;
	double m;

	sim_init(&s, &sv, 16);
	run(&s, 60 * NS_PER_SEC);
	m = mean_limit(&s, 600 * NS_PER_SEC);
	printf("# CPU-bound on 2 cores: mean limit %.2f, range %d..%d\n", m,
	       s.a.lowest, s.a.highest);
	ok(m >= 1.8 && m <= 3.2, "CPU-bound on 2 cores settles near 2");
}

static void test_overload_burst(void)
{
	/* Capacity 8; from 100 s to 101 s every job ends with a 429. */
	struct service sv = { .cap = 8, .penalty = 0.05, .work_ns = 50e6,
			      .overload_from = 100 * NS_PER_SEC,
			      .overload_to = 101 * NS_PER_SEC };
	struct sim s;
	int before, after;
	double m;

	sim_init(&s, &sv, 8);
	run(&s, 99 * NS_PER_SEC);
	before = s.a.limit;
	ok(before >= 7, "before the burst the limit is at capacity (%d)",
	   before);
	run(&s, 100 * NS_PER_SEC + 60 * NS_PER_MS);
	after = s.a.limit;
	ok(after <= before / 2 && after >= 1,
	   "the first overloads halve it (%d -> %d)", before, after);
	ok(s.a.downs_overload >= 1, "counted as overload decreases");
	run(&s, 101 * NS_PER_SEC);
	ok(s.a.limit <= after, "no increase during the burst (%d)", s.a.limit);
	m = mean_limit(&s, 140 * NS_PER_SEC);
	(void)m;
	ok(s.a.limit >= 7, "it recovers after the burst (%d)", s.a.limit);
}

static void test_rules(void)
{
	struct adaptive a;
	int64_t t = 0;

	adaptive_init(&a, 10, 0);
	is_int(a.limit, 1, "starts at 1");
	/* Four samples at limit 1, the limit used: slow start doubles. */
	for (int i = 0; i < ADAPTIVE_MIN_WINDOW; i++) {
		adaptive_started(&a, 1, t);
		adaptive_sample(&a, t, t + 100, ADAPTIVE_OK);
		t += 100;
	}
	is_int(a.limit, 2, "a full window near its best doubles the limit");
	/* A job started before the change is stale, even an overload. */
	adaptive_sample(&a, t - 50, t + 10, ADAPTIVE_OVERLOAD);
	is_int(a.limit, 2, "a job started under the old limit is ignored");
	/* Not using the limit: no increase. */
	for (int i = 0; i < ADAPTIVE_MIN_WINDOW; i++) {
		adaptive_started(&a, 1, t + 1);
		adaptive_sample(&a, t + 1, t + 101, ADAPTIVE_OK);
		t += 101;
	}
	is_int(a.limit, 2, "a window that never filled the limit holds it");
	/* Failures say nothing. */
	for (int i = 0; i < 10; i++)
		adaptive_sample(&a, t + 1, t + 2, ADAPTIVE_FAILED);
	is_int(a.nwin, 0, "plain failures are not samples");
	/* Latency doubles: the limit falls to limit / r. */
	for (int i = 0; i < ADAPTIVE_MIN_WINDOW; i++) {
		adaptive_started(&a, 2, t + 1);
		adaptive_sample(&a, t + 1, t + 201, ADAPTIVE_OK);
	}
	is_int(a.limit, 1, "latency at twice its best: limit / 2");
	is_int(a.downs_latency, 1, "counted as a latency decrease");
	ok(!a.slow_start, "slow start is over");
	adaptive_set_max(&a, 5, t + 300);
	a.limit = 5;
	adaptive_set_max(&a, 3, t + 400);
	is_int(a.limit, 3, "lowering MAX lowers the limit");
	adaptive_set_max(&a, 0, t + 500);
	is_int(a.max, 1, "MAX is at least 1");
	adaptive_sample(&a, t + 600, t + 700, ADAPTIVE_OVERLOAD);
	is_int(a.limit, 1, "an overload at 1 stays at 1");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		seed = (unsigned)atoi(argv[1]);
	test_rules();
	test_degrading_service();
	test_cpu_bound();
	test_overload_burst();
	return tap_done();
}
