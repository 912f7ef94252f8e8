/*
 * scheduler.h - the worker pool's queues: a bounded injector fed by the reader,
 * one Chase-Lev deque per worker, stealing between them, and a timer heap
 * for jobs waiting to be retried.
 *
 * An idle worker takes from its own deque, then a handful from the injector,
 * then steals from another worker's deque; only then does it sleep. The
 * injector is bounded, so a reader faster than the workers blocks
 * (backpressure) and memory stays flat on endless input.
 */
#ifndef FANOUT_SCHEDULER_H
#define FANOUT_SCHEDULER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "deque.h"
#include "job.h"

struct sched {
	pthread_mutex_t mu;
	pthread_cond_t work;            /* workers: a job may be there */
	pthread_cond_t space;           /* reader: the injector has room */
	struct job **ring;              /* the injector */
	size_t cap, head, count;
	bool closed;                    /* the reader has seen the end */
	bool stopped;                   /* hand out nothing more */
	int idle;                       /* workers asleep on `work` */
	bool reader_waiting;
	_Atomic uint64_t pending;       /* submitted and not finished */
	struct job **delayed;           /* min-heap on not_before_ns */
	size_t ndelayed, delayedcap;
	bool ordered;                   /* sched_order_starts() */
	uint64_t tickets;               /* ordered: the last ticket given */
	uint64_t window;                /* -k: max seq ahead of the head */
	uint64_t head_seq;              /* -k: oldest seq not yet written */

	int nslots;                     /* deques, one per possible worker */
	struct deque *dq;
	_Atomic int active;             /* workers sharing the injector */
	_Atomic int used;               /* slots that ever had a worker */
};

/*
 * Set up for at most MAXWORKERS workers; injector of CAP jobs. WINDOW (-k):
 * hand out no job more than WINDOW past the oldest not yet written; 0: no
 * limit.
 */
void sched_init(struct sched *s, int maxworkers, size_t cap, uint64_t window);

/*
 * Hand jobs out strictly in queue order (input order; a retry when its
 * backoff ends), one at a time through the injector, each with a ticket
 * (j->ticket: 1, 2, 3 ...) in that order: the gate then grants starts by
 * ticket (gate.h), so that jobs start in input order under --rate. Before
 * any worker starts.
 */
void sched_order_starts(struct sched *s);

/* Reader: queue J, blocking while the injector is full; false if stopped. */
bool sched_submit(struct sched *s, struct job *j);

/* Reader: no more jobs will be submitted. */
void sched_close(struct sched *s);

/*
 * Worker SLOT (0-based): the next job to run, or NULL when there is no more
 * work (input ended and every job finished), the pool was stopped, or SLOT
 * is no longer among the active workers (SIGUSR2).
 */
struct job *sched_next(struct sched *s, int slot);

/* Whether the reader has seen the end of input (total known). */
bool sched_input_closed(struct sched *s);

/* No job will ever be handed out again (stopped, or all done). */
bool sched_finished(struct sched *s);

/* Worker: J finished for good (the caller frees it). */
void sched_done(struct sched *s);

/* Worker: run J again, not before j->not_before_ns. */
void sched_retry(struct sched *s, struct job *j);

/* Stop handing out jobs and wake everyone (cancel, halt, closed stdout). */
void sched_stop(struct sched *s);

/* Wake every sleeping worker to look again (a worker count changed). */
void sched_kick(struct sched *s);

/* How many workers share the injector (sizes the handfuls). */
void sched_set_workers(struct sched *s, int n);

/* -k: the oldest job not yet written is now SEQ (wakes the window). */
void sched_set_head(struct sched *s, uint64_t seq);

#endif
