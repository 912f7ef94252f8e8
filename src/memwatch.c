/*
 * memwatch.c - --memfree's watcher thread (see memwatch.h).
 */
#include "memwatch.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "cost.h"
#include "loadgate.h"
#include "runstate.h"
#include "spawn.h"
#include "util.h"

#define LOOK_MS 500
#define NEVER INT64_MAX

static atomic_bool on;

/* The jobs running, under mu; the rest is set once before the workers. */
static struct {
	pthread_mutex_t mu;
	uint64_t size;                  /* --memfree, bytes */
	int64_t grace_ns;               /* --kill-after */
	int n;                          /* worker slots */
	uint64_t *started;              /* per slot: when its job started
					   (monotonic ns); 0: none */
	pid_t *pid;                     /* per slot: its job's group */
	int victim;                     /* the slot stopped, until reaped; -1 */
	int64_t victim_mem;             /* the memory available then */
	int64_t kill_ns;                /* when it gets SIGKILL; NEVER: sent */
	int wake[2];                    /* memwatch_stop() writes here */
	pthread_t thread;
} mw = { .mu = PTHREAD_MUTEX_INITIALIZER, .victim = -1,
	 .wake = { -1, -1 } };

/* Act once: SIGKILL a stopped job whose grace is over, or stop another. */
static void look(void)
{
	/* Read before the lock: the workers' begin and end do not wait on it. */
	int64_t mem = loadgate_memavail();
	int64_t now = now_ns();
	int v;

	pthread_mutex_lock(&mw.mu);
	if (mw.victim >= 0 && now >= mw.kill_ns) {
		spawn_kill_tree(mw.pid[mw.victim], SIGKILL);
		mw.kill_ns = NEVER;
	}
	/* A job stopped as the run stops would not run again: none then. */
	if (runstate_get() == RS_RUNNING &&
	    (v = loadgate_victim(mw.size, mem, mw.started, mw.n,
				 mw.victim >= 0)) >= 0) {
		mw.victim = v;
		mw.victim_mem = mem;
		mw.kill_ns = now + mw.grace_ns;
		spawn_kill_tree(mw.pid[v], SIGTERM);
	}
	pthread_mutex_unlock(&mw.mu);
}

/* Milliseconds until the next look: twice a second, or a SIGKILL due. */
static int next_ms(void)
{
	int64_t ms = LOOK_MS;

	pthread_mutex_lock(&mw.mu);
	if (mw.victim >= 0 && mw.kill_ns != NEVER) {
		int64_t d = (mw.kill_ns - now_ns() + NS_PER_MS - 1) / NS_PER_MS;

		if (d < ms)
			ms = d < 0 ? 0 : d;
	}
	pthread_mutex_unlock(&mw.mu);
	return (int)ms;
}

static void *watch(void *arg)
{
	struct pollfd p = { .fd = mw.wake[0], .events = POLLIN };
	int r;

	(void)arg;
	while ((r = poll(&p, 1, next_ms())) <= 0) {
		if (r < 0 && errno != EINTR)
			die_errno(EXIT_FATAL, "cannot watch --memfree");
		look();
	}
	return NULL;
}

void memwatch_start(uint64_t size, int nslots, int64_t grace_ns)
{
	int err;

	if (!size)
		return;
	mw.size = size;
	mw.grace_ns = grace_ns;
	mw.n = nslots;
	mw.started = xcalloc((size_t)nslots, sizeof *mw.started);
	mw.pid = xcalloc((size_t)nslots, sizeof *mw.pid);
	if (pipe_cloexec(mw.wake) < 0)
		die_errno(EXIT_FATAL, "cannot watch --memfree");
	if ((err = pthread_create(&mw.thread, NULL, watch, NULL)) != 0) {
		errno = err;
		die_errno(EXIT_FATAL, "cannot watch --memfree");
	}
	atomic_store(&on, true);
}

void memwatch_stop(void)
{
	if (!atomic_load(&on))
		return;
	(void)write_all(mw.wake[1], "x", 1);
	pthread_join(mw.thread, NULL);
	close(mw.wake[0]);
	close(mw.wake[1]);
	free(mw.started);
	free(mw.pid);
	atomic_store(&on, false);
}

bool memwatch_on(void)
{
	return atomic_load(&on);
}

void memwatch_begin(int slot, pid_t pid, int64_t start_ns)
{
	if (!atomic_load(&on) || slot >= mw.n)
		return;
	pthread_mutex_lock(&mw.mu);
	/* Not 0, which is "none"; ties between slots cannot matter. */
	mw.started[slot] = start_ns > 0 ? (uint64_t)start_ns : 1;
	mw.pid[slot] = pid;
	pthread_mutex_unlock(&mw.mu);
}

bool memwatch_end(int slot, int64_t *mem)
{
	bool stopped;

	if (!atomic_load(&on) || slot >= mw.n)
		return false;
	pthread_mutex_lock(&mw.mu);
	mw.started[slot] = 0;
	mw.pid[slot] = 0;
	stopped = mw.victim == slot;
	if (stopped) {
		*mem = mw.victim_mem;
		mw.victim = -1;
	}
	pthread_mutex_unlock(&mw.mu);
	return stopped;
}

void memwatch_say(uint64_t seq, int64_t mem)
{
	char have[32], want[32];

	warning("job %llu: stopped and queued again: memory available %s "
		"< half of --memfree %s", (unsigned long long)seq,
		cost_fmt_bytes(have, sizeof have, (uint64_t)mem),
		cost_fmt_bytes(want, sizeof want, mw.size));
}
