/*
 * pipein.c - the --pipe reader (see pipein.h).
 *
 * A stream block's buffer holds the --header lines, then the body; reads
 * go straight into it. Once it holds --block bytes of body, blockcut says
 * where the block ends; the bytes after that (the start of the next
 * record) are copied to the next block's buffer, which is the only copy
 * fanout makes. A record longer than the buffer grows it.
 *
 * --round-robin: the blocks carry no header (each consumer reads it once,
 * from its own first block), and the reader outlives the input: it waits
 * until the deal's last block is taken, starting a consumer in place of
 * any that left while blocks still waited.
 */
#define _GNU_SOURCE
#include "pipein.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockpipe.h"
#include "deal.h"
#include "job.h"
#include "pipefeed.h"
#include "strbuf.h"
#include "util.h"

/* Reads around a cut in a file, and the least a buffer grows by. */
#define WINDOW (64 * 1024)

/* The --header lines end at the N-th newline, whatever --recend is. */
static const struct blockcut lines = { "\n", 1, NULL, 0 };

/* --round-robin: the blocks' deal, and the header each consumer reads. */
static struct deal *dealer;
static const char *rr_hdr;
static size_t rr_hdrlen;
static bool rr_orphaned;        /* blocks were left with no consumer */

struct stream {
	const struct pipein_conf *c;
	char *hdr;              /* the --header lines */
	size_t hdrlen;
	char *buf;              /* the block being filled: header, then body */
	size_t cap, len;        /* len counts the header too */
	uint64_t seq;
	bool eof;
	bool no_splice;         /* stdin cannot be spliced into blocks' pipes */
	int error;
};

/* Hand the job for block B on; false once the run stops. */
static bool put_block(const struct pipein_conf *c, uint64_t *seq,
		      struct block *b)
{
	struct job *j = job_new(++*seq, "", 0, 0);

	j->block = b;
	j->queued_ns = now_ns();
	return c->put(j, c->arg);
}

/* --round-robin: a consumer's first block, the --header lines. */
static struct block *consumer(void)
{
	struct block *b = xcalloc(1, sizeof *b);

	/* A copy: the job may outlive the reader's own. */
	if (rr_hdrlen) {
		b->buf = xmalloc(rr_hdrlen);
		memcpy(b->buf, rr_hdr, rr_hdrlen);
		b->len = rr_hdrlen;
	}
	b->fd = -1;
	b->deal = dealer;
	return b;
}

/* The reader's place in the numbering, for the deal's start callback. */
struct starter {
	const struct pipein_conf *c;
	uint64_t *seq;
};

/* deal_start_fn: one consumer more. */
static bool start_consumer(void *arg)
{
	struct starter *st = arg;

	return put_block(st->c, st->seq, consumer());
}

/* What the deal said, on the reader's side; false: stop reading. */
static bool dealt(const struct pipein_conf *c, enum deal_put r)
{
	/* --dry-run: the consumers only showed their commands. */
	if (r == DEAL_ORPHANED && !c->dry_run && !rr_orphaned) {
		warning("--round-robin: every job ended before the input did; "
			"the rest of it was given to none");
		rr_orphaned = true;
	}
	return r == DEAL_QUEUED;
}

/*
 * Block B is cut: the stdin of a job of its own, or (--round-robin) into
 * the deal, which starts the consumers. False once the run stops.
 */
static bool give(const struct pipein_conf *c, uint64_t *seq, struct block *b)
{
	struct starter st = { c, seq };

	if (!dealer)
		return put_block(c, seq, b);
	if (dealt(c, deal_put(dealer, b, c->stop_fd, start_consumer, &st)))
		return true;
	block_free(b);
	return false;
}

/* --round-robin: the input is over; wait until each block is taken. */
static void finish_deal(const struct pipein_conf *c, uint64_t *seq)
{
	struct starter st = { c, seq };

	if (!dealer)
		return;
	deal_close(dealer);
	dealt(c, deal_drain(dealer, c->stop_fd, start_consumer, &st));
}

/* Wait until the input is readable (true) or the run stops (false). */
static bool readable(const struct pipein_conf *c)
{
	struct pollfd p[2] = {
		{ .fd = c->fd, .events = POLLIN },
		{ .fd = c->stop_fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (p[1].revents)
			return false;
		if (p[0].revents)
			return true;
	}
}

/*
 * Read until the body holds WANT bytes or the input ends; false: stop.
 * Never past WANT: what is read past the cut is copied once more.
 */
static bool fill(struct stream *s, size_t want)
{
	while (!s->eof && s->len - s->hdrlen < want) {
		size_t need = s->hdrlen + want;
		ssize_t n;

		if (s->cap < need) {
			s->cap = need > s->cap * 2 ? need : s->cap * 2;
			s->buf = xrealloc(s->buf, s->cap);
		}
		if (!readable(s->c))
			return false;
		n = read(s->c->fd, s->buf + s->len, need - s->len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warning_errno("cannot read input");
			s->error = 1;
			return false;
		}
		if (n == 0)
			s->eof = true;
		s->len += (size_t)n;
	}
	return true;
}

/* Take the --header lines off the front of the input; false: stop. */
static bool take_header(struct stream *s)
{
	size_t want = WINDOW, p;

	for (;;) {
		if (!fill(s, want))
			return false;
		p = blockcut_nth(&lines, s->buf, s->len, 0, s->c->header, NULL);
		if (p || s->eof)
			break;
		want = s->len * 2;
	}
	if (!p)
		p = s->len;     /* the input is all header */
	s->hdr = xmalloc(p);
	memcpy(s->hdr, s->buf, p);
	if (dealer) {
		/* The consumers read it, not each block. */
		rr_hdr = s->hdr;
		rr_hdrlen = p;
		s->len -= p;
		memmove(s->buf, s->buf + p, s->len);
		return true;
	}
	/* The buffer is now what every block is: the header, then body. */
	s->hdrlen = p;
	return true;
}

/* The body's first P bytes are a block: send it, start the next. */
static bool send_block(struct stream *s, size_t p)
{
	size_t body = s->len - s->hdrlen, rest = body - p;
	size_t cap = s->hdrlen + (s->c->block > rest ? s->c->block : rest);
	struct block *b = xcalloc(1, sizeof *b);
	char *next = xmalloc(cap);

	if (s->hdrlen)
		memcpy(next, s->hdr, s->hdrlen);
	memcpy(next + s->hdrlen, s->buf + s->hdrlen + p, rest);
	b->buf = s->buf;
	b->len = s->hdrlen + p;
	b->fd = -1;
	s->buf = next;
	s->cap = cap;
	s->len = s->hdrlen + rest;
	return give(s->c, &s->seq, b);
}

/* Blocks in pipes of their own not yet freed (block_free counts down). */
static atomic_int pipes_live;

/* What became of a block tried in a pipe of its own. */
enum piped { PIPED, PIPED_STOP, PIPED_NOT };

/*
 * The block's bytes so far are P's, then REST[0..N): take them all back
 * into the stream's buffer, to go on in memory.
 */
static enum piped unpipe(struct stream *s, struct blockpipe *p,
			 const char *rest, size_t n)
{
	size_t len = p->len + n;
	size_t cap = len > s->cap ? len : s->cap;
	char *buf = xmalloc(cap);

	if (n)
		memcpy(buf + p->len, rest, n);
	if (!blockpipe_drain(p, buf)) {
		warning_errno("cannot read a block back from its pipe");
		s->error = 1;
		free(buf);
		return PIPED_STOP;
	}
	free(s->buf);
	s->buf = buf;
	s->cap = cap;
	s->len = len;
	return PIPED_NOT;
}

/*
 * The next block in a pipe of its own (blockpipe.h): the header and the
 * bytes carried over are written in, stdin's pages spliced in up to a
 * WINDOW short of the block, and the WINDOW read to find the cut in it.
 * PIPED_NOT: the stream's buffer holds what was read, to go on in memory
 * (no pipe that big, stdin cannot splice, the pipe's slots ran out, or no
 * cut in the window: a long record, which the memory path cuts as ever).
 */
static enum piped pipe_block(struct stream *s)
{
	const struct pipein_conf *c = s->c;
	struct blockpipe p;
	size_t limit, body, n, cut, w;
	struct block *b;

	/* The descriptors the jobs need to start are not the reader's. */
	if (atomic_load(&pipes_live) >= c->max_pipes ||
	    !blockpipe_open(&p, s->hdrlen + c->block))
		return PIPED_NOT;
	limit = p.room > s->hdrlen ? p.room - s->hdrlen : 0;
	if (limit > c->block)
		limit = c->block;
	/*
	 * A block the pipe holds less than the --block of (a bigger --block
	 * than pipe-max-size, a long header) stays in memory: a pipe may cut
	 * it a little early (its seams), never into pieces.
	 */
	if (limit + WINDOW < c->block || s->len - s->hdrlen > WINDOW) {
		blockpipe_close(&p);
		return PIPED_NOT;
	}
	w = blockpipe_write(&p, s->buf, s->len);
	if (w < s->len)
		return unpipe(s, &p, s->buf + w, s->len - w);
	body = s->len - s->hdrlen;
	s->len = s->hdrlen;
	while (body < limit - WINDOW && !s->eof) {
		ssize_t r;

		if (!readable(c)) {
			blockpipe_close(&p);
			return PIPED_STOP;
		}
		r = blockpipe_splice(&p, c->fd, limit - WINDOW - body);
		if (r > 0) {
			body += (size_t)r;
		} else if (r == 0) {
			s->eof = true;
		} else if (errno == EINVAL) {
			s->no_splice = true;
			return unpipe(s, &p, NULL, 0);
		} else if (errno == EAGAIN && blockpipe_full(&p)) {
			/* Small pages: memory suits this writer better. */
			s->no_splice = true;
			return unpipe(s, &p, NULL, 0);
		} else if (errno != EAGAIN && errno != EINTR) {
			warning_errno("cannot read input");
			s->error = 1;
			blockpipe_close(&p);
			return PIPED_STOP;
		}
	}
	/* The window, into the buffer after the header. */
	if (!fill(s, limit - body)) {
		blockpipe_close(&p);
		return PIPED_STOP;
	}
	n = s->len - s->hdrlen;
	if (body + n == 0) {
		blockpipe_close(&p);    /* the input is over */
		return PIPED_STOP;
	}
	cut = s->eof ? n : blockcut_last(&c->cut, s->buf + s->hdrlen, n, 0, n);
	if (!cut && !s->eof)
		return unpipe(s, &p, s->buf + s->hdrlen, n);
	w = blockpipe_write(&p, s->buf + s->hdrlen, cut);
	if (w < cut)
		return unpipe(s, &p, s->buf + s->hdrlen + w, n - w);
	blockpipe_seal(&p);
	/* What follows the cut starts the next block. */
	memmove(s->buf + s->hdrlen, s->buf + s->hdrlen + cut, n - cut);
	s->len = s->hdrlen + n - cut;
	b = xcalloc(1, sizeof *b);
	b->fd = -1;
	b->pfd = p.rfd;
	b->plen = p.len;
	b->pipes = &pipes_live;
	atomic_fetch_add(&pipes_live, 1);
	return give(c, &s->seq, b) ? PIPED : PIPED_STOP;
}

/* May the next block go in a pipe of its own? */
static bool pipeable(const struct stream *s)
{
	const struct pipein_conf *c = s->c;

	return c->once && !c->nrec && !dealer && !s->no_splice && !s->eof &&
	       c->block >= 4 * WINDOW && s->len - s->hdrlen <= WINDOW;
}

static void read_stream(struct stream *s)
{
	const struct pipein_conf *c = s->c;
	size_t want = c->block;

	s->cap = c->block;
	s->buf = xmalloc(s->cap);
	if (c->header && !take_header(s))
		return;
	for (;;) {
		size_t body, p;

		if (want == c->block && pipeable(s)) {
			enum piped r = pipe_block(s);

			if (r == PIPED)
				continue;
			if (r == PIPED_STOP)
				return;
		}
		if (!fill(s, want))
			return;
		body = s->len - s->hdrlen;
		if (body == 0)
			return;
		p = blockcut_block(&c->cut, s->buf + s->hdrlen, body, c->block,
				   c->nrec, s->eof);
		if (p == 0) {
			/* A record longer than we have: read more. */
			want = body + (body > WINDOW ? body : WINDOW);
			continue;
		}
		want = c->block;
		if (!send_block(s, p))
			return;
	}
}

static int stream(const struct pipein_conf *c)
{
	struct stream s = { .c = c };
	struct stat st;

#ifdef F_SETPIPE_SZ
	/* A bigger pipe from the writer: fewer, larger reads (best effort). */
	if (fstat(c->fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(c->fd, F_SETPIPE_SZ, 1 << 20);
#endif
	read_stream(&s);
	finish_deal(c, &s.seq);
	free(s.buf);
	free(s.hdr);
	return s.error ? -1 : 0;
}

/* A file read around a cut: WIN holds its bytes [at, at + n). */
struct file {
	const struct pipein_conf *c;
	char *win;
	off_t size;
	int error;
};

/* Read the file's bytes [AT, AT + N) into the window; bytes read. */
static size_t window(struct file *f, off_t at, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(f->c->fd, f->win + got, n - got,
				  at + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && !f->error) {
			warning_errno("cannot read input");
			f->error = 1;
		}
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/*
 * Where the block that starts at OFF ends: the last cut in the WINDOW
 * bytes before OFF + --block, else the first after it (a long record),
 * else the end of the file.
 */
static off_t cut_near(struct file *f, off_t off)
{
	const struct blockcut *c = &f->c->cut;
	off_t target = off + (off_t)f->c->block, lo, at;
	size_t ahead = c->startlen, n, p;

	if (target >= f->size)
		return f->size;
	lo = target - off > WINDOW ? target - WINDOW : off;
	n = window(f, lo, (size_t)(target - lo) + ahead);
	p = blockcut_last(c, f->win, n, 0, (size_t)(target - lo));
	if (p)
		return lo + (off_t)p;
	/* Forward, in windows that overlap by what a boundary spans. */
	at = target - (off_t)c->endlen > off ? target - (off_t)c->endlen : off;
	for (;; at += (off_t)(n - c->endlen - ahead)) {
		n = window(f, at, WINDOW);
		if (n <= c->endlen + ahead)
			return f->size;
		p = blockcut_first(c, f->win, n, 0);
		if (p && at + (off_t)p > off)
			return at + (off_t)p;
		if (at + (off_t)n >= f->size)
			return f->size;
	}
}

/* The --header lines at the file's start, into *HDR; their length. */
static size_t file_header(struct file *f, char **hdr)
{
	struct strbuf sb;
	size_t seen = 0;
	off_t at = f->c->start;

	strbuf_init(&sb, 0);
	for (;;) {
		size_t n = window(f, at, WINDOW), p, k;

		if (n == 0)
			break;
		p = blockcut_nth(&lines, f->win, n, 0, f->c->header - seen, &k);
		if (p) {
			strbuf_add(&sb, f->win, p);
			break;
		}
		strbuf_add(&sb, f->win, n);
		seen += k;
		at += (off_t)n;
	}
	if (!sb.len) {
		strbuf_release(&sb);    /* its empty buffer is not malloc'd */
		*hdr = NULL;
		return 0;
	}
	*hdr = sb.buf;
	return sb.len;
}

/* The jobs read the file's header until the run ends: pipein_free(). */
static char *file_hdr;

/* A regular file: byte ranges of it, each found by a look near its cut. */
static int ranges(const struct pipein_conf *c)
{
	struct file f = { .c = c };
	struct stat st;
	uint64_t seq = 0;
	char *hdr = NULL;
	size_t hdrlen = 0;
	off_t off = c->start;

	if (fstat(c->fd, &st) < 0)
		return stream(c);
	f.size = st.st_size;
	f.win = xmalloc(WINDOW + c->cut.startlen + c->cut.endlen + 1);
	if (c->header)
		off += (off_t)(hdrlen = file_header(&f, &hdr));
	file_hdr = hdr;
	if (dealer) {
		/* The consumers read it, not each block. */
		rr_hdr = hdr;
		rr_hdrlen = hdrlen;
		hdr = NULL;
		hdrlen = 0;
	}
	while (off < f.size && !f.error) {
		off_t end = cut_near(&f, off);
		struct block *b = xcalloc(1, sizeof *b);

		b->head = hdr;
		b->headlen = hdrlen;
		b->fd = c->fd;
		b->off = off;
		b->flen = (size_t)(end - off);
		if (!give(c, &seq, b))
			break;
		off = end;
	}
	finish_deal(c, &seq);
	free(f.win);
	return f.error ? -1 : 0;
}

void pipein_free(void)
{
	free(file_hdr);
	file_hdr = NULL;
	deal_free(dealer, block_free);
	dealer = NULL;
	rr_hdr = NULL;
	rr_hdrlen = 0;
	rr_orphaned = false;
}

int pipein_run(const struct pipein_conf *c)
{
	/* Two blocks queued, as the injector holds two jobs otherwise. */
	if (c->round_robin && !(dealer = deal_new(2, c->round_robin, c->block))) {
		warning_errno("cannot make a pipe");
		return -1;
	}
	if ((c->ranges ? ranges(c) : stream(c)) < 0 || rr_orphaned)
		return -1;
	return 0;
}
