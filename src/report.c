/*
 * report.c - dispatching finished attempts to the job log, the JSON log and
 * the statistics (see report.h).
 *
 * There is one run per process, so the state lives here. Workers call
 * report_attempt() concurrently: the logs have their own locks, the
 * statistics take report.mu for a few additions. The gate's figures come from
 * gate_snapshot(), the counters from tally_snapshot().
 */
#include "report.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cost.h"
#include "gate.h"
#include "inflight.h"
#include "joblog.h"
#include "jsonlog.h"
#include "stats.h"
#include "tally.h"
#include "util.h"

static struct jsonlog *json;
static struct joblog *joblog;
static struct gate *gate;
static bool want_stats, want_cmdline;

static struct {
	pthread_mutex_t mu;
	struct stats_hist runtime;      /* attempts that started */
	struct costsum cost;            /* what they cost */
	uint64_t attempts;
	bool use_breaker;               /* the gate has a breaker */
	bool breaker_open;              /* not closed, last we looked */
	int64_t breaker_since;          /* when it left closed */
	int64_t breaker_open_ns;        /* total time not closed */
} report = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Account for the breaker being closed or not at NOW (under report.mu). */
static void breaker_seen(bool open, int64_t now)
{
	if (open && !report.breaker_open)
		report.breaker_since = now;
	else if (!open && report.breaker_open)
		report.breaker_open_ns += now - report.breaker_since;
	report.breaker_open = open;
}

static bool breaker_is_open(void)
{
	struct gate_snap g;

	/* Without a breaker, spare every attempt a trip through the gate. */
	if (!report.use_breaker)
		return false;
	gate_snapshot(gate, &g);
	return g.breaker != BREAKER_CLOSED;
}

void report_init(const struct report_conf *c)
{
	struct gate_snap g;

	joblog = c->joblog;
	gate = c->gate;
	want_stats = c->stats;
	/* --stats names the costliest jobs by their command. */
	want_cmdline = c->joblog != NULL || c->json_log != NULL || c->stats;
	json = c->json_log ? jsonlog_open(c->json_log) : NULL;
	gate_snapshot(gate, &g);
	report.use_breaker = g.use_breaker;
	stats_hist_init(&report.runtime);
	costsum_init(&report.cost);
	report.attempts = 0;
	report.breaker_open = false;
	report.breaker_open_ns = 0;
}

void report_attempt(const struct attempt *a)
{
	/*
	 * Every change of the breaker between closed and not closed comes
	 * with the end of an attempt, which reports right after it.
	 */
	bool open = breaker_is_open();

	if (joblog)
		joblog_write(joblog, a);
	if (json)
		jsonlog_write(json, a);
	pthread_mutex_lock(&report.mu);
	report.attempts++;
	if (!a->not_started)
		stats_hist_add(&report.runtime, a->end_ns - a->start_ns);
	if (want_stats)
		costsum_add(&report.cost, a->job->seq, a->job->attempt + 1,
			    &a->cost, a->bytes_out, a->bytes_err, a->cmdline);
	breaker_seen(open, a->end_ns);
	pthread_mutex_unlock(&report.mu);
}

/* One line of a top list: job, its cost, its command. */
static void print_top(const char *what, int rank, const struct cost_top *t)
{
	char cpu[32], rss[32], out[32], att[32] = "";

	if (t->attempt > 1)
		snprintf(att, sizeof att, " (attempt %d)", t->attempt);
	warning("stats: top %s %d: job %llu%s: %s CPU, %s peak RSS, %s out: %s",
	      what, rank, (unsigned long long)t->seq, att,
	      fmt_duration(cpu, sizeof cpu, cost_cpu_ns(&t->cost), DUR_ROUGH),
	      cost_fmt_kib(rss, sizeof rss, t->cost.maxrss_kib),
	      cost_fmt_bytes(out, sizeof out, t->bytes_out),
	      t->cmdline ? t->cmdline : "?");
}

/* --stats: what the jobs cost (under report.mu). */
static void print_cost(const struct costsum *s)
{
	char d[6][32];

	warning("stats: cost: CPU %s user, %s system; %llu voluntary, "
	      "%llu involuntary context switches; output %s stdout, %s stderr",
	      fmt_duration(d[0], sizeof d[0], s->user_ns, DUR_ROUGH),
	      fmt_duration(d[1], sizeof d[1], s->sys_ns, DUR_ROUGH),
	      (unsigned long long)s->vcsw, (unsigned long long)s->ivcsw,
	      cost_fmt_bytes(d[2], sizeof d[2], s->bytes_out),
	      cost_fmt_bytes(d[3], sizeof d[3], s->bytes_err));
	if (!s->n)
		return;
	for (int i = 0; i < 3; i++)
		fmt_duration(d[i], sizeof d[i],
			     costsum_cpu_quantile(s, i == 0 ? .5 : i == 1 ? .9 : 1),
			     DUR_ROUGH);
	warning("stats: job CPU p50 %s, p90 %s, max %s; "
	      "peak RSS p50 %s, p90 %s, max %s", d[0], d[1], d[2],
	      cost_fmt_kib(d[3], sizeof d[3], costsum_rss_quantile(s, .5)),
	      cost_fmt_kib(d[4], sizeof d[4], costsum_rss_quantile(s, .9)),
	      cost_fmt_kib(d[5], sizeof d[5], costsum_rss_quantile(s, 1)));
	for (int i = 0; i < s->nby_cpu; i++)
		print_top("CPU", i + 1, &s->by_cpu[i]);
	for (int i = 0; i < s->nby_rss; i++)
		print_top("memory", i + 1, &s->by_rss[i]);
}

/* --stats: where -j auto's limit went. */
static void print_limit(void)
{
	struct inflight_snap s;

	inflight_snapshot(&s);
	if (!s.on)
		return;
	warning("stats: -j auto: limit %d of MAX %d at the end, %d to %d; "
	      "%llu increases, %llu decreases on latency, %llu on overload",
	      s.limit, s.max, s.lowest, s.highest, (unsigned long long)s.ups,
	      (unsigned long long)s.downs_latency,
	      (unsigned long long)s.downs_overload);
}

/* --stats: the closing summary on stderr. */
static void print_stats(void)
{
	struct tally_snap t;
	struct gate_snap g;
	char d[4][32];

	tally_snapshot(&t);
	gate_snapshot(gate, &g);
	pthread_mutex_lock(&report.mu);
	breaker_seen(g.breaker != BREAKER_CLOSED, now_ns());
	warning("stats: %llu jobs: %llu ok, %llu failed (%llu timed out), "
	      "%llu cancelled, %llu never started, %llu skipped; %llu retries",
	      (unsigned long long)(t.n[TALLY_READ] + t.n[TALLY_SKIPPED]),
	      (unsigned long long)t.n[TALLY_SUCCEEDED],
	      (unsigned long long)t.n[TALLY_FAILED],
	      (unsigned long long)t.n[TALLY_TIMED_OUT],
	      (unsigned long long)t.n[TALLY_CANCELLED],
	      (unsigned long long)t.unstarted,
	      (unsigned long long)t.n[TALLY_SKIPPED],
	      (unsigned long long)t.n[TALLY_RETRIED]);
	if (t.n[TALLY_MEM_STOPPED] + t.n[TALLY_HOST_LOST])
		warning("stats: %llu attempts stopped and run again: %llu by "
			"--memfree, %llu with their host lost",
			(unsigned long long)(t.n[TALLY_MEM_STOPPED] +
					     t.n[TALLY_HOST_LOST]),
			(unsigned long long)t.n[TALLY_MEM_STOPPED],
			(unsigned long long)t.n[TALLY_HOST_LOST]);
	warning("stats: wall %s, %.2f jobs/s, %llu attempts",
	      fmt_duration(d[0], sizeof d[0], t.wall_ns, DUR_ROUGH),
	      t.wall_ns > 0 ? (double)t.done * NS_PER_SEC / (double)t.wall_ns
			    : 0.0,
	      (unsigned long long)report.attempts);
	if (report.runtime.count) {
		static const double q[3] = { 0.50, 0.90, 0.99 };

		for (int i = 0; i < 3; i++)
			fmt_duration(d[i], sizeof d[i],
				     stats_hist_quantile(&report.runtime, q[i]),
				     DUR_ROUGH);
		fmt_duration(d[3], sizeof d[3], report.runtime.max_ns,
			     DUR_ROUGH);
		warning("stats: job runtime p50 %s, p90 %s, p99 %s, max %s",
			d[0], d[1], d[2], d[3]);
	} else {
		warning("stats: job runtime: no job ran");
	}
	warning("stats: waited %s on the rate limit (all workers), "
	      "breaker open %s (%llu trips)",
	      fmt_duration(d[0], sizeof d[0], g.rate_wait_ns, DUR_ROUGH),
	      fmt_duration(d[1], sizeof d[1], report.breaker_open_ns,
			   DUR_ROUGH),
	      (unsigned long long)g.trips);
	print_cost(&report.cost);
	pthread_mutex_unlock(&report.mu);
	print_limit();
}

void report_finish(void)
{
	if (want_stats)
		print_stats();
	costsum_release(&report.cost);
	joblog_close(joblog);
	joblog = NULL;
	jsonlog_close(json);
	json = NULL;
}

bool report_wants_cmdline(void)
{
	return want_cmdline;
}
