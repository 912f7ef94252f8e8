/*
 * fanin.c - grouping, ordering, tagging and spilling of jobs' output.
 *
 * All writes to fanout's stdout and stderr happen under one mutex, so two
 * jobs' pieces can never interleave. Bytes are held per job in a growing
 * buffer; when the total held by all jobs would pass the budget, the rest of
 * that stream goes to an unlinked temp file, and is copied out from there.
 */
#define _GNU_SOURCE
#include "fanin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scheduler.h"
#include "util.h"

#define COPY_CHUNK (64 * 1024)

void fanin_init(struct fanin *f, const struct opts *o, uint64_t window,
		struct sched *s, void (*on_error)(void))
{
	const char *t = getenv("TMPDIR");

	pthread_mutex_init(&f->mu, NULL);
	f->mode = o->out;
	f->keep_order = o->keep_order;
	/* A job that may run again must not have shown anything yet. */
	f->stream_head = o->keep_order && o->retries == 0 && !o->tag;
	atomic_init(&f->next, 1);
	f->ring = NULL;
	f->ringmask = 0;
	if (o->keep_order) {
		size_t cap = 16;

		while (cap < window + 64)
			cap <<= 1;
		f->ring = xcalloc(cap, sizeof *f->ring);
		f->ringmask = cap - 1;
	}
	f->sched = s;
	f->budget = o->buffer_size;
	atomic_init(&f->used, 0);
	f->tmpdir = t && *t ? t : "/tmp";
	atomic_init(&f->error, FANIN_OK);
	f->on_error = on_error;
	f->freelist = NULL;
}

static void fail(struct fanin *f, enum fanin_error e)
{
	int expect = FANIN_OK;

	if (atomic_compare_exchange_strong(&f->error, &expect, (int)e) &&
	    f->on_error)
		f->on_error();
}

enum fanin_error fanin_error(struct fanin *f)
{
	return (enum fanin_error)atomic_load(&f->error);
}

/* Write to fanout's fd FD (1 or 2), noting the first failure. */
static void put(struct fanin *f, int fd, const char *buf, size_t n,
		uint64_t seq)
{
	if (n == 0 || atomic_load_explicit(&f->error, memory_order_relaxed))
		return;
	if (write_all(fd, buf, n) < 0) {
		if (errno == EPIPE) {
			fail(f, FANIN_CLOSED);
		} else {
			warnerr("cannot write output of job %llu to %s",
				(unsigned long long)seq,
				fd == 1 ? "stdout" : "stderr");
			fail(f, FANIN_FATAL);
		}
	}
}

/* Write BUF to FD, prefixing each line with the job's tag. */
static void put_tagged(struct fanin *f, struct jobout *o, int which,
		       const char *buf, size_t n)
{
	int fd = which + 1;

	if (!o->tag) {
		put(f, fd, buf, n, o->seq);
		return;
	}
	while (n > 0) {
		const char *nl = memchr(buf, '\n', n);
		size_t len = nl ? (size_t)(nl - buf) + 1 : n;

		if (o->bol[which]) {
			put(f, fd, o->tag, o->taglen, o->seq);
			put(f, fd, "\t", 1, o->seq);
		}
		put(f, fd, buf, len, o->seq);
		o->bol[which] = nl != NULL;
		buf += len;
		n -= len;
	}
}

static void outbuf_free(struct fanin *f, struct outbuf *b)
{
	if (b->cap)
		atomic_fetch_sub(&f->used, b->cap);
	free(b->mem);
	if (b->fd >= 0)
		close(b->fd);
	b->mem = NULL;
	b->len = b->cap = 0;
	b->fd = -1;
	b->flen = 0;
}

/* An unlinked, private, close-on-exec temp file; -1 with errno. */
static int spill_file(const char *dir)
{
	int fd;
	char *path;
	size_t n;

#ifdef O_TMPFILE
	/* Never has a name, so nothing is left behind even after SIGKILL. */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
#endif
	n = strlen(dir) + sizeof "/fanout.XXXXXX";
	path = xmalloc(n);
	snprintf(path, n, "%s/fanout.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

/* Hold N more bytes for job O's stream WHICH, in memory or in its file. */
static void hold(struct fanin *f, struct jobout *o, int which,
		 const char *buf, size_t n)
{
	struct outbuf *b = &o->buf[which];

	if (b->fd < 0 && b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		if (atomic_load_explicit(&f->used, memory_order_relaxed) +
		    (cap - b->cap) <= f->budget) {
			atomic_fetch_add(&f->used, cap - b->cap);
			b->mem = xrealloc(b->mem, cap);
			b->cap = cap;
		} else if ((b->fd = spill_file(f->tmpdir)) < 0) {
			warnerr("cannot hold output of job %llu in a temp file "
				"in '%s'; output lost", (unsigned long long)o->seq,
				f->tmpdir);
			fail(f, FANIN_FATAL);
			return;
		}
	}
	if (b->fd < 0) {
		memcpy(b->mem + b->len, buf, n);
		b->len += n;
		return;
	}
	if (write_all(b->fd, buf, n) < 0) {
		warnerr("cannot hold output of job %llu in a temp file in "
			"'%s'; output lost", (unsigned long long)o->seq, f->tmpdir);
		fail(f, FANIN_FATAL);
		return;
	}
	b->flen += (off_t)n;
}

/* Write and drop everything held for stream WHICH of job O. */
static void flush_held(struct fanin *f, struct jobout *o, int which)
{
	struct outbuf *b = &o->buf[which];

	put_tagged(f, o, which, b->mem, b->len);
	if (b->fd >= 0) {
		char *chunk = xmalloc(COPY_CHUNK);
		off_t off = 0;

		while (off < b->flen) {
			ssize_t r = pread(b->fd, chunk, COPY_CHUNK, off);

			if (r <= 0) {
				warnerr("cannot read back output of job %llu",
					(unsigned long long)o->seq);
				fail(f, FANIN_FATAL);
				break;
			}
			put_tagged(f, o, which, chunk, (size_t)r);
			off += r;
		}
		free(chunk);
	}
	outbuf_free(f, b);
}

struct jobout *fanin_begin(struct fanin *f, uint64_t seq, const char *tag,
			   size_t taglen)
{
	struct jobout *o;

	pthread_mutex_lock(&f->mu);
	o = f->freelist;
	if (o)
		f->freelist = o->next;
	pthread_mutex_unlock(&f->mu);
	if (!o)
		o = xmalloc(sizeof *o);
	memset(o, 0, sizeof *o);
	o->seq = seq;
	o->tag = tag;
	o->taglen = taglen;
	o->buf[0].fd = o->buf[1].fd = -1;
	o->bol[0] = o->bol[1] = true;
	return o;
}

static void give_back(struct fanin *f, struct jobout *o)
{
	outbuf_free(f, &o->buf[0]);
	outbuf_free(f, &o->buf[1]);
	o->next = f->freelist;
	f->freelist = o;
}

void fanin_data(struct fanin *f, struct jobout *o, int which,
		const char *buf, size_t n)
{
	if (f->mode == OUT_LINE && !f->keep_order) {
		const char *nl = NULL;

		/* Pass on every complete line now; hold the partial one. */
		for (size_t i = n; i > 0; i--)
			if (buf[i - 1] == '\n') {
				nl = buf + i - 1;
				break;
			}
		if (!nl) {
			hold(f, o, which, buf, n);
			return;
		}
		pthread_mutex_lock(&f->mu);
		flush_held(f, o, which);
		put_tagged(f, o, which, buf, (size_t)(nl - buf) + 1);
		pthread_mutex_unlock(&f->mu);
		hold(f, o, which, nl + 1, n - (size_t)(nl - buf) - 1);
		return;
	}
	if (f->stream_head &&
	    atomic_load_explicit(&f->next, memory_order_acquire) == o->seq) {
		/* The head of the order: no reason to wait. */
		pthread_mutex_lock(&f->mu);
		if (!o->live) {
			flush_held(f, o, 0);
			flush_held(f, o, 1);
			o->live = true;
		}
		put_tagged(f, o, which, buf, n);
		pthread_mutex_unlock(&f->mu);
		return;
	}
	hold(f, o, which, buf, n);
}

/* Under the lock: write all of O and recycle it. */
static void write_job(struct fanin *f, struct jobout *o)
{
	for (int which = 0; which < 2; which++) {
		/*
		 * --line-buffer holds only what follows the last newline: a
		 * last line without one gets one, so that the next job's
		 * line does not continue it.
		 */
		bool partial = f->mode == OUT_LINE && !f->keep_order &&
			       (o->buf[which].len > 0 || o->buf[which].flen > 0);

		flush_held(f, o, which);
		if (partial)
			put(f, which + 1, "\n", 1, o->seq);
	}
	give_back(f, o);
}

/* Under the lock: write the head and every finished job behind it. */
static void advance(struct fanin *f)
{
	uint64_t next = atomic_load(&f->next);
	struct jobout *o;

	while ((o = f->ring[next & f->ringmask]) != NULL && o->seq == next) {
		f->ring[next & f->ringmask] = NULL;
		write_job(f, o);
		next++;
	}
	atomic_store_explicit(&f->next, next, memory_order_release);
}

void fanin_end(struct fanin *f, struct jobout *o)
{
	pthread_mutex_lock(&f->mu);
	if (!f->keep_order) {
		write_job(f, o);
	} else {
		uint64_t before = atomic_load(&f->next);

		f->ring[o->seq & f->ringmask] = o;
		if (o->seq == before)
			advance(f);
		if (atomic_load(&f->next) != before && f->sched)
			sched_set_head(f->sched, atomic_load(&f->next));
	}
	pthread_mutex_unlock(&f->mu);
}

void fanin_skip(struct fanin *f, uint64_t seq)
{
	fanin_end(f, fanin_begin(f, seq, NULL, 0));
}

void fanin_discard(struct fanin *f, struct jobout *o)
{
	pthread_mutex_lock(&f->mu);
	give_back(f, o);
	pthread_mutex_unlock(&f->mu);
}

void fanin_finish(struct fanin *f)
{
	pthread_mutex_lock(&f->mu);
	if (f->keep_order) {
		for (;;) {
			struct jobout *first = NULL;

			/* Jobs never started leave gaps: take the oldest left. */
			for (size_t i = 0; i <= f->ringmask; i++) {
				struct jobout *o = f->ring[i];

				if (o && (!first || o->seq < first->seq))
					first = o;
			}
			if (!first)
				break;
			atomic_store(&f->next, first->seq);
			advance(f);
		}
	}
	while (f->freelist) {
		struct jobout *o = f->freelist;

		f->freelist = o->next;
		free(o);
	}
	pthread_mutex_unlock(&f->mu);
}
