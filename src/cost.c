/*
 * cost.c - a job's cost and the run's summary of it (see cost.h).
 *
 * The quantiles reuse the duration histogram of stats.c: CPU goes in as the
 * nanoseconds it is, peak RSS as KiB scaled by 1000 (the histogram counts
 * microseconds), so both keep its 1/32 precision over any range. The top
 * lists are tiny sorted arrays: an entry is copied in only when it beats
 * the last one, so a long run copies few command lines.
 */
#include "cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "util.h"

static int64_t tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * NS_PER_SEC + (int64_t)tv->tv_usec * 1000;
}

void cost_from_rusage(struct cost *c, const struct rusage *ru)
{
	c->known = true;
	c->user_ns = tv_ns(&ru->ru_utime);
	c->sys_ns = tv_ns(&ru->ru_stime);
	/* Linux reports KiB (BSDs too; macOS would say bytes). */
	c->maxrss_kib = ru->ru_maxrss > 0 ? (uint64_t)ru->ru_maxrss : 0;
	c->vcsw = ru->ru_nvcsw > 0 ? (uint64_t)ru->ru_nvcsw : 0;
	c->ivcsw = ru->ru_nivcsw > 0 ? (uint64_t)ru->ru_nivcsw : 0;
}

void costsum_init(struct costsum *s)
{
	memset(s, 0, sizeof *s);
	stats_hist_init(&s->cpu);
	stats_hist_init(&s->rss);
}

static uint64_t by_cpu(const struct cost *c)
{
	return (uint64_t)cost_cpu_ns(c);
}

static uint64_t by_rss(const struct cost *c)
{
	return c->maxrss_kib;
}

/*
 * Offer E to the top list T of *N entries, highest KEY first; on a tie the
 * earlier job stays ahead. The command is copied only if E gets in.
 */
static void top_offer(struct cost_top *t, int *n, const struct cost_top *e,
		      uint64_t (*key)(const struct cost *))
{
	uint64_t k = key(&e->cost);
	int at = *n;

	while (at > 0 && key(&t[at - 1].cost) < k)
		at--;
	if (at >= COST_TOP)
		return;
	if (*n == COST_TOP)
		free(t[COST_TOP - 1].cmdline);
	else
		(*n)++;
	memmove(&t[at + 1], &t[at], (size_t)(*n - 1 - at) * sizeof *t);
	t[at] = *e;
	t[at].cmdline = e->cmdline ? xstrdup(e->cmdline) : NULL;
}

void costsum_add(struct costsum *s, uint64_t seq, int attempt,
		 const struct cost *c, uint64_t out, uint64_t err,
		 const char *cmdline)
{
	struct cost_top e = {
		.seq = seq, .attempt = attempt, .cost = *c,
		.bytes_out = out, .bytes_err = err, .cmdline = (char *)cmdline,
	};

	s->bytes_out += out;
	s->bytes_err += err;
	if (!c->known)
		return;
	s->n++;
	s->user_ns += c->user_ns;
	s->sys_ns += c->sys_ns;
	s->vcsw += c->vcsw;
	s->ivcsw += c->ivcsw;
	stats_hist_add(&s->cpu, cost_cpu_ns(c));
	stats_hist_add(&s->rss, (int64_t)c->maxrss_kib * 1000);
	top_offer(s->by_cpu, &s->nby_cpu, &e, by_cpu);
	top_offer(s->by_rss, &s->nby_rss, &e, by_rss);
}

int64_t costsum_cpu_quantile(const struct costsum *s, double q)
{
	return stats_hist_quantile(&s->cpu, q);
}

uint64_t costsum_rss_quantile(const struct costsum *s, double q)
{
	return (uint64_t)stats_hist_quantile(&s->rss, q) / 1000;
}

void costsum_release(struct costsum *s)
{
	for (int i = 0; i < s->nby_cpu; i++)
		free(s->by_cpu[i].cmdline);
	for (int i = 0; i < s->nby_rss; i++)
		free(s->by_rss[i].cmdline);
	s->nby_cpu = s->nby_rss = 0;
}

char *cost_fmt_bytes(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, n, "%lluB", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, v < 10 ? "%.2f%s" : v < 100 ? "%.1f%s" : "%.0f%s", v,
		 unit[u]);
	return buf;
}

char *cost_fmt_kib(char *buf, size_t n, uint64_t kib)
{
	return cost_fmt_bytes(buf, n, kib > UINT64_MAX / 1024 ? UINT64_MAX
							       : kib * 1024);
}
