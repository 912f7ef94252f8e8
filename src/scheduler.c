/*
 * scheduler.c - injector, per-worker deques, stealing and retry timers.
 *
 * Locking: the injector, the retry heap and the counters live under one
 * mutex; the deques are lock-free (Chase-Lev). Under a backlog a worker
 * takes a handful of jobs from the injector at a time, so that it touches
 * the mutex less often. Users expect jobs to start roughly in input order
 * (as with xargs), so the owner takes from the top of its own deque too,
 * like the thieves: FIFO, at the price of a CAS that is nothing next to a
 * process spawn.
 */
#include "scheduler.h"

#include <errno.h>
#include <stdlib.h>

#include "util.h"

#define HANDFUL 8
#define DEQUE_CAP 64

void sched_init(struct sched *s, int maxworkers, size_t cap, uint64_t window)
{
	pthread_mutex_init(&s->mu, NULL);
	/* Retry timers are monotonic deadlines. */
	mono_cond_init(&s->work);
	pthread_cond_init(&s->space, NULL);
	s->ring = xcalloc(cap, sizeof *s->ring);
	s->cap = cap;
	s->head = s->count = 0;
	s->closed = s->stopped = false;
	s->idle = 0;
	s->reader_waiting = false;
	atomic_init(&s->pending, 0);
	s->delayed = NULL;
	s->ndelayed = s->delayedcap = 0;
	s->ordered = false;
	s->tickets = 0;
	s->window = window;
	s->head_seq = 1;
	s->nslots = maxworkers;
	s->dq = xcalloc((size_t)maxworkers, sizeof *s->dq);
	for (int i = 0; i < maxworkers; i++)
		if (deque_init(&s->dq[i], DEQUE_CAP) != 0)
			die(EXIT_FATAL, "out of memory");
	atomic_init(&s->active, 0);
	atomic_init(&s->used, 0);
}

bool sched_submit(struct sched *s, struct job *j)
{
	pthread_mutex_lock(&s->mu);
	while (s->count == s->cap && !s->stopped) {
		s->reader_waiting = true;
		pthread_cond_wait(&s->space, &s->mu);
	}
	if (s->stopped) {
		pthread_mutex_unlock(&s->mu);
		return false;
	}
	s->ring[(s->head + s->count) % s->cap] = j;
	s->count++;
	atomic_fetch_add(&s->pending, 1);
	if (s->idle > 0)
		pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	return true;
}

void sched_close(struct sched *s)
{
	pthread_mutex_lock(&s->mu);
	s->closed = true;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
}

void sched_order_starts(struct sched *s)
{
	s->ordered = true;
}

/* Under the lock: J is handed out now; in order, it gets the next ticket. */
static struct job *hand_out(struct sched *s, struct job *j)
{
	if (s->ordered)
		j->ticket = ++s->tickets;
	return j;
}

/* Min-heap on not_before_ns, for jobs waiting to be retried. */
static void heap_push(struct sched *s, struct job *j)
{
	size_t i;

	s->delayed = grow_array(s->delayed, &s->delayedcap, s->ndelayed + 1,
				sizeof *s->delayed, 16);
	i = s->ndelayed++;
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (s->delayed[p]->not_before_ns <= j->not_before_ns)
			break;
		s->delayed[i] = s->delayed[p];
		i = p;
	}
	s->delayed[i] = j;
}

static struct job *heap_pop(struct sched *s)
{
	struct job *top = s->delayed[0];
	struct job *last = s->delayed[--s->ndelayed];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= s->ndelayed)
			break;
		if (c + 1 < s->ndelayed &&
		    s->delayed[c + 1]->not_before_ns < s->delayed[c]->not_before_ns)
			c++;
		if (last->not_before_ns <= s->delayed[c]->not_before_ns)
			break;
		s->delayed[i] = s->delayed[c];
		i = c;
	}
	if (s->ndelayed > 0)
		s->delayed[i] = last;
	return top;
}

/* Under the lock, the injector not empty: -k holds its oldest job back. */
static bool held_by_window(const struct sched *s)
{
	return s->window &&
	       s->ring[s->head]->seq >= s->head_seq + s->window;
}

/*
 * Under the lock: move up to a handful of jobs from the injector to SLOT's
 * deque and return the first. Only a deep backlog is split into handfuls:
 * when input trickles in, each worker takes one job at a time, so jobs start
 * in input order; under load a handful saves trips through the mutex.
 */
static struct job *take_from_injector(struct sched *s, int slot)
{
	size_t n, share;
	struct job *first;
	int nactive = atomic_load_explicit(&s->active, memory_order_relaxed);

	if (s->count == 0 || held_by_window(s))
		return NULL;
	share = s->count / (2 * (size_t)(nactive > 0 ? nactive : 1));
	n = share < 1 ? 1 : share > HANDFUL ? HANDFUL : share;
	/* In order: every job through here, the deques stay empty. */
	if (s->ordered)
		n = 1;
	first = s->ring[s->head];
	/*
	 * Oldest first: the owner and the thieves both take from the top, so
	 * a deque is consumed in input order. Our deque is empty here (we only
	 * come after it ran dry and only we push) and HANDFUL < DEQUE_CAP, so
	 * a push cannot fail.
	 */
	for (size_t i = 1; i < n; i++)
		if (!deque_push(&s->dq[slot], s->ring[(s->head + i) % s->cap]))
			bug("worker deque full");
	s->head = (s->head + n) % s->cap;
	s->count -= n;
	if (s->reader_waiting && s->count <= s->cap / 2) {
		s->reader_waiting = false;
		pthread_cond_signal(&s->space);
	}
	/* Jobs now sit in our deque: let a sleeping worker come and steal. */
	if (n > 1 && s->idle > 0)
		pthread_cond_signal(&s->work);
	return hand_out(s, first);
}

/* Take the oldest job of deque V; a lost race is retried while any is left. */
static struct job *take_top(struct deque *d)
{
	struct job *j;

	while (deque_size(d) > 0)
		if ((j = deque_steal(d)) != NULL)
			return j;
	return NULL;
}

/*
 * Steal from the other workers' deques, starting at a random victim. Only
 * slots that ever had a worker can hold jobs.
 */
static struct job *steal(struct sched *s, int slot, unsigned *rng)
{
	int n = atomic_load_explicit(&s->used, memory_order_relaxed);
	struct job *j;

	*rng = *rng * 1103515245u + 12345u;
	for (int k = 0; k < n; k++) {
		int v = (int)(((*rng >> 16) + (unsigned)k) % (unsigned)n);

		if (v != slot && (j = take_top(&s->dq[v])) != NULL)
			return j;
	}
	return NULL;
}

/* Under the lock: does any deque hold a job (pushes need the lock)? */
static bool deques_hold_jobs(struct sched *s)
{
	int n = atomic_load_explicit(&s->used, memory_order_relaxed);

	for (int i = 0; i < n; i++)
		if (deque_size(&s->dq[i]) > 0)
			return true;
	return false;
}

struct job *sched_next(struct sched *s, int slot)
{
	unsigned rng = (unsigned)slot * 2654435761u + 1;
	struct job *j;

	for (;;) {
		int64_t wake = 0;

		if (slot >= atomic_load(&s->active))
			return NULL;
		/*
		 * Deques hold older jobs than the injector: drain them first,
		 * ours then the others', so that jobs start in input order.
		 */
		if ((j = take_top(&s->dq[slot])) != NULL ||
		    (j = steal(s, slot, &rng)) != NULL)
			return j;

		pthread_mutex_lock(&s->mu);
		if (s->stopped) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		if (s->ndelayed > 0) {
			int64_t now = now_ns();

			if (s->delayed[0]->not_before_ns <= now) {
				j = hand_out(s, heap_pop(s));
				pthread_mutex_unlock(&s->mu);
				return j;
			}
			wake = s->delayed[0]->not_before_ns;
		}
		if ((j = take_from_injector(s, slot)) != NULL) {
			pthread_mutex_unlock(&s->mu);
			return j;
		}
		if (s->closed && atomic_load(&s->pending) == 0) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		/*
		 * Sleep only if nothing is there to take: deques are filled
		 * under this lock, so none can fill behind our back; a
		 * submit, a retry, a push by a busy worker or the end wakes
		 * us.
		 */
		if ((s->count == 0 || held_by_window(s)) &&
		    !deques_hold_jobs(s)) {
			s->idle++;
			mono_cond_wait(&s->work, &s->mu, wake ? wake : -1);
			s->idle--;
		}
		pthread_mutex_unlock(&s->mu);
	}
}

bool sched_input_closed(struct sched *s)
{
	bool closed;

	pthread_mutex_lock(&s->mu);
	closed = s->closed;
	pthread_mutex_unlock(&s->mu);
	return closed;
}

bool sched_finished(struct sched *s)
{
	bool done;

	pthread_mutex_lock(&s->mu);
	done = s->stopped || (s->closed && atomic_load(&s->pending) == 0);
	pthread_mutex_unlock(&s->mu);
	return done;
}

void sched_done(struct sched *s)
{
	/*
	 * Only the last job needs the lock: sleepers check `pending` under
	 * it, so a broadcast made under it cannot slip past them.
	 */
	if (atomic_fetch_sub(&s->pending, 1) != 1)
		return;
	pthread_mutex_lock(&s->mu);
	if (s->closed)
		pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
}

void sched_retry(struct sched *s, struct job *j)
{
	pthread_mutex_lock(&s->mu);
	heap_push(s, j);
	/* Everyone re-arms their timer against the new earliest deadline. */
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
}

void sched_stop(struct sched *s)
{
	pthread_mutex_lock(&s->mu);
	s->stopped = true;
	pthread_cond_broadcast(&s->work);
	pthread_cond_broadcast(&s->space);
	pthread_mutex_unlock(&s->mu);
}

void sched_kick(struct sched *s)
{
	pthread_mutex_lock(&s->mu);
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
}

void sched_set_workers(struct sched *s, int n)
{
	atomic_store(&s->active, n);
	if (n > atomic_load(&s->used))
		atomic_store(&s->used, n);
}

void sched_set_head(struct sched *s, uint64_t seq)
{
	pthread_mutex_lock(&s->mu);
	s->head_seq = seq;
	if (s->idle > 0)
		pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
}
