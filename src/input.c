/*
 * input.c - the reader thread (see input.h).
 *
 * A record cut across two reads is gathered in `part`, but never beyond
 * what a command line can take: past that (or past a NUL, which cuts the
 * record) the rest of the record is read and dropped until its delimiter.
 */
#include "input.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "util.h"

#define READ_SIZE (64 * 1024)

/* What becomes of the rest of the record being read. */
enum rest {
	REST_KEEP,              /* it belongs to the record */
	REST_CUT,               /* a NUL cut the record: dropped */
	REST_TOO_LONG,          /* the record failed as too long: dropped */
};

struct reader {
	struct input_conf c;
	struct batch b;
	struct strbuf part;     /* the record being read, so far */
	enum rest rest;
	int error;
};

static pthread_t thread;
static struct reader rd;

/* Take N more bytes of the record being read; false once the run stops. */
static bool take(struct reader *r, const char *p, size_t n, int64_t now)
{
	const char *nul;

	if (r->rest != REST_KEEP)
		return true;
	nul = memchr(p, '\0', n);
	if (nul) {
		/* A program cannot be given a NUL: cut the record there. */
		warning("record %llu holds a NUL byte: cut there (use -0 for "
		      "NUL-separated input)",
		      (unsigned long long)batch_records(&r->b) + 1);
		n = (size_t)(nul - p);
		r->rest = REST_CUT;
	}
	if (n > batch_max_record(&r->b) - r->part.len) {
		strbuf_reset(&r->part);
		r->rest = REST_TOO_LONG;
		return batch_too_long(&r->b, now);
	}
	strbuf_add(&r->part, p, n);
	return true;
}

/* Hand record S[0..N) (NUL-terminated) on to the batcher. */
static bool add(struct reader *r, const char *s, size_t n, int64_t now)
{
	if (sources_plain(r->c.src))
		return batch_add(&r->b, s, n, now);
	return sources_emit(r->c.src, &r->b, s, n, now);
}

/* The record being read ends here. */
static bool end_record(struct reader *r, int64_t now)
{
	bool ok = true;

	if (r->rest != REST_TOO_LONG)
		ok = add(r, r->part.buf, r->part.len, now);
	strbuf_reset(&r->part);
	r->rest = REST_KEEP;
	return ok;
}

/* Wait until the input is readable (0) or the run stops (-1). */
static int wait_input(struct reader *r)
{
	struct pollfd p[2] = {
		{ .fd = r->c.src->fd, .events = POLLIN },
		{ .fd = r->c.stop_fd, .events = POLLIN },
	};

	for (;;) {
		int64_t now = now_ns(), due;
		int timeout = -1;

		/* --batch-timeout: a partial batch goes once it is due. */
		if (!batch_tick(&r->b, now))
			return -1;
		due = batch_due(&r->b);
		if (due != INT64_MAX) {
			int64_t ms = (due - now + NS_PER_MS - 1) / NS_PER_MS;

			timeout = ms > 1000000 ? 1000000 : (int)ms;
		}
		if (poll(p, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[1].revents)
			return -1;
		if (p[0].revents)
			return 0;
	}
}

/* Split BUF[0..N) on the delimiter; false once the run stops. */
static bool split(struct reader *r, const char *buf, size_t n, int64_t now)
{
	const char *p = buf, *end = buf + n;

	while (p < end) {
		const char *d = memchr(p, r->c.delim, (size_t)(end - p));

		if (!d)
			return take(r, p, (size_t)(end - p), now);
		if (!take(r, p, (size_t)(d - p), now) || !end_record(r, now))
			return false;
		p = d + 1;
	}
	return true;
}

/* Read the input to its end (true) or until the run stops (false). */
static bool read_fd(struct reader *r)
{
	char *buf = xmalloc(READ_SIZE);
	bool end = false;

	for (;;) {
		ssize_t n;

		if (wait_input(r) < 0)
			break;
		n = read(r->c.src->fd, buf, READ_SIZE);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warning_errno("cannot read input");
			r->error = 1;
			break;
		}
		if (n == 0) {
			/* A last record without its delimiter. */
			if (r->part.len > 0 || r->rest != REST_KEEP)
				end = end_record(r, now_ns());
			else
				end = true;
			break;
		}
		if (!split(r, buf, (size_t)n, now_ns()))
			break;
	}
	free(buf);
	return end;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	if (r->c.pipe)
		r->error = pipein_run(r->c.pipe) < 0;
	else if (sources_held(r->c.src))
		sources_emit_all(r->c.src, &r->b);
	else if (read_fd(r))
		sources_end(r->c.src, &r->b, now_ns());
	/* after a stop, put() refuses the rest as it refused the last */
	batch_flush(&r->b, now_ns());
	batch_release(&r->b);
	strbuf_release(&r->part);
	r->c.done(r->c.batch.arg);
	return NULL;
}

void input_start(const struct input_conf *c)
{
	memset(&rd, 0, sizeof rd);
	rd.c = *c;
	batch_init(&rd.b, &c->batch);
	strbuf_init(&rd.part, 0);
	if (thread_start(&thread, 0, reader_main, &rd) < 0)
		die_errno(EXIT_FATAL, "cannot start the reader thread");
}

int input_join(void)
{
	pthread_join(thread, NULL);
	return rd.error ? -1 : 0;
}
