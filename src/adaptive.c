/*
 * adaptive.c - the in-flight limit's state machine (see adaptive.h for the
 * policy and its constants).
 */
#include "adaptive.h"

#include <math.h>
#ifdef ADAPTIVE_TRACE
#include <stdio.h>
#endif

/* Samples a window needs at limit L. */
static int window(int l)
{
	return l > ADAPTIVE_MIN_WINDOW ? l : ADAPTIVE_MIN_WINDOW;
}

/* A fresh window from NOW. */
static void open_window(struct adaptive *a, int64_t now)
{
	a->win_start_ns = now;
	a->nwin = 0;
	a->win_sum_ns = 0;
	a->win_full = false;
}

/* Set the limit to L (within 1..max) at NOW; stale samples from now on. */
static void set_limit(struct adaptive *a, int l, int64_t now)
{
	if (l < 1)
		l = 1;
	if (l > a->max)
		l = a->max;
	if (l == a->limit)
		return;
#ifdef ADAPTIVE_TRACE
	fprintf(stderr, "t=%.2f %d -> %d best %.1fms\n", now / 1e9, a->limit, l, a->best_ns / 1e6);
#endif
	a->limit = l;
	a->changed_ns = now;
	if (l < a->lowest)
		a->lowest = l;
	if (l > a->highest)
		a->highest = l;
	open_window(a, now);
}

void adaptive_init(struct adaptive *a, int max, int64_t now)
{
	*a = (struct adaptive){ .max = max < 1 ? 1 : max, .limit = 1,
				.slow_start = true, .changed_ns = now,
				.lowest = 1, .highest = 1 };
	open_window(a, now);
}

void adaptive_started(struct adaptive *a, int inflight, int64_t now)
{
	(void)now;
	if (inflight >= a->limit)
		a->win_full = true;
}

/* The window is complete at NOW: compare, then move or hold the limit. */
static void close_window(struct adaptive *a, int64_t now)
{
	double mean = a->win_sum_ns / a->nwin, r;
	double span = (double)(now - a->win_start_ns);
	double rate = span > 0 ? a->nwin / span : 0;
	bool rate_ok = a->prev_rate == 0 ||
		       rate >= a->prev_rate * (1 - ADAPTIVE_RATE_DROP);

	a->prev_rate = rate;
	if (a->best_ns == 0 || a->limit == 1)
		a->best_ns = mean;      /* at 1 nothing of ours can queue */
	else if (mean < a->best_ns)
		/* Halfway down: one lucky window is not the best there is. */
		a->best_ns += (mean - a->best_ns) / 2;
	else
		a->best_ns += (mean - a->best_ns) / ADAPTIVE_FORGET;
	r = mean / a->best_ns;
	if (r > ADAPTIVE_HIGH && a->limit > 1) {
		int l = (int)ceil(a->limit / r);

		if (l >= a->limit)
			l = a->limit - 1;
		a->slow_start = false;
		a->downs_latency++;
		set_limit(a, l, now);
		return;
	}
	if (r <= ADAPTIVE_LOW && a->win_full && rate_ok &&
	    a->limit < a->max) {
		a->ups++;
		set_limit(a, a->slow_start ? 2 * a->limit : a->limit + 1, now);
		return;
	}
	open_window(a, now);
}

int adaptive_sample(struct adaptive *a, int64_t start, int64_t end,
		    enum adaptive_outcome outcome)
{
	/* Started under another limit: it says nothing about this one. */
	if (start < a->changed_ns)
		return a->limit;
	if (outcome == ADAPTIVE_OVERLOAD) {
		a->slow_start = false;
		/* The rate falls with the limit: no guard against that. */
		a->prev_rate = 0;
		if (a->limit > 1) {
			a->downs_overload++;
			set_limit(a, a->limit / 2, end);
		} else {
			/* Already at 1: still, stale samples from here on. */
			a->changed_ns = end;
			open_window(a, end);
		}
		return a->limit;
	}
	if (outcome != ADAPTIVE_OK)
		return a->limit;
	a->nwin++;
	a->win_sum_ns += (double)(end - start);
	if (a->nwin >= window(a->limit))
		close_window(a, end);
	return a->limit;
}

void adaptive_set_max(struct adaptive *a, int max, int64_t now)
{
	a->max = max < 1 ? 1 : max;
	if (a->limit > a->max)
		set_limit(a, a->max, now);
}
