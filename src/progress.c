/*
 * progress.c - the progress line (see progress.h): what it says and when it
 * is redrawn; term.c puts it on the screen.
 *
 * The thread sleeps in poll(2) on its own stop pipe and on the run's stop
 * fd (runstate.h), which becomes readable (and stays so: nobody reads it)
 * once the run stops starting jobs; so a cancel erases the line at once,
 * before main prints its summary. Counters are read without stopping
 * anyone: the line is a glance, not an account.
 */
#define _DEFAULT_SOURCE
#include "progress.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"
#include "inflight.h"
#include "scheduler.h"
#include "stats.h"
#include "tally.h"
#include "term.h"
#include "util.h"

#define TICK_MS 100
#define LINE_MAX_LEN 512

static struct {
	struct gate *gate;
	struct sched *sched;
	int run_stop_fd;        /* readable once the run stops starting jobs */
	pthread_t thread;
	int stop_rfd, stop_wfd;
	_Atomic bool active;    /* the thread runs */
} progress = { .stop_rfd = -1, .stop_wfd = -1 };

/* "1:05" for 65 s, "1:01:05" past the hour. */
static void fmt_eta(char *buf, size_t n, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* Compose the line into BUF (at most N bytes with the NUL). */
static void compose(char *buf, size_t n)
{
	struct tally_snap t;
	uint64_t done, total, failed;
	double rate;
	bool closed = sched_input_closed(progress.sched);
	struct gate_snap g;
	struct inflight_snap lim;
	size_t len = 0;
	char eta[32], dur[32];

	tally_snapshot(&t);
	gate_snapshot(progress.gate, &g);
	inflight_snapshot(&lim);
	done = t.done;
	total = t.n[TALLY_READ];
	failed = t.n[TALLY_FAILED];
	rate = t.wall_ns > 0 ? (double)done * NS_PER_SEC / (double)t.wall_ns : 0;

#define ADD(...) do { \
	if (len < n) { \
		int k_ = snprintf(buf + len, n - len, __VA_ARGS__); \
		if (k_ > 0) \
			len += (size_t)k_; \
	} \
} while (0)

	ADD("[%llu/%llu%s", (unsigned long long)done,
	    (unsigned long long)total, closed ? "" : "+");
	if (closed && total)
		ADD(" %d%%", (int)(done * 100 / total));
	ADD("] %d running, %llu failed, %.1f/s", t.running,
	    (unsigned long long)failed, rate);
	if (closed && rate > 0 && total >= done) {
		fmt_eta(eta, sizeof eta, (double)(total - done) / rate);
		ADD(", ETA %s", eta);
	} else {
		ADD(", ETA ?");
	}
	if (lim.on)
		ADD(", limit %d/%d", lim.limit, lim.max);
	if (g.use_breaker)
		ADD(", breaker %s", breaker_state_name(g.breaker));
	if (g.use_rate)
		ADD(", rate wait %s",
		    fmt_duration(dur, sizeof dur, g.rate_wait_ns, DUR_ROUGH));
#undef ADD
}

static void draw(void)
{
	char line[LINE_MAX_LEN];

	compose(line, sizeof line);
	term_draw(line, strlen(line));
}

static void *progress_main(void *arg)
{
	struct pollfd p[2] = {
		{ .fd = progress.stop_rfd, .events = POLLIN },
		{ .fd = progress.run_stop_fd, .events = POLLIN },
	};
	/* Only this thread draws: once quiet, the line is gone for good. */
	bool quiet = false;

	(void)arg;
	for (;;) {
		if (!quiet)
			draw();
		if (poll(p, 2, TICK_MS) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents) {
			/* It stays readable: stop watching it. */
			p[1].fd = -1;
			term_erase();
			quiet = true;
		}
	}
	return NULL;
}

void progress_start(struct gate *g, struct sched *s, int run_stop_fd)
{
	int fds[2];

	if (!term_start())
		return;
	if (pipe_cloexec(fds) < 0) {
		term_stop();
		warning_errno("cannot show progress");
		return;
	}
	progress.gate = g;
	progress.sched = s;
	progress.run_stop_fd = run_stop_fd;
	progress.stop_rfd = fds[0];
	progress.stop_wfd = fds[1];
	/* Signals stay blocked: the thread inherits the caller's mask. */
	if (thread_start(&progress.thread, 0, progress_main, NULL) < 0) {
		term_stop();
		warning_errno("cannot show progress");
		close(fds[0]);
		close(fds[1]);
		return;
	}
	atomic_store(&progress.active, true);
}

void progress_stop(void)
{
	if (!atomic_load(&progress.active))
		return;
	(void)write(progress.stop_wfd, "x", 1);
	pthread_join(progress.thread, NULL);
	atomic_store(&progress.active, false);
	term_stop();
	close(progress.stop_rfd);
	close(progress.stop_wfd);
}
