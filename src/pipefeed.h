/*
 * pipefeed.h - --pipe: a job's block, and writing it into the pipe that is
 * the job's stdin.
 *
 * A block is what one job reads: bytes in memory (the reader cut them from
 * a stream, the --header lines in front), or, for a regular file given with
 * -a, the --header bytes and then a byte range of the file, which goes from
 * the page cache to the pipe with splice(2) and never through fanout; or a
 * pipe already holding the whole block (blockpipe.h), which is the job's
 * stdin itself: there is nothing to feed.
 *
 * The feed is passive, like exec.c: its write end is non-blocking, the
 * worker's poll(2) says when it takes more, and pipefeed_write() writes
 * what fits. A job that stops reading (or never reads) is its own choice:
 * the feed just ends.
 */
#ifndef FANOUT_PIPEFEED_H
#define FANOUT_PIPEFEED_H

#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "deal.h"

struct block {
	char *buf;              /* in memory (malloc'd, the block's own) */
	size_t len;
	const char *head;       /* file ranges: --header bytes, shared */
	size_t headlen;
	int fd;                 /* file ranges: the file, or -1 */
	off_t off;              /* file ranges: where the range starts */
	size_t flen;            /* file ranges: its length */
	int pfd;                /* a pipe holding the whole block, the read
				   end (blockpipe.h); only when plen > 0 */
	size_t plen;            /* the bytes in that pipe */
	atomic_int *pipes;      /* the reader's count of such blocks */
	struct deal *deal;      /* --round-robin: a consumer's first block
				   (its --header), then the dealt ones */
};

/* All the bytes of block B. */
static inline uint64_t block_size(const struct block *b)
{
	return (uint64_t)b->len + b->headlen + b->flen + b->plen;
}

/* Free block B (NULL: nothing); inline, so that job.c needs no more. */
static inline void block_free(struct block *b)
{
	if (b) {
		if (b->deal)
			deal_leave(b->deal);
		if (b->plen) {
			close(b->pfd);
			atomic_fetch_sub(b->pipes, 1);
		}
		free(b->buf);
		free(b);
	}
}

struct pipefeed {
	const struct block *b;
	int fd;                 /* our end of the job's stdin; -1: closed */
	uint64_t done;          /* bytes written so far */
	char *bounce;           /* for files splice(2) cannot read */
	/* --round-robin: the job reads block after block from a deal. */
	struct deal *deal;
	struct block *dealt;    /* the block being written: the feed's */
	uint64_t base;          /* `done` when the current block began */
	bool waiting;           /* for the deal to have a block */
	bool lend;              /* vmsplice the block's pages (see below) */
};

/*
 * Make the pipe for block B: *CHILD_FD gets the end the child reads (the
 * caller closes it once the child has it). -1 with errno set on failure.
 * LEND: the block's pages may go into the pipe by reference. Only when the
 * job's output comes back through fanout's own pipes, which are read to
 * their end before the block is freed: a job that splices its stdin to its
 * stdout moves those references on, and under -u they would sit in our
 * stdout's pipe after the job is reaped, showing whatever the memory holds
 * by the time the reader gets there.
 */
int pipefeed_open(struct pipefeed *f, const struct block *b, bool lend,
		  int *child_fd);

/*
 * Write what the pipe takes now. False once the feed is over (the whole
 * block written, or the job closed its stdin): its end is then closed.
 * With --round-robin, the blocks taken from the deal follow.
 */
bool pipefeed_write(struct pipefeed *f);

/* What to poll for F's next pipefeed_write(): fd -1 once it is over. */
void pipefeed_poll(const struct pipefeed *f, struct pollfd *p);

/* Close our end (if open): the job sees the end of its input. */
void pipefeed_close(struct pipefeed *f);

/* Free what the feed holds besides the block. */
void pipefeed_release(struct pipefeed *f);

#endif
