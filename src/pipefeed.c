/*
 * pipefeed.c - writing a block into a job's stdin (see pipefeed.h).
 *
 * Memory goes in with vmsplice(2): the pipe takes references to the
 * block's pages instead of a copy. That is safe because a block is never
 * changed once cut, and is freed only after its job has been reaped and its
 * output pipes read to their end, when no reader of those pages is left (a
 * process the job left behind holding its stdin is the exception: it would
 * read whatever fanout put in those pages since). Under -u the job's
 * output is not ours to drain, so the bytes are copied (see pipefeed.h). A file range goes with splice(2) from the file to the pipe (page
 * references again), or pread+write where the file system cannot splice. The pipe is
 * made as large as the system lets an unprivileged process have (1 MiB by
 * default), so that a job reading fast is woken rarely.
 *
 * --round-robin (deal.h): the job's own first block (its --header) goes
 * first, then the feed takes block after block from the deal, each once
 * the last is written and the pipe has room again. A dealt block is freed
 * as soon as it is written, long before the job ends: its bytes are
 * copied into the pipe with write(2), never vmspliced.
 */
#define _GNU_SOURCE
#include "pipefeed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util.h"

#define PIPE_WANT (1 << 20)
#define BOUNCE (64 * 1024)

int pipefeed_open(struct pipefeed *f, const struct block *b, bool lend,
		  int *child_fd)
{
	int p[2];

	f->b = b;
	f->done = 0;
	f->fd = -1;
	f->deal = b->deal;
	f->dealt = NULL;
	f->base = 0;
	f->waiting = false;
	f->lend = lend && !b->deal;
	if (b->plen) {
		/* A pipe of its own: the job reads it; it was all given. */
		*child_fd = fcntl(b->pfd, F_DUPFD_CLOEXEC, 0);
		if (*child_fd < 0)
			return -1;
		f->done = b->plen;
		return 0;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
#ifdef F_SETPIPE_SZ
	/* Best effort: past the per-user limit the pipe keeps its size. */
	if (f->deal)
		/*
		 * A block's worth at most: the feed takes the next block
		 * once the pipe has room, so a bigger pipe would hold
		 * blocks a job dying early never reads, which others could.
		 */
		(void)fcntl(p[1], F_SETPIPE_SZ, f->deal->block < PIPE_WANT
					       ? (int)f->deal->block : PIPE_WANT);
	else if (block_size(b) > 65536)
		(void)fcntl(p[1], F_SETPIPE_SZ,
			    block_size(b) < PIPE_WANT ? (int)block_size(b)
						      : PIPE_WANT);
#endif
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	f->fd = p[1];
	*child_fd = p[0];
	return 0;
}

/* Write up to N bytes of BUF; bytes written, 0: full, -1: the feed ends. */
static ssize_t put_mem(struct pipefeed *f, const char *buf, size_t n)
{
	ssize_t w = write(f->fd, buf, n);

	if (w >= 0)
		return w;
	return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

/* The same for bytes that stay unchanged until the job is reaped. */
static ssize_t put_pages(struct pipefeed *f, const char *buf, size_t n)
{
	static atomic_bool no_vmsplice;
	struct iovec iov = { (void *)buf, n };
	ssize_t w;

	if (!f->lend || atomic_load(&no_vmsplice))
		return put_mem(f, buf, n);
	w = vmsplice(f->fd, &iov, 1, SPLICE_F_NONBLOCK);
	if (w >= 0)
		return w;
	if (errno == EINVAL || errno == ENOSYS) {
		atomic_store(&no_vmsplice, true);
		return put_mem(f, buf, n);
	}
	return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

/* The file range from byte AT of it: spliced, or read and written. */
static ssize_t put_file(struct pipefeed *f, uint64_t at)
{
	const struct block *b = f->b;
	off_t off = b->off + (off_t)at;
	size_t n = b->flen - (size_t)at;
	ssize_t r;

	if (!f->bounce) {
		r = splice(b->fd, &off, f->fd, NULL, n,
			   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		if (r > 0)
			return r;
		if (r == 0)
			return -1;      /* the file shrank under us */
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		f->bounce = xmalloc(BOUNCE);
	}
	r = pread(b->fd, f->bounce, n < BOUNCE ? n : BOUNCE, off);
	if (r <= 0)
		return r < 0 && errno == EINTR ? 0 : -1;
	/* What the pipe does not take now is read again next time. */
	return put_mem(f, f->bounce, (size_t)r);
}

/*
 * --round-robin: F's block is written; take the next from the deal (or
 * wait for one). False: no block will come.
 */
static bool pull(struct pipefeed *f)
{
	struct block *b;

	switch (deal_take(f->deal, &b)) {
	case DEAL_GOT:
		block_free(f->dealt);
		f->b = f->dealt = b;
		f->base = f->done;
		f->waiting = false;
		return true;
	case DEAL_EMPTY:
		f->waiting = true;
		return true;
	case DEAL_OVER:
		break;
	}
	return false;
}

bool pipefeed_write(struct pipefeed *f)
{
	bool wrote = false;

	while (f->fd >= 0) {
		const struct block *b = f->b;
		uint64_t at = f->done - f->base;
		ssize_t w;

		if (at == block_size(b)) {
			/*
			 * The next block once the pipe has room again (the
			 * next POLLOUT), so that a job that reads slowly
			 * does not sit on a block another would take now.
			 */
			if (!f->deal)
				break;
			if (wrote)
				return true;
			if (!pull(f))
				break;
			if (f->waiting)
				return true;
			continue;
		}
		if (at < b->len)
			w = put_pages(f, b->buf + at, b->len - (size_t)at);
		else if ((at -= b->len) < b->headlen)
			w = put_pages(f, b->head + at, b->headlen - (size_t)at);
		else
			w = put_file(f, at - b->headlen);
		if (w < 0)
			break;          /* EPIPE: the job closed its stdin */
		if (w == 0)
			return true;
		f->done += (uint64_t)w;
		wrote = true;
	}
	pipefeed_close(f);
	return false;
}

void pipefeed_poll(const struct pipefeed *f, struct pollfd *p)
{
	p->fd = f->fd < 0 ? -1 : f->waiting ? deal_fd(f->deal) : f->fd;
	p->events = f->waiting ? POLLIN : POLLOUT;
}

void pipefeed_close(struct pipefeed *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	/* A dealt block the job did not read: its choice, as for --pipe. */
	block_free(f->dealt);
	f->dealt = NULL;
	f->waiting = false;
}

void pipefeed_release(struct pipefeed *f)
{
	free(f->bounce);
	f->bounce = NULL;
}
