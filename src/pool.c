/*
 * pool.c - the worker threads (see pool.h).
 *
 * Locking: mu guards which slots have a thread and how many are alive; the
 * target is atomic so that a busy worker can look at it without the lock,
 * and decides under the lock, so that a SIGUSR1 either keeps a retiring
 * worker or sees it gone (then starts a new thread in its slot).
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "attempt.h"
#include "runstate.h"
#include "scheduler.h"
#include "util.h"

static struct {
	const struct attempt_conf *conf;
	struct sched *sched;
	int maxworkers;
	_Atomic int target;     /* SIGUSR1/SIGUSR2 move it */
	pthread_mutex_t mu;
	pthread_cond_t done;    /* nlive reached 0 */
	bool *live;             /* under mu: the slot has a worker thread */
	int nlive;              /* under mu: worker threads alive */
} pool = { .mu = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER };

struct worker {
	int slot;
	struct attempt_worker *ctx;
};

/*
 * Should worker W stop (SIGUSR2 lowered the target below its slot)? Jobs
 * left in its deque are stolen by the others.
 */
static bool retire(struct worker *w)
{
	bool gone = false;

	if (w->slot < atomic_load(&pool.target))
		return false;
	pthread_mutex_lock(&pool.mu);
	if (w->slot >= atomic_load(&pool.target)) {
		pool.live[w->slot] = false;
		gone = true;
	}
	pthread_mutex_unlock(&pool.mu);
	if (gone)
		sched_kick(pool.sched);
	return gone;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *j;
	bool retired;

	while (!(retired = retire(w))) {
		if ((j = sched_next(pool.sched, w->slot)) != NULL)
			attempt_run(w->ctx, j);
		else if (sched_finished(pool.sched))
			break;
		/* Else it let us go to retire: decide under the lock. */
	}
	pthread_mutex_lock(&pool.mu);
	if (!retired)
		pool.live[w->slot] = false;
	if (--pool.nlive == 0)
		pthread_cond_broadcast(&pool.done);
	pthread_mutex_unlock(&pool.mu);
	attempt_worker_free(w->ctx);
	free(w);
	return NULL;
}

/*
 * Start worker SLOT's thread (0-based); the caller holds mu. Returns 0, or
 * -1 with errno set (EAGAIN: ulimit -u).
 */
static int start_worker(int slot)
{
	struct worker *w = xmalloc(sizeof *w);

	w->slot = slot;
	w->ctx = attempt_worker_new(pool.conf, slot);
	/* Workers need little stack: keep the run's footprint small. */
	if (thread_start(NULL, 256 * 1024, worker_main, w) < 0) {
		int e = errno;

		attempt_worker_free(w->ctx);
		free(w);
		errno = e;
		return -1;
	}
	pool.live[slot] = true;
	pool.nlive++;
	return 0;
}

/* Under mu: at most N workers from now on; those above retire. */
static void limit(int n)
{
	if (n < pool.maxworkers)
		pool.maxworkers = n;
	if (atomic_load(&pool.target) > n) {
		atomic_store(&pool.target, n);
		sched_set_workers(pool.sched, n);
		sched_kick(pool.sched);
	}
}

void pool_start(const struct attempt_conf *c, struct sched *s, int jobs,
		int maxworkers)
{
	int n;

	pool.conf = c;
	pool.sched = s;
	pool.maxworkers = maxworkers;
	atomic_init(&pool.target, jobs);
	pool.live = xcalloc((size_t)maxworkers, sizeof *pool.live);
	sched_set_workers(s, jobs);
	pthread_mutex_lock(&pool.mu);
	for (n = 0; n < jobs && start_worker(n) == 0; n++)
		;
	if (n == 0)
		die_errno(EXIT_FATAL, "cannot start a worker thread");
	if (n < jobs) {
		/*
		 * Threads count against ulimit -u as processes do: keep half
		 * of those that started, the other half of the room is for
		 * the jobs.
		 */
		int keep = n / 2 > 0 ? n / 2 : 1;

		warning("only %d worker threads could start (%s): running at "
			"most %d job%s at once, not -j %d", n, strerror(errno),
			keep, keep == 1 ? "" : "s", jobs);
		limit(keep);
	}
	pthread_mutex_unlock(&pool.mu);
}

void pool_limit(int n)
{
	pthread_mutex_lock(&pool.mu);
	limit(n > 0 ? n : 1);
	pthread_mutex_unlock(&pool.mu);
}

void pool_resize(int delta)
{
	int t;

	pthread_mutex_lock(&pool.mu);
	t = atomic_load(&pool.target);
	if (delta > 0 && t < pool.maxworkers) {
		atomic_store(&pool.target, t + 1);
		sched_set_workers(pool.sched, t + 1);
		/* A worker still finishing its last job simply stays. */
		if (!pool.live[t] && runstate_get() == RS_RUNNING &&
		    start_worker(t) != 0) {
			/* No thread to be had: the same number as before. */
			atomic_store(&pool.target, t);
			sched_set_workers(pool.sched, t);
		}
	} else if (delta < 0 && t > 1) {
		atomic_store(&pool.target, t - 1);
		sched_set_workers(pool.sched, t - 1);
		/* A sleeping worker must wake up to notice it is retired. */
		sched_kick(pool.sched);
	}
	pthread_mutex_unlock(&pool.mu);
}

void pool_join(void)
{
	pthread_mutex_lock(&pool.mu);
	while (pool.nlive > 0)
		pthread_cond_wait(&pool.done, &pool.mu);
	pthread_mutex_unlock(&pool.mu);
}
