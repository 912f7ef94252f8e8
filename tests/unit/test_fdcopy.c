/*
 * test_fdcopy.c - fdcopy.c's three ways and its fallback, on real fds: a
 * pipe (splice), a regular file (sendfile), an O_APPEND file (the kernel
 * refuses sendfile: read+write must carry on, byte for byte), a source
 * that ends early, and STOP.
 */
#define _GNU_SOURCE
#include "fdcopy.h"
#include "tap.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SRC_LEN (3 * 1024 * 1024 + 123)

static char *want;

/* An unlinked temp file holding SRC_LEN pseudo-random bytes. */
static int source(void)
{
	char path[] = "/tmp/test_fdcopy.XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	want = malloc(SRC_LEN);
	srand(7);
	for (size_t i = 0; i < SRC_LEN; i++)
		want[i] = (char)(rand() & 0xff);
	if (fd < 0 || pwrite(fd, want, SRC_LEN, 0) != SRC_LEN)
		abort();
	return fd;
}

/* An empty unlinked temp file, opened with extra FLAGS. */
static int sink(int flags)
{
	char path[] = "/tmp/test_fdcopy.XXXXXX";
	int fd = mkstemp(path);
	int w = open(path, O_RDWR | flags);

	unlink(path);
	close(fd);
	return w;
}

/* The whole of file FD equals want[OFF, OFF + LEN)? */
static bool file_is(int fd, off_t off, size_t len)
{
	char *got = malloc(len + 1);
	ssize_t n;
	bool same;

	n = pread(fd, got, len + 1, 0);
	same = n == (ssize_t)len && memcmp(got, want + off, len) == 0;
	free(got);
	return same;
}

struct drain { int fd; char *buf; size_t len; };

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	while ((n = read(d->fd, d->buf + d->len, SRC_LEN + 1 - d->len)) > 0)
		d->len += (size_t)n;
	return NULL;
}

static void test_pipe(int in)
{
	int p[2];
	pthread_t t;
	struct drain d = { 0, malloc(SRC_LEN + 1), 0 };
	enum fdcopy_way way = FDCOPY_UNSET;
	char buf[4096];
	off_t done;
	enum fdcopy_result r;

	if (pipe(p) != 0)
		abort();
	d.fd = p[0];
	pthread_create(&t, NULL, drain_main, &d);
	r = fdcopy(p[1], in, 5, SRC_LEN - 5, &way, buf, sizeof buf, &done,
		   NULL, NULL);
	close(p[1]);
	pthread_join(t, NULL);
	close(p[0]);
	is_int(r, FDCOPY_OK, "a pipe: copied");
	is_int(way, FDCOPY_SPLICE, "a pipe: by splice");
	ok(done == SRC_LEN - 5 && d.len == SRC_LEN - 5 &&
	   memcmp(d.buf, want + 5, d.len) == 0, "a pipe: byte for byte");
	free(d.buf);
}

static void test_file(int in)
{
	int out = sink(0);
	enum fdcopy_way way = FDCOPY_UNSET;
	char buf[4096];
	off_t done;

	is_int(fdcopy(out, in, 0, SRC_LEN, &way, buf, sizeof buf, &done, NULL,
		      NULL), FDCOPY_OK, "a regular file: copied");
	is_int(way, FDCOPY_SENDFILE, "a regular file: by sendfile");
	ok(file_is(out, 0, SRC_LEN), "a regular file: byte for byte");
	close(out);
}

static void test_append(int in)
{
	int out = sink(O_APPEND);
	enum fdcopy_way way = FDCOPY_UNSET;
	char buf[4096];
	off_t done;

	if (write(out, want, 10) != 10)
		abort();
	is_int(fdcopy(out, in, 10, SRC_LEN - 10, &way, buf, sizeof buf,
		      &done, NULL, NULL), FDCOPY_OK, "O_APPEND: copied");
	is_int(way, FDCOPY_RW, "O_APPEND: sendfile refused, read+write");
	ok(file_is(out, 0, SRC_LEN), "O_APPEND: byte for byte after it");
	close(out);
}

static bool stop_now(void *arg)
{
	return ++*(int *)arg > 1;
}

static void test_short_and_stop(int in)
{
	int out = sink(0);
	enum fdcopy_way way = FDCOPY_RW;
	char buf[4096];
	off_t done;
	int asked = 0;

	is_int(fdcopy(out, in, SRC_LEN - 100, 200, &way, buf, sizeof buf,
		      &done, NULL, NULL), FDCOPY_SHORT,
	       "a source too short: said");
	is_int(done, 100, "a source too short: what there was");
	way = FDCOPY_SENDFILE;
	is_int(fdcopy(out, in, SRC_LEN - 100, 200, &way, buf, sizeof buf,
		      &done, NULL, NULL), FDCOPY_SHORT,
	       "a source too short, by sendfile: said");
	way = FDCOPY_RW;
	is_int(fdcopy(out, in, 0, SRC_LEN, &way, buf, sizeof buf, &done,
		      stop_now, &asked), FDCOPY_OK, "STOP: ends early");
	is_int(done, sizeof buf, "STOP: after one piece");
	close(out);
}

static void test_write_error(int in)
{
	int p[2];
	enum fdcopy_way way = FDCOPY_UNSET;
	char buf[4096];
	off_t done;

	if (pipe(p) != 0)
		abort();
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	is_int(fdcopy(p[1], in, 0, SRC_LEN, &way, buf, sizeof buf, &done,
		      NULL, NULL), FDCOPY_WRITE_ERR, "no reader: a write error");
	close(p[1]);
}

int main(void)
{
	int in = source();

	test_pipe(in);
	test_file(in);
	test_append(in);
	test_short_and_stop(in);
	test_write_error(in);
	close(in);
	free(want);
	return tap_done();
}
