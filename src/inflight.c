/*
 * inflight.c - the -j auto limit on jobs in flight (see inflight.h).
 *
 * Waiters sleep on a condition variable, woken when a job gives its room
 * back, when the limit or MAX rises, and when the run stops: nothing polls.
 * The time passed to the state machine is the monotonic clock of the
 * attempt's own start and end, so a sample is the job's runtime.
 */
#include "inflight.h"

#include <pthread.h>
#include <stdatomic.h>

#include "adaptive.h"
#include "outcome.h"
#include "util.h"

static struct {
	atomic_bool on;
	pthread_mutex_t mu;
	pthread_cond_t room;
	struct adaptive a;      /* under mu */
	int running;            /* under mu: jobs holding room */
	bool closed;            /* under mu */
	uint64_t overload[4];   /* exit statuses that mean overload */
} IF = { .mu = PTHREAD_MUTEX_INITIALIZER, .room = PTHREAD_COND_INITIALIZER };

void inflight_init(int max, const uint64_t overload[4])
{
	if (max <= 0)
		return;
	adaptive_init(&IF.a, max, now_ns());
	for (int i = 0; i < 4; i++)
		IF.overload[i] = overload[i];
	atomic_store(&IF.on, true);
}

bool inflight_acquire(void)
{
	bool ok;

	if (!atomic_load(&IF.on))
		return true;
	pthread_mutex_lock(&IF.mu);
	while (!IF.closed && IF.running >= IF.a.limit)
		pthread_cond_wait(&IF.room, &IF.mu);
	ok = !IF.closed;
	if (ok) {
		IF.running++;
		adaptive_started(&IF.a, IF.running, now_ns());
	}
	pthread_mutex_unlock(&IF.mu);
	return ok;
}

/* What attempt A tells the limit. */
static enum adaptive_outcome outcome(const struct attempt *a)
{
	int st = a->exit_code;

	if (a->timed_out ||
	    (st > 0 && st < 256 && (IF.overload[st / 64] >> (st % 64)) & 1))
		return ADAPTIVE_OVERLOAD;
	return attempt_ok(a) ? ADAPTIVE_OK : ADAPTIVE_FAILED;
}

void inflight_release(struct attempt *a)
{
	if (!atomic_load(&IF.on))
		return;
	pthread_mutex_lock(&IF.mu);
	IF.running--;
	if (a) {
		/* A cancelled job ended early: its runtime is no sample. */
		if (!a->cancelled)
			adaptive_sample(&IF.a, a->start_ns, a->end_ns,
					outcome(a));
		a->limit = IF.a.limit;
	}
	pthread_mutex_unlock(&IF.mu);
	/* The limit may have risen by more than one. */
	pthread_cond_broadcast(&IF.room);
}

void inflight_close(void)
{
	pthread_mutex_lock(&IF.mu);
	IF.closed = true;
	pthread_mutex_unlock(&IF.mu);
	pthread_cond_broadcast(&IF.room);
}

bool inflight_move_max(int delta)
{
	if (!atomic_load(&IF.on))
		return false;
	pthread_mutex_lock(&IF.mu);
	adaptive_set_max(&IF.a, IF.a.max + delta, now_ns());
	pthread_mutex_unlock(&IF.mu);
	pthread_cond_broadcast(&IF.room);
	return true;
}

void inflight_snapshot(struct inflight_snap *s)
{
	*s = (struct inflight_snap){ .on = atomic_load(&IF.on) };
	if (!s->on)
		return;
	pthread_mutex_lock(&IF.mu);
	s->limit = IF.a.limit;
	s->max = IF.a.max;
	s->running = IF.running;
	s->lowest = IF.a.lowest;
	s->highest = IF.a.highest;
	s->ups = IF.a.ups;
	s->downs_latency = IF.a.downs_latency;
	s->downs_overload = IF.a.downs_overload;
	pthread_mutex_unlock(&IF.mu);
}
