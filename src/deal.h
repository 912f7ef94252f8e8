/*
 * deal.h - --round-robin: blocks dealt out to a few long-lived jobs.
 *
 * With --round-robin a job is a consumer: it reads block after block on
 * its stdin until the input ends, and at most -j consumers are alive. The
 * reader puts each block into this small bounded queue; a consumer's feed
 * (pipefeed.c) takes the next one once it has written the last into its
 * job's pipe and the pipe has room again, so the blocks go to whichever
 * job reads, a job with a big start-up cost starts once per slot, and
 * memory stays at the queue's few blocks plus one a consumer.
 *
 * Two pipes make the queue pollable, since workers and the reader already
 * sleep in poll(2): `ready` is readable while a block waits or the queue
 * is closed (the feeds poll it instead of their job's pipe while they have
 * nothing to write); `wake` gets a byte when a block is taken or a
 * consumer leaves (the reader polls it with the run's stop fd).
 *
 * Consumers are counted. The reader starts one (a job) for each of the
 * first -j blocks, and later one more whenever a block waits, fewer than
 * -j are alive and some consumer has taken a block since the last start;
 * a consumer leaves when its job is freed, whether it ran or not
 * (job_free -> block_free -> deal_leave). So a job that dies early is
 * replaced and no queued block is left behind, while a command that never
 * takes a block (it cannot run) is not started over and over: once no
 * consumer is alive and none may start, the reader is told so.
 */
#ifndef FANOUT_DEAL_H
#define FANOUT_DEAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

struct block;

struct deal {
	pthread_mutex_t mu;
	struct block **ring;
	size_t cap, head, count;
	bool closed;                    /* no block will be put any more */
	bool signalled;                 /* `ready` holds its byte */
	bool reader_waits;              /* the reader sleeps on `wake` */
	int ready[2];
	int wake[2];
	atomic_int alive;               /* consumers counted and not left */
	int want;                       /* -j: consumers to keep alive */
	size_t block;                   /* --block: about a block's size */
	unsigned long long blocks;      /* blocks put so far */
	unsigned long long started;     /* consumers started so far */
	bool took;                      /* a block was taken since the last
					   consumer started */
};

/*
 * A queue of CAP blocks of about BLOCK bytes for WANT consumers; NULL with
 * errno set on failure.
 */
struct deal *deal_new(size_t cap, int want, size_t block);

/*
 * Free D and, with DROP, the blocks still in it (after every consumer has
 * left). The deal never looks inside a block: DROP is pipefeed.h's
 * block_free, which calls back deal_leave().
 */
void deal_free(struct deal *d, void (*drop)(struct block *));

/* Starts one consumer (a job); false once the run stops. */
typedef bool deal_start_fn(void *arg);

enum deal_put {
	DEAL_QUEUED,                    /* put: queued; drain: all taken */
	DEAL_STOP,                      /* the run stops */
	DEAL_ORPHANED,                  /* no consumer is left, and none
					   may start (deal.c says when) */
};

/*
 * Reader: put block B, waiting while the queue is full; START(ARG) is
 * called first (the lock released) whenever one more consumer is due.
 * Other than DEAL_QUEUED, B is still the caller's.
 */
enum deal_put deal_put(struct deal *d, struct block *b, int stop_fd,
		       deal_start_fn *start, void *arg);

/*
 * Reader, after deal_close(): wait until every queued block is taken,
 * starting consumers as deal_put() does.
 */
enum deal_put deal_drain(struct deal *d, int stop_fd, deal_start_fn *start,
			 void *arg);

/* Reader: no more blocks; consumers see the end once the queue is empty. */
void deal_close(struct deal *d);

enum deal_take {
	DEAL_GOT,                       /* *B is the next block, the caller's */
	DEAL_EMPTY,                     /* none now: poll deal_fd() */
	DEAL_OVER,                      /* none will come */
};

/* Consumer: take the next block, if there is one. */
enum deal_take deal_take(struct deal *d, struct block **b);

/* Readable while a block waits or the queue is closed. */
static inline int deal_fd(const struct deal *d)
{
	return d->ready[0];
}

/*
 * A consumer is gone: the reader may start another. Inline and lock-free
 * (an atomic and a byte on a non-blocking pipe), so that job.c, which
 * frees blocks, needs no more than this header.
 */
static inline void deal_leave(struct deal *d)
{
	atomic_fetch_sub(&d->alive, 1);
	if (write(d->wake[1], "", 1) < 0) {
		/* Full: the reader has bytes to wake it already. */
	}
}

#endif
