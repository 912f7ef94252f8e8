/*
 * throttle.c - fewer jobs at once when the machine runs short (throttle.h).
 *
 * A counter of running jobs and a cap, under one mutex; a condition
 * variable wakes the jobs waiting for a place. The cap only goes down: a
 * limit that was hit once will be hit again (GNU parallel, too, keeps the
 * lower number of jobs once it has found its file handles short).
 *
 * The waits are timed (WAIT_MAX_NS at most) so that a stopped run is seen
 * without another wake-up channel, and so that a shortage caused outside
 * fanout (another program's processes under the same ulimit -u) is tried
 * again even when no job of ours ends.
 */
#include "throttle.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "runstate.h"
#include "util.h"

#define WAIT_MAX_NS (200 * NS_PER_MS)
#define BACKOFF_MIN_NS (5 * NS_PER_MS)
#define BACKOFF_MAX_NS (500 * NS_PER_MS)

static struct {
	pthread_once_t once;
	pthread_mutex_t mu;
	pthread_cond_t freed;           /* a place was given back */
	int running;                    /* jobs let in, not yet left */
	int cap;                        /* at most this many at once */
	uint64_t ended;                 /* jobs that left: a change to wait for */
	int64_t starved_since;          /* 0, or since when nothing could run */
	bool said[3];                   /* the warning for each kind, once */
	void (*on_lower)(int cap);
} TH = { .once = PTHREAD_ONCE_INIT, .mu = PTHREAD_MUTEX_INITIALIZER,
	 .cap = INT_MAX };

/* The condition variable waits on the monotonic clock, as now_ns() reads. */
static void init_cond(void)
{
	mono_cond_init(&TH.freed);
}

/* Under mu: wait for a place to be freed, at most until DEADLINE. */
static void wait_until(int64_t deadline)
{
	pthread_once(&TH.once, init_cond);
	mono_cond_wait(&TH.freed, &TH.mu, deadline);
}

/* How long to wait before starting again after ELAPSED of failed starts. */
static int64_t backoff(int64_t elapsed)
{
	int64_t d = BACKOFF_MIN_NS + elapsed / 8;

	return d < BACKOFF_MAX_NS ? d : BACKOFF_MAX_NS;
}

enum throttle_kind throttle_kind_of(int err)
{
	switch (err) {
	case EMFILE:
	case ENFILE:
		return THROTTLE_FDS;
	case EAGAIN:
		return THROTTLE_PROCS;
	default:
		return THROTTLE_NONE;
	}
}

bool throttle_enter(void)
{
	bool ok;

	pthread_mutex_lock(&TH.mu);
	while (TH.running >= TH.cap && runstate_get() == RS_RUNNING)
		wait_until(now_ns() + WAIT_MAX_NS);
	ok = runstate_get() == RS_RUNNING;
	if (ok)
		TH.running++;
	pthread_mutex_unlock(&TH.mu);
	return ok;
}

void throttle_leave(void)
{
	pthread_mutex_lock(&TH.mu);
	TH.running--;
	TH.ended++;
	TH.starved_since = 0;
	pthread_once(&TH.once, init_cond);
	pthread_cond_broadcast(&TH.freed);
	pthread_mutex_unlock(&TH.mu);
}

/*
 * Under mu: the cap drops to the jobs still running; said once a kind.
 * True if it dropped.
 */
static bool lower_cap(enum throttle_kind kind, int err)
{
	static const char *const what[] = {
		[THROTTLE_FDS] = "open files", [THROTTLE_PROCS] = "processes",
	};
	int cap = TH.running > 0 ? TH.running : 1;

	if (cap >= TH.cap)
		return false;
	TH.cap = cap;
	if (!TH.said[kind]) {
		TH.said[kind] = true;
		warning("too few %s (%s): running at most %d job%s at once",
			what[kind], strerror(err), cap, cap == 1 ? "" : "s");
	}
	return true;
}

void throttle_on_lower(void (*fn)(int cap))
{
	TH.on_lower = fn;
}

enum throttle_next throttle_short(enum throttle_kind kind, int err)
{
	enum throttle_next next = THROTTLE_RETRY;
	int64_t now = now_ns();
	int cap;

	pthread_mutex_lock(&TH.mu);
	TH.running--;
	cap = lower_cap(kind, err) ? TH.cap : 0;
	if (cap && TH.on_lower) {
		/* Outside our lock: the hook takes its own. */
		pthread_mutex_unlock(&TH.mu);
		TH.on_lower(cap);
		pthread_mutex_lock(&TH.mu);
	}
	if (TH.running > 0) {
		/* One of ours holds what we lack: wait for one to end. */
		uint64_t ended = TH.ended;
		int64_t deadline = now + WAIT_MAX_NS;

		while (TH.ended == ended && runstate_get() == RS_RUNNING &&
		       now_ns() < deadline)
			wait_until(deadline);
	} else {
		/* Nothing of ours runs: what we lack is held elsewhere. */
		if (!TH.starved_since)
			TH.starved_since = now;
		if (now - TH.starved_since >= THROTTLE_GIVE_UP_NS)
			next = THROTTLE_GIVE_UP;
		else
			wait_until(now + backoff(now - TH.starved_since));
	}
	if (next == THROTTLE_RETRY && runstate_get() != RS_RUNNING)
		next = THROTTLE_STOPPED;
	pthread_mutex_unlock(&TH.mu);
	return next;
}

int throttle_cap(void)
{
	int cap;

	pthread_mutex_lock(&TH.mu);
	cap = TH.cap;
	pthread_mutex_unlock(&TH.mu);
	return cap;
}
