/*
 * report.c - dispatching finished attempts to the job log, the JSON log and
 * the statistics, and running the progress line (see report.h).
 *
 * There is one run per process, so the state lives here rather than in
 * struct runner. Workers call report_attempt() concurrently: the logs have
 * their own locks, the statistics take ST.mu for a few additions.
 */
#include "report.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "joblog.h"
#include "jsonlog.h"
#include "progress.h"
#include "run.h"
#include "stats.h"
#include "util.h"

static struct jsonlog *json;

static struct {
	pthread_mutex_t mu;
	struct stats_hist runtime;      /* attempts that started */
	uint64_t attempts;
	bool use_breaker;               /* the gate has a breaker */
	bool breaker_open;              /* not closed, last we looked */
	int64_t breaker_since;          /* when it left closed */
	int64_t breaker_open_ns;        /* total time not closed */
} ST = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Account for the breaker being closed or not at NOW (under ST.mu). */
static void breaker_seen(bool open, int64_t now)
{
	if (open && !ST.breaker_open)
		ST.breaker_since = now;
	else if (!open && ST.breaker_open)
		ST.breaker_open_ns += now - ST.breaker_since;
	ST.breaker_open = open;
}

static bool breaker_is_open(struct runner *r)
{
	struct gate_snap g;

	/* Without a breaker, spare every attempt a trip through the gate. */
	if (!ST.use_breaker)
		return false;
	gate_snapshot(&r->gate, &g);
	return g.breaker != BREAKER_CLOSED;
}

void report_init(struct runner *r)
{
	const struct opts *o = r->o;
	struct gate_snap g;

	if (o->json_log)
		json = jsonlog_open(o->json_log);
	gate_snapshot(&r->gate, &g);
	ST.use_breaker = g.use_breaker;
	stats_hist_init(&ST.runtime);
	ST.attempts = 0;
	ST.breaker_open = false;
	ST.breaker_open_ns = 0;
	if (o->progress)
		progress_start(r);
}

void report_attempt(struct runner *r, const struct attempt *a)
{
	/*
	 * Every change of the breaker between closed and not closed comes
	 * with the end of an attempt, which reports right after it.
	 */
	bool open = breaker_is_open(r);

	if (r->joblog)
		joblog_write(r->joblog, a);
	if (json)
		jsonlog_write(json, a);
	pthread_mutex_lock(&ST.mu);
	ST.attempts++;
	if (!a->not_started)
		stats_hist_add(&ST.runtime, a->end_ns - a->start_ns);
	breaker_seen(open, a->end_ns);
	pthread_mutex_unlock(&ST.mu);
}

/* --stats: the closing summary on stderr. */
static void print_stats(struct runner *r)
{
	uint64_t ok = atomic_load(&r->succeeded);
	uint64_t failed = atomic_load(&r->failed);
	uint64_t cancelled = atomic_load(&r->cancelled);
	uint64_t read = atomic_load(&r->read);
	uint64_t skipped = atomic_load(&r->skipped);
	uint64_t done = ok + failed + cancelled;
	int64_t now = now_ns(), wall = now - r->start_ns;
	struct gate_snap g;
	char d[4][32];

	gate_snapshot(&r->gate, &g);
	pthread_mutex_lock(&ST.mu);
	breaker_seen(g.breaker != BREAKER_CLOSED, now);
	warnx("stats: %llu jobs: %llu ok, %llu failed (%llu timed out), "
	      "%llu cancelled, %llu never started, %llu skipped; %llu retries",
	      (unsigned long long)(read + skipped), (unsigned long long)ok,
	      (unsigned long long)failed,
	      (unsigned long long)atomic_load(&r->timed_out),
	      (unsigned long long)cancelled,
	      (unsigned long long)(read > done ? read - done : 0),
	      (unsigned long long)skipped,
	      (unsigned long long)atomic_load(&r->retried));
	warnx("stats: wall %s, %.2f jobs/s, %llu attempts",
	      stats_fmt_duration(d[0], sizeof d[0], wall),
	      wall > 0 ? (double)done * NS_PER_SEC / (double)wall : 0.0,
	      (unsigned long long)ST.attempts);
	if (ST.runtime.count)
		warnx("stats: job runtime p50 %s, p90 %s, p99 %s, max %s",
		      stats_fmt_duration(d[0], sizeof d[0],
					 stats_hist_quantile(&ST.runtime, 0.50)),
		      stats_fmt_duration(d[1], sizeof d[1],
					 stats_hist_quantile(&ST.runtime, 0.90)),
		      stats_fmt_duration(d[2], sizeof d[2],
					 stats_hist_quantile(&ST.runtime, 0.99)),
		      stats_fmt_duration(d[3], sizeof d[3], ST.runtime.max_ns));
	else
		warnx("stats: job runtime: no job ran");
	warnx("stats: waited %s on the rate limit (all workers), "
	      "breaker open %s (%llu trips)",
	      stats_fmt_duration(d[0], sizeof d[0], g.rate_wait_ns),
	      stats_fmt_duration(d[1], sizeof d[1], ST.breaker_open_ns),
	      (unsigned long long)g.trips);
	pthread_mutex_unlock(&ST.mu);
}

void report_finish(struct runner *r)
{
	progress_stop();
	if (r->o->stats)
		print_stats(r);
	joblog_close(r->joblog);
	r->joblog = NULL;
	jsonlog_close(json);
	json = NULL;
}

bool report_wants_cmdline(const struct runner *r)
{
	return r->joblog != NULL || r->o->json_log != NULL;
}
