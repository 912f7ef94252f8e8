/*
 * blockpipe.c - a --pipe block held in a pipe of its own (see blockpipe.h).
 */
#define _GNU_SOURCE
#include "blockpipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

/*
 * Slots a block's pipe may waste: a seam between what was written and what
 * was spliced can leave a page part-filled (the carried bytes, the first
 * and last pages spliced, the bytes written at the cut).
 */
#define SEAMS 4

/* /proc/sys/fs/pipe-max-size, read once (the reader's thread only). */
static size_t max_size(void)
{
	static size_t max;
	FILE *f;
	unsigned long v;

	if (max)
		return max;
	max = 1 << 20;
	f = fopen("/proc/sys/fs/pipe-max-size", "re");
	if (f) {
		if (fscanf(f, "%lu", &v) == 1 && v >= 4096 && v <= INT_MAX)
			max = v;
		fclose(f);
	}
	return max;
}

bool blockpipe_open(struct blockpipe *p, size_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t slack = SEAMS * (size_t)(page > 0 ? page : 4096);
	int fd[2], cap;

	p->rfd = p->wfd = -1;
	p->len = p->room = 0;
	if (n > (size_t)INT_MAX - slack) {
		errno = EINVAL;
		return false;
	}
	if (pipe2(fd, O_CLOEXEC) < 0)
		return false;
	/*
	 * The kernel rounds the size up; what it gives is the pipe's. Past
	 * pipe-max-size (1 MiB by default; even root may be refused it in a
	 * container), the largest it allows: the caller makes the block fit.
	 */
	cap = fcntl(fd[1], F_SETPIPE_SZ, (int)(n + slack));
	if (cap < 0 && errno == EPERM && n + slack > max_size())
		cap = fcntl(fd[1], F_SETPIPE_SZ, (int)max_size());
	if (cap < 0 || (size_t)cap <= slack ||
	    fcntl(fd[1], F_SETFL, O_NONBLOCK) < 0) {
		int e = cap < 0 ? errno : EPERM;

		close(fd[0]);
		close(fd[1]);
		errno = e;
		return false;
	}
	p->rfd = fd[0];
	p->wfd = fd[1];
	p->room = (size_t)cap - slack;
	return true;
}

ssize_t blockpipe_splice(struct blockpipe *p, int fd, size_t n)
{
	ssize_t r = splice(fd, NULL, p->wfd, NULL, n,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

	if (r > 0)
		p->len += (size_t)r;
	if (r < 0 && errno == ENOSYS)
		errno = EINVAL;
	return r;
}

size_t blockpipe_write(struct blockpipe *p, const char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(p->wfd, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;          /* EAGAIN: no room left */
		done += (size_t)w;
	}
	p->len += done;
	return done;
}

bool blockpipe_full(const struct blockpipe *p)
{
	struct pollfd q = { .fd = p->wfd, .events = POLLOUT };

	return poll(&q, 1, 0) >= 0 && !(q.revents & POLLOUT);
}

bool blockpipe_drain(struct blockpipe *p, char *buf)
{
	size_t got = 0;

	/* The write end stays open until all is read: no early end. */
	while (got < p->len) {
		ssize_t r = read(p->rfd, buf + got, p->len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	blockpipe_close(p);
	return got == p->len;
}

void blockpipe_seal(struct blockpipe *p)
{
	if (p->wfd >= 0)
		close(p->wfd);
	p->wfd = -1;
}

void blockpipe_close(struct blockpipe *p)
{
	blockpipe_seal(p);
	if (p->rfd >= 0)
		close(p->rfd);
	p->rfd = -1;
}
