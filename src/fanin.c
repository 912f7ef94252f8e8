/*
 * fanin.c - grouping, ordering and tagging of jobs' output.
 *
 * Invariants:
 * - Every write to fanout's fd 1 and 2 happens under f->mu, so two jobs'
 *   pieces never interleave. Under the lock, pieces are gathered into an
 *   iovec list (tags and short pieces copied into a staging buffer, large
 *   ones pointed at where they lie) and written with writev. The gathered
 *   list is always flushed before the bytes it points at are dropped.
 * - A job's held bytes are in its two outbufs (outbuf.c), sharing f->store:
 *   memory within the budget, then the spill file.
 * - Under -k, the ring maps seq -> jobout from fanin_begin until the job is
 *   written; f->next is the oldest seq not yet written, and nothing behind
 *   it is written before it. When next reaches a job still running, that
 *   job becomes live (its held stdout, or its whole lines under
 *   --line-buffer, written at once) and from then on writes as it reads.
 *   A job not live is touched by its worker and by whoever moves the head,
 *   so its buffers are under its own o->mu; a live job only by its worker.
 * - Lock order: f->mu, then o->mu, then f->store.mu.
 */
#define _GNU_SOURCE
#include "fanin.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "scheduler.h"
#include "term.h"
#include "util.h"

#define STAGE_SIZE (64 * 1024)
#define SMALL 512                       /* pieces up to this are copied */
#define READ_BACK (256 * 1024)
#if defined(IOV_MAX) && IOV_MAX < 1024
#define NIOV IOV_MAX
#else
#define NIOV 1024
#endif

static const char *const stream_name[2] = { "stdout", "stderr" };

void fanin_init(struct fanin *f, const struct opts *o, uint64_t window,
		struct sched *s, void (*on_error)(void))
{
	memset(f, 0, sizeof *f);
	pthread_mutex_init(&f->mu, NULL);
	f->mode = o->out;
	f->keep_order = o->keep_order;
	/* A job that may run again must not have shown anything yet. */
	f->stream_head = o->keep_order;
	f->next = 1;
	if (o->keep_order) {
		size_t cap = 64;

		while (cap < window + 64)
			cap <<= 1;
		f->ring = xcalloc(cap, sizeof *f->ring);
		f->ringmask = cap - 1;
	}
	f->sched = s;
	outbuf_store_init(&f->store, o->buffer_size);
	f->iov = xmalloc(NIOV * sizeof *f->iov);
	f->stage = xmalloc(STAGE_SIZE);
	f->stiov = -1;
	atomic_init(&f->dead[0], false);
	atomic_init(&f->dead[1], false);
	atomic_init(&f->error, FANIN_OK);
	f->on_error = on_error;
	term_install();
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

static bool is_dead(struct fanin *f, int which)
{
	return atomic_load_explicit(&f->dead[which], memory_order_relaxed);
}

/* Writing to fd WHICH + 1 failed with ERR: drop all that would go there. */
static void write_failed(struct fanin *f, int which, int err)
{
	if (atomic_exchange(&f->dead[which], true))
		return;
	if (err == EPIPE) {
		fail(f, FANIN_CLOSED);
		return;
	}
	warnx("cannot write output of job %llu to %s: %s; the rest of %s "
	      "is lost", (unsigned long long)f->eseq, stream_name[which],
	      strerror(err), stream_name[which]);
	fail(f, FANIN_FATAL);
}

/* Write out what has been gathered. */
static void em_flush(struct fanin *f)
{
	struct iovec *v = f->iov;
	int n = f->niov;
	int which = f->efd - 1;
	/* Does the output end a line? The progress line is drawn after it. */
	bool nl = n > 0 && v[n - 1].iov_len > 0 &&
		  ((const char *)v[n - 1].iov_base)[v[n - 1].iov_len - 1] == '\n';

	if (n > 0)
		term_begin_write();
	while (n > 0 && !is_dead(f, which)) {
		ssize_t w = writev(f->efd, v, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			write_failed(f, which, errno);
			break;
		}
		while (n > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	if (f->niov > 0)
		term_end_write(nl);
	f->niov = 0;
	f->stlen = 0;
	f->stiov = -1;
}

/* Start gathering output of job SEQ for fd WHICH + 1. */
static void em_start(struct fanin *f, int which, uint64_t seq)
{
	f->efd = which + 1;
	f->eseq = seq;
}

/* Gather N bytes at P: copied if short, else pointed at (P must stay). */
static void em_add(struct fanin *f, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (n <= SMALL) {
		if (f->stlen + n > STAGE_SIZE)
			em_flush(f);
		memcpy(f->stage + f->stlen, p, n);
		if (f->stiov >= 0 && f->stiov == f->niov - 1) {
			f->iov[f->stiov].iov_len += n;
		} else {
			f->iov[f->niov].iov_base = f->stage + f->stlen;
			f->iov[f->niov].iov_len = n;
			f->stiov = f->niov++;
		}
		f->stlen += n;
	} else {
		f->iov[f->niov].iov_base = (void *)p;
		f->iov[f->niov].iov_len = n;
		f->niov++;
	}
	if (f->niov == NIOV)
		em_flush(f);
}

/* Gather bytes of stream WHICH of job O, tagging each line under --tag. */
static void em_bytes(struct fanin *f, struct jobout *o, int which,
		     const char *buf, size_t n)
{
	if (n == 0)
		return;
	if (!o->tag) {
		em_add(f, buf, n);
	} else {
		const char *p = buf;
		size_t left = n;

		while (left > 0) {
			const char *nl = memchr(p, '\n', left);
			size_t len = nl ? (size_t)(nl - p) + 1 : left;

			if (o->bol[which]) {
				em_add(f, o->tag, o->taglen);
				em_add(f, "\t", 1);
			}
			em_add(f, p, len);
			o->bol[which] = nl != NULL;
			p += len;
			left -= len;
		}
	}
	o->bol[which] = buf[n - 1] == '\n';
}

/* Is fd WHICH + 1 a pipe or socket whose reading end is closed? */
static bool reader_gone(int which)
{
	struct pollfd p = { .fd = which + 1, .events = 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

/* Stream WHICH of job O could not be held (ERR): drop it, and say so. */
static void lose(struct fanin *f, struct jobout *o, int which, int err)
{
	struct outbuf *b = &o->buf[which];

	warnx("cannot hold output in a temp file in '%s': %s; %s of job %llu "
	      "is lost", f->store.tmpdir, strerror(err), stream_name[which],
	      (unsigned long long)o->seq);
	outbuf_drop(&f->store, b, b->len);
	b->lost = true;
	fail(f, FANIN_FATAL);
}

/* Hold N more bytes for job O's stream WHICH, in memory or in the file. */
static void hold(struct fanin *f, struct jobout *o, int which,
		 const char *buf, size_t n)
{
	struct outbuf *b = &o->buf[which];
	const char *nl;
	size_t c;

	if (n == 0 || b->lost)
		return;
	if (f->mode == OUT_LINE && (nl = memrchr(buf, '\n', n)) != NULL)
		b->nl_end = b->len + (uint64_t)(nl - buf) + 1;
	c = outbuf_append(&f->store, b, buf, n);
	buf += c;
	n -= c;
	if (n == 0)
		return;
	if (reader_gone(which)) {
		/*
		 * Nobody will read it: stop now rather than fill $TMPDIR
		 * (grouped output of an endless job piped to a reader that
		 * has already quit).
		 */
		write_failed(f, which, EPIPE);
		outbuf_drop(&f->store, b, b->len);
		return;
	}
	if (outbuf_spill(&f->store, b, buf, n) < 0)
		lose(f, o, which, errno);
}

/*
 * Under f->mu: write LEN spilled bytes at OFF, of stream WHICH of O.
 * (sendfile(2) was tried here: no measurable gain over large preads.)
 */
static void write_spilled(struct fanin *f, struct jobout *o, int which,
			  off_t off, off_t len)
{
	off_t end = off + len;

	em_flush(f);
	if (!f->rbuf)
		f->rbuf = xmalloc(READ_BACK);
	while (off < end && !is_dead(f, which)) {
		size_t want = end - off > READ_BACK ? READ_BACK
						    : (size_t)(end - off);
		ssize_t r = outbuf_read(&f->store, f->rbuf, want, off);

		if (r <= 0) {
			warnx("cannot read back %s of job %llu from its temp "
			      "file: %s", stream_name[which],
			      (unsigned long long)o->seq,
			      r < 0 ? strerror(errno) : "file too short");
			fail(f, FANIN_FATAL);
			return;
		}
		em_bytes(f, o, which, f->rbuf, (size_t)r);
		em_flush(f);
		off += r;
	}
}

/* What write_held() is writing, for its outbuf_walk() callbacks. */
struct held {
	struct fanin *f;
	struct jobout *o;
	int which;
};

static void held_mem(void *arg, const char *p, size_t len)
{
	struct held *h = arg;

	em_bytes(h->f, h->o, h->which, p, len);
}

static void held_file(void *arg, off_t off, off_t len)
{
	struct held *h = arg;

	write_spilled(h->f, h->o, h->which, off, len);
}

/*
 * Under f->mu: write the first N bytes held for stream WHICH of job O, then
 * TN bytes at TAIL, and drop those N bytes.
 */
static void write_held(struct fanin *f, struct jobout *o, int which,
		       uint64_t n, const char *tail, size_t tn)
{
	struct held h = { f, o, which };

	if (n == 0 && tn == 0)
		return;
	em_start(f, which, o->seq);
	outbuf_walk(&o->buf[which], n, held_mem, held_file, &h);
	em_bytes(f, o, which, tail, tn);
	em_flush(f);
	outbuf_drop(&f->store, &o->buf[which], n);
}

/* Under f->mu: free O's buffers and put it on the free list. */
static void give_back(struct fanin *f, struct jobout *o)
{
	outbuf_free(&f->store, &o->buf[0]);
	outbuf_free(&f->store, &o->buf[1]);
	o->next = f->freelist;
	f->freelist = o;
}

/* Under f->mu: write all of O and recycle it. */
static void write_job(struct fanin *f, struct jobout *o)
{
	for (int which = 0; which < 2; which++) {
		write_held(f, o, which, o->buf[which].len, NULL, 0);
		/*
		 * --line-buffer: a last line without a newline gets one, so
		 * that the next job's line does not continue it.
		 */
		if (f->mode == OUT_LINE && !o->bol[which]) {
			em_start(f, which, o->seq);
			em_add(f, "\n", 1);
			em_flush(f);
		}
	}
	give_back(f, o);
}

/*
 * Under f->mu: O, still running, is now the head. Write what it holds that
 * may be shown (its stdout; under --line-buffer its whole lines) and let it
 * write the rest as it comes.
 */
static void make_live(struct fanin *f, struct jobout *o)
{
	if (!f->stream_head || o->live || o->hold)
		return;
	pthread_mutex_lock(&o->mu);
	if (f->mode == OUT_LINE) {
		write_held(f, o, 0, o->buf[0].nl_end, NULL, 0);
		write_held(f, o, 1, o->buf[1].nl_end, NULL, 0);
	} else {
		write_held(f, o, 0, o->buf[0].len, NULL, 0);
	}
	o->live = true;
	pthread_mutex_unlock(&o->mu);
}

/*
 * Under f->mu: write the head and every finished job behind it, pass over
 * skipped seqs, and make the first job still running live.
 */
static void advance(struct fanin *f)
{
	uint64_t before = f->next;

	for (;;) {
		struct jobout *o = f->ring[f->next & f->ringmask];

		if (o && o->seq == f->next) {
			if (!o->ended) {
				make_live(f, o);
				break;
			}
			f->ring[f->next & f->ringmask] = NULL;
			write_job(f, o);
			f->next++;
		} else if (f->skiphead < f->nskips &&
			   f->skips[f->skiphead].lo == f->next) {
			f->next = f->skips[f->skiphead++].hi;
			if (f->skiphead == f->nskips)
				f->skiphead = f->nskips = 0;
		} else {
			break;
		}
	}
	if (f->next != before && f->sched)
		sched_set_head(f->sched, f->next);
}

/* Under f->mu: remember that SEQ has no output, merging neighbours. */
static void skip_add(struct fanin *f, uint64_t seq)
{
	size_t lo = f->skiphead, hi = f->nskips;
	bool join_prev, join_next;

	/* The first range starting past SEQ. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->skips[mid].lo <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > f->skiphead && f->skips[lo - 1].hi > seq)
		return;
	join_prev = lo > f->skiphead && f->skips[lo - 1].hi == seq;
	join_next = lo < f->nskips && f->skips[lo].lo == seq + 1;
	if (join_prev && join_next) {
		f->skips[lo - 1].hi = f->skips[lo].hi;
		memmove(f->skips + lo, f->skips + lo + 1,
			(f->nskips - lo - 1) * sizeof *f->skips);
		f->nskips--;
	} else if (join_prev) {
		f->skips[lo - 1].hi++;
	} else if (join_next) {
		f->skips[lo].lo--;
	} else {
		if (f->nskips == f->skipcap) {
			if (f->skiphead > 0) {
				memmove(f->skips, f->skips + f->skiphead,
					(f->nskips - f->skiphead) *
					sizeof *f->skips);
				f->nskips -= f->skiphead;
				lo -= f->skiphead;
				f->skiphead = 0;
			} else {
				f->skipcap = f->skipcap ? 2 * f->skipcap : 16;
				f->skips = xrealloc(f->skips, f->skipcap *
						    sizeof *f->skips);
			}
		}
		memmove(f->skips + lo + 1, f->skips + lo,
			(f->nskips - lo) * sizeof *f->skips);
		f->skips[lo].lo = seq;
		f->skips[lo].hi = seq + 1;
		f->nskips++;
	}
}

/* Under f->mu: double the ring, keeping every job at its seq. */
static void ring_grow(struct fanin *f)
{
	size_t cap = 2 * (f->ringmask + 1);
	struct jobout **ring = xcalloc(cap, sizeof *ring);

	for (size_t i = 0; i <= f->ringmask; i++)
		if (f->ring[i])
			ring[f->ring[i]->seq & (cap - 1)] = f->ring[i];
	free(f->ring);
	f->ring = ring;
	f->ringmask = cap - 1;
}

static struct jobout *begin(struct fanin *f, uint64_t seq, const char *tag,
			    size_t taglen, bool hold)
{
	struct jobout *o;

	pthread_mutex_lock(&f->mu);
	o = f->freelist;
	if (o) {
		f->freelist = o->next;
	} else {
		o = xcalloc(1, sizeof *o);
		pthread_mutex_init(&o->mu, NULL);
	}
	o->seq = seq;
	o->tag = NULL;
	o->taglen = 0;
	if (tag) {
		/* The job's record may be freed before its output is written. */
		if (taglen + 1 > o->tagcap) {
			o->tagcap = taglen + 1;
			o->tagbuf = xrealloc(o->tagbuf, o->tagcap);
		}
		memcpy(o->tagbuf, tag, taglen);
		o->tagbuf[taglen] = '\0';
		o->tag = o->tagbuf;
		o->taglen = taglen;
	}
	o->live = o->ended = false;
	o->hold = hold;
	o->bol[0] = o->bol[1] = true;
	o->next = NULL;
	if (f->keep_order && seq >= f->next) {
		while (seq - f->next > f->ringmask)
			ring_grow(f);
		f->ring[seq & f->ringmask] = o;
		if (seq == f->next)
			make_live(f, o);
	}
	pthread_mutex_unlock(&f->mu);
	return o;
}

struct jobout *fanin_begin(struct fanin *f, uint64_t seq, const char *tag,
			   size_t taglen)
{
	return begin(f, seq, tag, taglen, false);
}

struct jobout *fanin_begin_retryable(struct fanin *f, uint64_t seq,
				     const char *tag, size_t taglen)
{
	return begin(f, seq, tag, taglen, true);
}

/* Under f->mu or as O's only user: pass on whole lines, hold the rest. */
static void put_lines(struct fanin *f, struct jobout *o, int which,
		      const char *buf, size_t n)
{
	struct outbuf *b = &o->buf[which];
	const char *nl = memrchr(buf, '\n', n);
	size_t k = nl ? (size_t)(nl - buf) + 1 : 0;
	uint64_t upto = nl ? b->len : b->nl_end;

	if (upto > 0 || k > 0) {
		pthread_mutex_lock(&f->mu);
		write_held(f, o, which, upto, buf, k);
		pthread_mutex_unlock(&f->mu);
	}
	hold(f, o, which, buf + k, n - k);
}

void fanin_data(struct fanin *f, struct jobout *o, int which,
		const char *buf, size_t n)
{
	/* Nowhere to go: keep reading so the job is not stuck, but drop. */
	if (n == 0 || is_dead(f, which) || o->buf[which].lost)
		return;
	if (f->keep_order) {
		pthread_mutex_lock(&o->mu);
		if (!o->live) {
			hold(f, o, which, buf, n);
			pthread_mutex_unlock(&o->mu);
			return;
		}
		pthread_mutex_unlock(&o->mu);
	}
	if (f->mode == OUT_LINE) {
		put_lines(f, o, which, buf, n);
	} else if (!f->keep_order || which == 1) {
		hold(f, o, which, buf, n);
	} else {
		/* The live head's stdout: straight out. */
		pthread_mutex_lock(&f->mu);
		write_held(f, o, 0, o->buf[0].len, buf, n);
		pthread_mutex_unlock(&f->mu);
	}
}

void fanin_end(struct fanin *f, struct jobout *o)
{
	pthread_mutex_lock(&f->mu);
	if (!f->keep_order) {
		write_job(f, o);
	} else {
		o->ended = true;
		if (o->seq == f->next)
			advance(f);
	}
	pthread_mutex_unlock(&f->mu);
}

void fanin_skip(struct fanin *f, uint64_t seq)
{
	if (!f->keep_order)
		return;
	pthread_mutex_lock(&f->mu);
	if (seq >= f->next) {
		skip_add(f, seq);
		if (seq == f->next)
			advance(f);
	}
	pthread_mutex_unlock(&f->mu);
}

void fanin_discard(struct fanin *f, struct jobout *o)
{
	pthread_mutex_lock(&f->mu);
	if (f->keep_order && f->ring[o->seq & f->ringmask] == o)
		f->ring[o->seq & f->ringmask] = NULL;
	give_back(f, o);
	pthread_mutex_unlock(&f->mu);
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = (*(struct jobout *const *)a)->seq;
	uint64_t y = (*(struct jobout *const *)b)->seq;

	return x < y ? -1 : x > y;
}

void fanin_finish(struct fanin *f)
{
	pthread_mutex_lock(&f->mu);
	if (f->keep_order) {
		/* Jobs never started leave gaps: the rest goes out in order. */
		struct jobout **left = xmalloc((f->ringmask + 1) * sizeof *left);
		size_t n = 0;

		for (size_t i = 0; i <= f->ringmask; i++)
			if (f->ring[i])
				left[n++] = f->ring[i];
		qsort(left, n, sizeof *left, by_seq);
		for (size_t i = 0; i < n; i++) {
			f->ring[left[i]->seq & f->ringmask] = NULL;
			write_job(f, left[i]);
		}
		free(left);
		free(f->ring);
		free(f->skips);
		f->ring = NULL;
		f->skips = NULL;
		f->keep_order = false;
	}
	while (f->freelist) {
		struct jobout *o = f->freelist;

		f->freelist = o->next;
		pthread_mutex_destroy(&o->mu);
		free(o->tagbuf);
		free(o);
	}
	free(f->iov);
	free(f->stage);
	free(f->rbuf);
	f->iov = NULL;
	f->stage = NULL;
	f->rbuf = NULL;
	outbuf_store_release(&f->store);
	pthread_mutex_unlock(&f->mu);
}
