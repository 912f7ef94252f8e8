/*
 * deal.c - the --round-robin queue of blocks (see deal.h).
 *
 * The ring and its flags are under the mutex; `alive` is atomic because a
 * consumer leaves from wherever its job is freed, without the lock. The
 * reader never sleeps on a condition variable: it must also wake when the
 * run stops, which only an fd says, so it polls `wake` with the stop fd,
 * and every change it may wait for writes a byte to `wake`.
 */
#define _GNU_SOURCE
#include "deal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>

#include "util.h"

/* A pipe whose ends are non-blocking and closed on exec. */
static int quiet_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		p[0] = p[1] = -1;
		return -1;
	}
	return 0;
}

struct deal *deal_new(size_t cap, int want, size_t block)
{
	struct deal *d = xcalloc(1, sizeof *d);

	pthread_mutex_init(&d->mu, NULL);
	d->ring = xcalloc(cap, sizeof *d->ring);
	d->cap = cap;
	d->want = want;
	d->block = block;
	atomic_init(&d->alive, 0);
	d->wake[0] = d->wake[1] = -1;
	if (quiet_pipe(d->ready) < 0 || quiet_pipe(d->wake) < 0) {
		int e = errno;

		deal_free(d, NULL);       /* it holds no block yet */
		errno = e;
		return NULL;
	}
	return d;
}

void deal_free(struct deal *d, void (*drop)(struct block *))
{
	if (!d)
		return;
	for (; d->count; d->count--, d->head = (d->head + 1) % d->cap)
		drop(d->ring[d->head]);
	for (int i = 0; i < 2; i++) {
		if (d->ready[i] >= 0)
			close(d->ready[i]);
		if (d->wake[i] >= 0)
			close(d->wake[i]);
	}
	free(d->ring);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

/* Keep `ready` readable exactly while a block waits or D is closed. */
static void set_ready(struct deal *d)
{
	bool want = d->count > 0 || d->closed;
	char c;

	if (want == d->signalled)
		return;
	if (want ? write(d->ready[1], "", 1) : read(d->ready[0], &c, 1)) {
		/* One byte in an empty pipe, or the byte we put there. */
	}
	d->signalled = want;
}

/* Locked: what the reader is waiting for has come. */
static void wake_reader(struct deal *d)
{
	if (d->reader_waits && write(d->wake[1], "", 1) < 0) {
		/* Full: it will wake. */
	}
}

/*
 * Locked: sleep until `wake` or STOP_FD is readable, with the lock
 * released meanwhile; false once the run stops.
 */
static bool reader_sleep(struct deal *d, int stop_fd)
{
	struct pollfd p[2] = {
		{ .fd = d->wake[0], .events = POLLIN },
		{ .fd = stop_fd, .events = POLLIN },
	};
	char buf[64];
	int r;

	d->reader_waits = true;
	pthread_mutex_unlock(&d->mu);
	while ((r = poll(p, 2, -1)) < 0 && errno == EINTR)
		;
	while (read(d->wake[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&d->mu);
	d->reader_waits = false;
	return r > 0 && !p[1].revents;
}

/*
 * Locked: is one more consumer due? The first -j come one a block put;
 * after them, one replaces a consumer that left only if some consumer
 * has taken a block since the last start (progress), so that a command
 * that cannot run is not started over and over.
 */
static bool consumer_due(const struct deal *d)
{
	if (atomic_load(&d->alive) >= d->want)
		return false;
	if (d->started < (unsigned long long)d->want)
		return d->started < d->blocks;
	return d->took;
}

/* Locked: put B (NULL: only wait until the queue is empty). */
static enum deal_put deal_wait(struct deal *d, struct block *b, int stop_fd,
			       deal_start_fn *start, void *arg)
{
	if (b)
		d->blocks++;
	while (b || d->count > 0) {
		if (consumer_due(d)) {
			bool ok;

			d->started++;
			d->took = false;
			atomic_fetch_add(&d->alive, 1);
			pthread_mutex_unlock(&d->mu);
			ok = start(arg);
			pthread_mutex_lock(&d->mu);
			if (!ok)
				return DEAL_STOP;
			continue;
		}
		if (b && d->count < d->cap) {
			d->ring[(d->head + d->count++) % d->cap] = b;
			set_ready(d);
			break;
		}
		if (atomic_load(&d->alive) == 0)
			return DEAL_ORPHANED;
		if (!reader_sleep(d, stop_fd))
			return DEAL_STOP;
	}
	return DEAL_QUEUED;
}

enum deal_put deal_put(struct deal *d, struct block *b, int stop_fd,
		       deal_start_fn *start, void *arg)
{
	enum deal_put r;

	pthread_mutex_lock(&d->mu);
	r = deal_wait(d, b, stop_fd, start, arg);
	pthread_mutex_unlock(&d->mu);
	return r;
}

enum deal_put deal_drain(struct deal *d, int stop_fd, deal_start_fn *start,
			 void *arg)
{
	return deal_put(d, NULL, stop_fd, start, arg);
}

void deal_close(struct deal *d)
{
	pthread_mutex_lock(&d->mu);
	d->closed = true;
	set_ready(d);
	pthread_mutex_unlock(&d->mu);
}

enum deal_take deal_take(struct deal *d, struct block **b)
{
	enum deal_take r = DEAL_GOT;

	pthread_mutex_lock(&d->mu);
	if (d->count > 0) {
		*b = d->ring[d->head];
		d->head = (d->head + 1) % d->cap;
		d->count--;
		d->took = true;
		set_ready(d);
		wake_reader(d);
	} else {
		r = d->closed ? DEAL_OVER : DEAL_EMPTY;
	}
	pthread_mutex_unlock(&d->mu);
	return r;
}
