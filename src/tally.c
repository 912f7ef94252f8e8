/*
 * tally.c - the run's counters (see tally.h).
 *
 * Relaxed ordering would do for a glance, but the counters also decide the
 * exit status and --halt; sequentially consistent additions cost nothing
 * next to the process each one stands for.
 */
#include "tally.h"

#include <stdatomic.h>

#include "util.h"

static struct {
	_Atomic uint64_t n[TALLY_NCOUNTERS];
	_Atomic int running;
	int64_t start_ns;
} T;

void tally_init(void)
{
	for (int i = 0; i < TALLY_NCOUNTERS; i++)
		atomic_init(&T.n[i], 0);
	atomic_init(&T.running, 0);
	T.start_ns = now_ns();
}

void tally_add(enum tally_counter c)
{
	atomic_fetch_add(&T.n[c], 1);
}

void tally_undo(enum tally_counter c)
{
	atomic_fetch_sub(&T.n[c], 1);
}

uint64_t tally_get(enum tally_counter c)
{
	return atomic_load(&T.n[c]);
}

void tally_running(int delta)
{
	atomic_fetch_add(&T.running, delta);
}

void tally_snapshot(struct tally_snap *s)
{
	/*
	 * A job is read before it ends: reading how many ended before how
	 * many were read, a glance never shows more done than read.
	 */
	for (int i = 0; i < TALLY_NCOUNTERS; i++)
		if (i != TALLY_READ)
			s->n[i] = atomic_load(&T.n[i]);
	s->n[TALLY_READ] = atomic_load(&T.n[TALLY_READ]);
	s->running = atomic_load(&T.running);
	s->wall_ns = now_ns() - T.start_ns;
	s->done = s->n[TALLY_SUCCEEDED] + s->n[TALLY_FAILED] +
		  s->n[TALLY_CANCELLED];
	/*
	 * Read but never started: still queued, or dropped by a worker that
	 * was waiting at the gate when the run stopped. Input not yet read is
	 * not counted. (The reader takes a job back when the queue refuses
	 * it, so guard against a moment's negative count anyway.)
	 */
	s->unstarted = s->n[TALLY_READ] > s->done ? s->n[TALLY_READ] - s->done
						  : 0;
}

void tally_summary(const char *how)
{
	struct tally_snap s;

	tally_snapshot(&s);
	warning("%s: %llu done, %llu failed, %llu cancelled, %llu never started",
	      how, (unsigned long long)s.n[TALLY_SUCCEEDED],
	      (unsigned long long)s.n[TALLY_FAILED],
	      (unsigned long long)s.n[TALLY_CANCELLED],
	      (unsigned long long)s.unstarted);
}
