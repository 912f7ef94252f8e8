/*
 * test_blockpipe.c - a block held in a pipe of its own, on real pipes:
 * written and spliced bytes read back in order and then the end; a pipe
 * whose slots fill with small pages before its bytes says it is full and
 * gives its bytes back whole; an fd that cannot splice says EINVAL.
 */
#define _GNU_SOURCE
#include "blockpipe.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define BIG (300 * 1000)

static char want[BIG + 1000];

/* Read FD to its end into BUF (at most N); the bytes read. */
static size_t slurp(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n && (r = read(fd, buf + got, n - got)) > 0)
		got += (size_t)r;
	return got;
}

static void written_then_spliced(void)
{
	struct blockpipe p;
	int src[2];
	char *got = malloc(sizeof want + 1);
	size_t in = 0;

	for (size_t i = 0; i < sizeof want; i++)
		want[i] = (char)('a' + i % 26);
	ok(blockpipe_open(&p, 1 << 20), "a pipe for 1 MiB");
	ok(p.room >= BIG + 1000 && p.room <= 1 << 20,
	   "it holds what it says, no more than asked (%zu)", p.room);
	is_int(blockpipe_write(&p, want, 1000), 1000, "1000 bytes written");
	if (pipe(src) < 0 || fcntl(src[1], F_SETPIPE_SZ, 1 << 20) < 0)
		abort();
	if (write(src[1], want + 1000, BIG) != BIG)
		abort();
	while (in < BIG) {
		ssize_t r = blockpipe_splice(&p, src[0], BIG - in);

		if (r <= 0)
			break;
		in += (size_t)r;
	}
	is_int(in, BIG, "the source's bytes spliced in");
	is_int(p.len, BIG + 1000, "len counts both");
	blockpipe_seal(&p);
	is_int(slurp(p.rfd, got, sizeof want + 1), sizeof want,
	       "read back: all of them, then the end");
	ok(memcmp(got, want, sizeof want) == 0, "in order");
	blockpipe_close(&p);
	ok(p.rfd == -1 && p.wfd == -1, "closed");
	close(src[0]);
	close(src[1]);
	free(got);
}

/* A source pipe of 100-byte pages: each spliced from a file on its own. */
static int small_pages(int file, int n)
{
	int src[2];
	loff_t off = 0;

	if (pipe(src) < 0 || fcntl(src[1], F_SETPIPE_SZ, 1 << 20) < 0)
		abort();
	for (int i = 0; i < n; i++)
		if (splice(file, &off, src[1], NULL, 100, 0) != 100)
			abort();
	close(src[1]);
	return src[0];
}

static void full_of_small_pages(void)
{
	char path[] = "/tmp/test_blockpipe.XXXXXX";
	int file = mkstemp(path), src;
	struct blockpipe p;
	char *got = malloc(BIG);
	ssize_t r;
	size_t in = 0;

	unlink(path);
	if (file < 0 || pwrite(file, want, BIG, 0) != BIG)
		abort();
	src = small_pages(file, 200);
	ok(blockpipe_open(&p, 4096), "a small pipe");
	ok(!blockpipe_full(&p), "empty: not full");
	while ((r = blockpipe_splice(&p, src, BIG)) > 0)
		in += (size_t)r;
	ok(r < 0 && errno == EAGAIN, "the splice stops: EAGAIN");
	ok(in < 200 * 100, "before the source's bytes are all in (%zu)", in);
	ok(blockpipe_full(&p), "the pipe says it is full");
	is_int(blockpipe_write(&p, "x", 1), 0, "a write takes nothing more");
	is_int(p.len, in, "len counts what went in");
	ok(blockpipe_drain(&p, got), "drained");
	ok(memcmp(got, want, in) == 0, "its bytes, in order");
	ok(p.rfd == -1 && p.wfd == -1, "closed by the drain");
	close(src);
	close(file);
	free(got);
}

static void cannot_splice(void)
{
	struct blockpipe p;
	int e = eventfd(1, 0);

	ok(blockpipe_open(&p, 1 << 20), "a pipe");
	ok(blockpipe_splice(&p, e, 8) < 0 && errno == EINVAL,
	   "an eventfd cannot splice: EINVAL");
	blockpipe_close(&p);
	close(e);
}

int main(void)
{
	written_then_spliced();
	full_of_small_pages();
	cannot_splice();
	return tap_done();
}
