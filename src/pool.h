/*
 * pool.h - the worker threads: start, retire, resize, join.
 *
 * Each worker loops: the next job from the scheduler, one attempt of it
 * (attempt.h), until the scheduler has no more work for it. SIGUSR1 and
 * SIGUSR2 move the number of workers between one and the run's maximum;
 * a worker above the target retires after its current job. There is one
 * pool per process: its state lives in pool.c.
 */
#ifndef FANOUT_POOL_H
#define FANOUT_POOL_H

struct attempt_conf;
struct sched;

/*
 * Start JOBS workers taking jobs from S and running them as C says; never
 * more than MAXWORKERS (pool_resize()). When not all JOBS threads can
 * start (ulimit -u), half of those that did run, said once on stderr.
 */
void pool_start(const struct attempt_conf *c, struct sched *s, int jobs,
		int maxworkers);

/* One worker more (DELTA 1) or one fewer (-1), never below one. */
void pool_resize(int delta);

/*
 * At most N workers from now on (at least one): the machine ran short
 * (throttle.h); workers above N retire after their current job, and
 * SIGUSR1 adds none past N.
 */
void pool_limit(int n);

/* Wait for every worker thread to end. */
void pool_join(void);

#endif
