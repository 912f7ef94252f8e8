/*
 * test_deal.c - the --round-robin deal: blocks come out in order, the
 * first -j blocks start a consumer each, a consumer that left is replaced
 * only after some progress, a deal with no consumer and none to start
 * says so, and the ready fd is readable exactly while a block waits or the
 * deal is closed. One thread: the consumers are played by the test.
 */
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "deal.h"
#include "pipefeed.h"
#include "tap.h"
#include "util.h"

static int starts;
static struct deal *taker;      /* start(): this consumer takes at once */

static bool start(void *arg)
{
	struct block *b;

	(void)arg;
	starts++;
	if (taker && deal_take(taker, &b) == DEAL_GOT)
		block_free(b);
	return true;
}

static bool refuse(void *arg)
{
	(void)arg;
	return false;
}

static struct block *blk(size_t id)
{
	struct block *b = xcalloc(1, sizeof *b);

	b->len = id;            /* only a name here: no bytes behind it */
	b->fd = -1;
	return b;
}

static bool readable(const struct deal *d)
{
	struct pollfd p = { .fd = deal_fd(d), .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* Take the next block: its id, 0 for none now, -1 for none ever. */
static long take(struct deal *d)
{
	struct block *b;
	long id;

	switch (deal_take(d, &b)) {
	case DEAL_GOT:
		id = (long)b->len;
		block_free(b);
		return id;
	case DEAL_EMPTY:
		return 0;
	case DEAL_OVER:
		break;
	}
	return -1;
}

static void test_consumers(int stop)
{
	struct deal *d = deal_new(2, 2, 4096);
	struct block *b6 = blk(6);

	starts = 0;
	ok(!readable(d), "a new deal is not ready");
	is_int(deal_put(d, blk(1), stop, start, NULL), DEAL_QUEUED, "put 1");
	is_int(starts, 1, "the first block starts a consumer");
	ok(readable(d), "ready while a block waits");
	is_int(take(d), 1, "the consumer takes block 1");
	ok(!readable(d), "not ready once it is taken");
	is_int(take(d), 0, "then none, for now");
	is_int(deal_put(d, blk(2), stop, start, NULL), DEAL_QUEUED, "put 2");
	is_int(starts, 2, "the second block starts a second consumer");
	is_int(deal_put(d, blk(3), stop, start, NULL), DEAL_QUEUED, "put 3");
	is_int(starts, 2, "-j consumers alive: no third");
	is_int(take(d), 2, "blocks come out in order");
	is_int(take(d), 3, "blocks come out in order");
	deal_leave(d);
	is_int(deal_put(d, blk(4), stop, start, NULL), DEAL_QUEUED, "put 4");
	is_int(starts, 3, "one left after progress: replaced");
	deal_leave(d);
	deal_leave(d);
	is_int(deal_put(d, blk(5), stop, start, NULL), DEAL_QUEUED, "put 5");
	is_int(starts, 3, "none taken since the last start: no replacement");
	is_int(deal_put(d, b6, stop, start, NULL), DEAL_ORPHANED,
	       "full, no consumer, none due: orphaned");
	block_free(b6);
	deal_close(d);
	ok(readable(d), "ready once closed");
	is_int(take(d), 4, "what was queued still comes out");
	is_int(take(d), 5, "what was queued still comes out");
	is_int(take(d), -1, "then the end");
	ok(readable(d), "still ready: closed");
	deal_free(d, block_free);
}

static void test_drain(int stop)
{
	struct deal *d = deal_new(2, 1, 4096);
	struct block *b;

	starts = 0;
	deal_put(d, blk(1), stop, start, NULL);
	deal_put(d, blk(2), stop, start, NULL);
	is_int(take(d), 1, "drain: block 1 taken");
	deal_leave(d);
	deal_close(d);
	taker = d;
	is_int(deal_drain(d, stop, start, NULL), DEAL_QUEUED,
	       "drain: all taken");
	taker = NULL;
	is_int(starts, 2, "drain: a replacement took the last block");
	is_int(deal_drain(d, stop, start, NULL), DEAL_QUEUED,
	       "drain of an empty deal returns at once");
	deal_free(d, block_free);

	d = deal_new(2, 1, 4096);
	starts = 0;
	b = blk(1);
	is_int(deal_put(d, b, stop, refuse, NULL), DEAL_STOP,
	       "a consumer that cannot be started stops the put");
	block_free(b);
	deal_leave(d);  /* the one counted for it, as job_free would */
	deal_free(d, block_free);
}

static void test_stop(void)
{
	struct deal *d = deal_new(1, 1, 4096);
	struct block *b = blk(2);
	int p[2];

	if (pipe(p) < 0 || write(p[1], "", 1) != 1)
		exit(99);
	deal_put(d, blk(1), p[0], start, NULL);
	is_int(deal_put(d, b, p[0], start, NULL), DEAL_STOP,
	       "full, the run stopped: the put returns");
	block_free(b);
	deal_close(d);
	is_int(deal_drain(d, p[0], start, NULL), DEAL_STOP,
	       "a drain returns too");
	deal_leave(d);
	deal_free(d, block_free);           /* frees block 1, still queued */
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	int never[2];

	if (pipe(never) < 0)
		return 99;
	test_consumers(never[0]);
	test_drain(never[0]);
	test_stop();
	return tap_done();
}
