/*
 * progress.c - the progress line (see progress.h).
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
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gate.h"
#include "scheduler.h"
#include "stats.h"
#include "tally.h"
#include "util.h"

#define TICK_MS 100
#define LINE_MAX_LEN 512

static struct {
	struct gate *gate;
	struct sched *sched;
	int run_stop_fd;        /* readable once the run stops starting jobs */
	pthread_t thread;
	int stop_rfd, stop_wfd;
	pthread_mutex_t mu;
	_Atomic bool active;    /* a thread runs: hide/show must look */
	int hidden;             /* hide() calls not yet shown */
	bool drawn;             /* the line is on the screen */
	bool mid_line;          /* someone left the cursor after a partial line */
	bool quiet;             /* the run stopped: draw no more */
} P = { .mu = PTHREAD_MUTEX_INITIALIZER, .stop_rfd = -1, .stop_wfd = -1 };

static const char erase[] = "\r\033[K";

/* Under P.mu. */
static void erase_line(void)
{
	if (P.drawn) {
		(void)write_all(STDERR_FILENO, erase, sizeof erase - 1);
		P.drawn = false;
	}
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

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
	bool closed = sched_input_closed(P.sched);
	struct gate_snap g;
	size_t len = 0;
	char eta[32], dur[32];

	tally_snapshot(&t);
	gate_snapshot(P.gate, &g);
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
	if (g.use_breaker)
		ADD(", breaker %s", breaker_state_name(g.breaker));
	if (g.use_rate)
		ADD(", rate wait %s",
		    stats_fmt_duration(dur, sizeof dur, g.rate_wait_ns));
#undef ADD
}

static void draw(void)
{
	char line[LINE_MAX_LEN], out[LINE_MAX_LEN + 16];
	int width = term_width();
	size_t len;

	compose(line, sizeof line);
	len = strlen(line);
	/* Never wrap: "\r" only goes back to the start of the last row. */
	if (width > 1 && len > (size_t)width - 1)
		len = (size_t)width - 1;
	memcpy(out, "\r", 1);
	memcpy(out + 1, line, len);
	memcpy(out + 1 + len, "\033[K", 3);
	pthread_mutex_lock(&P.mu);
	if (!P.quiet && P.hidden == 0) {
		if (P.mid_line)
			(void)write_all(STDERR_FILENO, "\n", 1);
		P.mid_line = false;
		(void)write_all(STDERR_FILENO, out, len + 4);
		P.drawn = true;
	}
	pthread_mutex_unlock(&P.mu);
}

/* The run stopped starting jobs: erase for good (main prints a summary). */
static void go_quiet(void)
{
	pthread_mutex_lock(&P.mu);
	erase_line();
	P.quiet = true;
	pthread_mutex_unlock(&P.mu);
}

static void *progress_main(void *arg)
{
	struct pollfd p[2] = {
		{ .fd = P.stop_rfd, .events = POLLIN },
		{ .fd = P.run_stop_fd, .events = POLLIN },
	};

	(void)arg;
	for (;;) {
		bool quiet;

		pthread_mutex_lock(&P.mu);
		quiet = P.quiet;
		pthread_mutex_unlock(&P.mu);
		if (!quiet)
			draw();
		if (poll(p, 2, TICK_MS) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents) {
			/* It stays readable: stop watching it. */
			p[1].fd = -1;
			go_quiet();
		}
	}
	return NULL;
}

void progress_start(struct gate *g, struct sched *s, int run_stop_fd)
{
	int fds[2], e;

	if (!isatty(STDERR_FILENO))
		return;
	if (pipe(fds) < 0) {
		warnerr("cannot show progress");
		return;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	P.gate = g;
	P.sched = s;
	P.run_stop_fd = run_stop_fd;
	P.stop_rfd = fds[0];
	P.stop_wfd = fds[1];
	P.hidden = 0;
	P.drawn = P.quiet = P.mid_line = false;
	/* Signals stay blocked: the thread inherits the caller's mask. */
	e = pthread_create(&P.thread, NULL, progress_main, NULL);
	if (e) {
		warnx("cannot show progress: %s", strerror(e));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	atomic_store(&P.active, true);
}

void progress_stop(void)
{
	if (!atomic_load(&P.active))
		return;
	(void)write(P.stop_wfd, "x", 1);
	pthread_join(P.thread, NULL);
	atomic_store(&P.active, false);
	pthread_mutex_lock(&P.mu);
	erase_line();
	pthread_mutex_unlock(&P.mu);
	close(P.stop_rfd);
	close(P.stop_wfd);
}

void progress_hide(void)
{
	if (!atomic_load(&P.active))
		return;
	pthread_mutex_lock(&P.mu);
	P.hidden++;
	erase_line();
	pthread_mutex_unlock(&P.mu);
}

void progress_show(bool at_line_start)
{
	if (!atomic_load(&P.active))
		return;
	pthread_mutex_lock(&P.mu);
	if (P.hidden > 0)
		P.hidden--;
	P.mid_line = !at_line_start;
	pthread_mutex_unlock(&P.mu);
}
