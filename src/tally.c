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
} tally;

void tally_init(void)
{
	for (int i = 0; i < TALLY_NCOUNTERS; i++)
		atomic_init(&tally.n[i], 0);
	atomic_init(&tally.running, 0);
	tally.start_ns = now_ns();
}

void tally_add(enum tally_counter c)
{
	atomic_fetch_add(&tally.n[c], 1);
}

void tally_undo(enum tally_counter c)
{
	atomic_fetch_sub(&tally.n[c], 1);
}

uint64_t tally_get(enum tally_counter c)
{
	return atomic_load(&tally.n[c]);
}

void tally_running(int delta)
{
	atomic_fetch_add(&tally.running, delta);
}

void tally_snapshot(struct tally_snap *s)
{
	/*
	 * A job is read before it ends: reading how many ended before how
	 * many were read, a glance never shows more done than read.
	 */
	for (int i = 0; i < TALLY_NCOUNTERS; i++)
		if (i != TALLY_READ)
			s->n[i] = atomic_load(&tally.n[i]);
	s->n[TALLY_READ] = atomic_load(&tally.n[TALLY_READ]);
	s->running = atomic_load(&tally.running);
	s->wall_ns = now_ns() - tally.start_ns;
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
