/*
 * fanin.c - grouping, ordering and tagging of jobs' output: the policy.
 *
 * Invariants:
 * - Job output reaches fd 1 and 2 only in emit sessions (emit.h) opened
 *   under f->mu, or by the drainer (below) without it, so two jobs' pieces
 *   never interleave, nor with anything else fanout writes there.
 * - Under -k, ended jobs behind the head are written by one thread at a
 *   time, the drainer (f->draining, set under f->mu): it pops a job, lets
 *   f->mu go while writing it (a job that ends or starts meanwhile must not
 *   wait for a gigabyte to be copied out, nor keep its worker from the next
 *   job), then takes f->mu again for the next. No job is live while a
 *   drainer runs: only the drainer makes the head live, once it reaches a
 *   job still running, and stops there.
 * - A job's held bytes are in its two outbufs (outbuf.c), sharing f->store:
 *   memory within the budget, then the spill file.
 * - Under -k, f->order maps seq -> jobout from fanin_begin until the job is
 *   written; its head is the oldest seq not yet written, and nothing behind
 *   it is written before it. When the head reaches a job still running,
 *   that job becomes live (its held stdout, or its whole lines under
 *   --line-buffer, written at once) and from then on writes as it reads.
 *   A job not live is touched by its worker and by whoever moves the head,
 *   so its buffers are under its own o->mu; a live job only by its worker.
 * - Lock order: f->mu, then o->mu, then emit's, then f->store.mu (emit.h
 *   has the whole list). Messages (warning()) are said outside emit sessions.
 */
#define _GNU_SOURCE
#include "fanin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define READ_BACK (256 * 1024)

static const char *const stream_name[2] = { "stdout", "stderr" };

void fanin_init(struct fanin *f, const struct fanin_conf *c)
{
	memset(f, 0, sizeof *f);
	pthread_mutex_init(&f->mu, NULL);
	f->mode = c->mode;
	f->keep_order = c->keep_order;
	/* A job that may run again must not have shown anything yet. */
	f->stream_head = c->keep_order;
	if (c->keep_order)
		reorder_init(&f->order, c->window);
	f->on_head = c->on_head;
	f->arg = c->arg;
	outbuf_store_init(&f->store, c->buffer_size);
	emit_init(&f->emit, c->on_error, c->arg);
	/*
	 * Allocated now, not when first needed: it is used inside emit
	 * sessions, where dying of hunger would deadlock on emit's lock.
	 * Untouched, its pages cost nothing.
	 */
	f->rbuf = xmalloc(READ_BACK);
}

enum fanin_error fanin_error(struct fanin *f)
{
	return (enum fanin_error)emit_error(&f->emit);
}

void fanin_watch(struct fanin *f)
{
	emit_watch(&f->emit);
}

void fanin_unwatch(struct fanin *f)
{
	emit_unwatch(&f->emit);
}

bool fanin_stdout_closed(struct fanin *f)
{
	return emit_dead(&f->emit, 0) ? emit_error(&f->emit) == EMIT_CLOSED
				      : emit_reader_gone(&f->emit, 0);
}

/* Stream WHICH of job O could not be held (ERR): drop it, and say so. */
static void lose(struct fanin *f, struct jobout *o, int which, int err)
{
	struct outbuf *b = &o->buf[which];

	warning("job %llu: cannot hold its %s in a temp file in '%s' (it is "
		"lost): %s", (unsigned long long)o->seq, stream_name[which],
		f->store.tmpdir, strerror(err));
	outbuf_drop(&f->store, b, b->len);
	b->lost = true;
	emit_lost(&f->emit);
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
	if (f->mode == FANIN_LINES && (nl = memrchr(buf, '\n', n)) != NULL)
		b->nl_end = b->len + (uint64_t)(nl - buf) + 1;
	c = outbuf_append(&f->store, b, buf, n);
	buf += c;
	n -= c;
	if (n == 0)
		return;
	if (emit_reader_gone(&f->emit, which)) {
		/*
		 * Nobody will read it: stop now rather than fill $TMPDIR
		 * (grouped output of an endless job piped to a reader that
		 * has already quit).
		 */
		outbuf_drop(&f->store, b, b->len);
		return;
	}
	if (outbuf_spill(&f->store, b, buf, n) < 0)
		lose(f, o, which, errno);
}

/* What write_held() is writing, for its outbuf_walk() callbacks. */
struct held {
	struct fanin *f;
	struct jobout *o;
	int which;
	int read_err;           /* reading back failed: errno, or -1 short */
	bool lent;              /* spilled pages were lent to fd 1 or 2's pipe */
};

static void held_mem(void *arg, const char *p, size_t len)
{
	struct held *h = arg;

	emit_bytes(&h->f->emit, h->o->tag, h->o->taglen, &h->o->bol[h->which],
		   p, len);
}

/*
 * In an emit session: write LEN spilled bytes at OFF of what H writes.
 * Untagged, they go the kernel's way (emit_file: splice into a pipe, no
 * copy through here); tagged, every line needs its tag, so through rbuf.
 */
static void held_file(void *arg, off_t off, off_t len)
{
	struct held *h = arg;
	struct fanin *f = h->f;
	off_t end = off + len;
	char last;

	if (h->read_err)
		return;
	if (!h->o->tag) {
		h->read_err = emit_file(&f->emit, f->store.fd, off, len,
					f->rbuf, READ_BACK, &last, &h->lent);
		if (!h->read_err && len > 0)
			h->o->bol[h->which] = last == '\n';
		return;
	}
	emit_flush(&f->emit);
	while (off < end && !h->read_err && !emit_dead(&f->emit, h->which)) {
		size_t want = end - off > READ_BACK ? READ_BACK
						    : (size_t)(end - off);
		ssize_t r = outbuf_read(&f->store, f->rbuf, want, off);

		if (r <= 0) {
			/* Said once the session is over (emit.h). */
			h->read_err = r < 0 ? errno : -1;
			return;
		}
		held_mem(h, f->rbuf, (size_t)r);
		emit_flush(&f->emit);
		off += r;
	}
}

/*
 * Under f->mu, or as the drainer: write the first N bytes held for stream
 * WHICH of job O, then TN bytes at TAIL, and drop those N bytes.
 */
static void write_held(struct fanin *f, struct jobout *o, int which,
		       uint64_t n, const char *tail, size_t tn)
{
	struct held h = { f, o, which, 0, false };

	if (n == 0 && tn == 0)
		return;
	emit_begin(&f->emit, which, o->seq);
	outbuf_walk(&o->buf[which], n, held_mem, held_file, &h);
	held_mem(&h, tail, tn);
	emit_end(&f->emit);
	if (h.lent)
		outbuf_drop_lent(&f->store, &o->buf[which], n, which,
				 emit_sent(&f->emit, which));
	else
		outbuf_drop(&f->store, &o->buf[which], n);
	if (outbuf_lent(&f->store))
		outbuf_settle(&f->store, which, emit_taken(&f->emit, which));
	if (h.read_err) {
		warning("job %llu: cannot read back its %s from its temp file: %s",
			(unsigned long long)o->seq, stream_name[which],
			h.read_err > 0 ? strerror(h.read_err) : "file too short");
		emit_lost(&f->emit);
	}
}

/* Under f->mu: free O's buffers and put it on the free list. */
static void give_back(struct fanin *f, struct jobout *o)
{
	outbuf_free(&f->store, &o->buf[0]);
	outbuf_free(&f->store, &o->buf[1]);
	o->next = f->freelist;
	f->freelist = o;
}

/* Under f->mu, or as the drainer: write all of O. */
static void write_out(struct fanin *f, struct jobout *o)
{
	for (int which = 0; which < 2; which++) {
		write_held(f, o, which, o->buf[which].len, NULL, 0);
		/*
		 * --line-buffer: a last line without a newline gets one, so
		 * that the next job's line does not continue it.
		 */
		if (f->mode == FANIN_LINES && !o->bol[which]) {
			emit_begin(&f->emit, which, o->seq);
			emit_add(&f->emit, "\n", 1);
			emit_end(&f->emit);
		}
	}
}

/* Under f->mu: write all of O and recycle it. */
static void write_job(struct fanin *f, struct jobout *o)
{
	write_out(f, o);
	give_back(f, o);
}

/*
 * Under f->mu: O, still running, is now the head. Write what it holds that
 * may be shown (its stdout; under --line-buffer its whole lines) and let it
 * write the rest as it comes.
 */
static void make_live(struct fanin *f, struct jobout *o)
{
	if (!f->stream_head || o->live || o->keep_back)
		return;
	pthread_mutex_lock(&o->mu);
	if (f->mode == FANIN_LINES) {
		write_held(f, o, 0, o->buf[0].nl_end, NULL, 0);
		write_held(f, o, 1, o->buf[1].nl_end, NULL, 0);
	} else {
		write_held(f, o, 0, o->buf[0].len, NULL, 0);
	}
	o->live = true;
	pthread_mutex_unlock(&o->mu);
}

/* Under f->mu: tell on_head if the head has moved past TOLD; the head. */
static uint64_t head_moved(struct fanin *f, uint64_t told)
{
	uint64_t head = reorder_head(&f->order);

	if (head != told && f->on_head)
		f->on_head(head, f->arg);
	return head;
}

/*
 * Under f->mu: write the head and every finished job behind it, pass over
 * skipped seqs, and make the first job still running live. The writing is
 * done with f->mu let go, by one drainer at a time: if one is at work, it
 * will see what this caller came to tell (it looks at the head again after
 * each job).
 */
static void advance(struct fanin *f)
{
	uint64_t told = reorder_head(&f->order);
	struct jobout *o;

	if (f->draining)
		return;
	f->draining = true;
	while ((o = reorder_peek(&f->order)) != NULL) {
		if (!o->ended) {
			make_live(f, o);
			break;
		}
		reorder_pop(&f->order);
		pthread_mutex_unlock(&f->mu);
		write_out(f, o);
		pthread_mutex_lock(&f->mu);
		give_back(f, o);
		/* Written: the scheduler's window may move on already. */
		told = head_moved(f, told);
	}
	/* Skipped seqs are passed over by reorder_peek() too. */
	head_moved(f, told);
	f->draining = false;
}

static struct jobout *begin(struct fanin *f, uint64_t seq, const char *tag,
			    size_t taglen, bool keep_back)
{
	struct jobout *o;

	pthread_mutex_lock(&f->mu);
	o = f->freelist;
	if (o) {
		f->freelist = o->next;
	} else {
		o = xcalloc(1, sizeof *o);
		pthread_mutex_init(&o->mu, NULL);
		strbuf_init(&o->tagbuf, 0);
	}
	o->seq = seq;
	o->tag = NULL;
	o->taglen = 0;
	if (tag) {
		/* The job's record may be freed before its output is written. */
		strbuf_reset(&o->tagbuf);
		strbuf_add(&o->tagbuf, tag, taglen);
		o->tag = o->tagbuf.buf;
		o->taglen = taglen;
	}
	o->live = o->ended = false;
	o->keep_back = keep_back;
	o->bol[0] = o->bol[1] = true;
	o->next = NULL;
	/* Behind a drainer at work, the drainer makes it live in turn. */
	if (f->keep_order && reorder_put(&f->order, seq, o) &&
	    seq == reorder_head(&f->order) && !f->draining)
		make_live(f, o);
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
	if (n == 0 || emit_dead(&f->emit, which) || o->buf[which].lost)
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
	if (f->mode == FANIN_LINES) {
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
		if (o->seq == reorder_head(&f->order))
			advance(f);
	}
	pthread_mutex_unlock(&f->mu);
}

void fanin_skip(struct fanin *f, uint64_t seq)
{
	if (!f->keep_order)
		return;
	pthread_mutex_lock(&f->mu);
	reorder_skip(&f->order, seq);
	if (seq == reorder_head(&f->order))
		advance(f);
	pthread_mutex_unlock(&f->mu);
}

void fanin_discard(struct fanin *f, struct jobout *o)
{
	pthread_mutex_lock(&f->mu);
	if (f->keep_order)
		reorder_take(&f->order, o->seq, o);
	give_back(f, o);
	pthread_mutex_unlock(&f->mu);
}

void fanin_finish(struct fanin *f)
{
	pthread_mutex_lock(&f->mu);
	if (f->keep_order) {
		struct jobout *o;

		/* Jobs never started leave gaps: the rest goes out in order. */
		while ((o = reorder_pop_any(&f->order)) != NULL)
			write_job(f, o);
		reorder_release(&f->order);
		f->keep_order = false;
	}
	while (f->freelist) {
		struct jobout *o = f->freelist;

		f->freelist = o->next;
		pthread_mutex_destroy(&o->mu);
		strbuf_release(&o->tagbuf);
		free(o);
	}
	free(f->rbuf);
	f->rbuf = NULL;
	emit_unwatch(&f->emit);
	emit_release(&f->emit);
	outbuf_store_release(&f->store);
	pthread_mutex_unlock(&f->mu);
}
