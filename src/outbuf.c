/*
 * outbuf.c - held output: memory blocks, then a shared spill file.
 *
 * Invariants:
 * - A stream's held bytes are memory blocks followed by extents of the one
 *   shared spill file. Once a stream spills, the rest of what it holds goes
 *   to the file too, so the order is always memory first, then file.
 * - Memory blocks count against the budget (s->used, the sum of their
 *   capacities); a freed extent is punched out of the file, and the file is
 *   cut back to nothing when it holds no live byte.
 * - s->mu guards the spill file's end and live bytes only: a stretch is
 *   reserved under it and written unlocked. An outbuf itself is guarded by
 *   its caller. s->mu is taken last, after any lock of the caller's.
 * - A stretch lent to a pipe (spliced, fdcopy.h) is not punched when it is
 *   dropped: a punch zeroes the very pages the pipe's reader has yet to
 *   read. It waits in s->lent, no longer live, until outbuf_settle() says
 *   the reader has gone past it; cutting the whole file back to nothing is
 *   safe for such pages (they are only detached), and empties s->lent,
 *   whose stretches then no longer exist. Lent stretches are punched under
 *   s->mu, so that no cut and regrowth of the file comes in between.
 */
#define _GNU_SOURCE
#include "outbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define BLK_MIN (4 * 1024)              /* first block of a stream */
#define BLK_MAX (1024 * 1024)           /* blocks double up to this */

struct outbuf_block {
	struct outbuf_block *next;
	size_t len, cap;
	char data[];
};

/* A stretch of the spill file. */
struct outbuf_extent {
	off_t off, len;
};

/* A dropped stretch still lent to lane LANE's pipe until MARK is taken. */
struct outbuf_lent {
	off_t off, len;
	uint64_t mark;
	int lane;
};

const char *outbuf_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

void outbuf_store_init(struct outbuf_store *s, size_t budget)
{
	pthread_mutex_init(&s->mu, NULL);
	s->budget = budget;
	atomic_init(&s->used, 0);
	s->tmpdir = outbuf_tmpdir();
	s->fd = -1;
	s->end = s->live = 0;
	s->lent = NULL;
	s->nlent = s->lentcap = 0;
	atomic_init(&s->pending, 0);
}

void outbuf_store_release(struct outbuf_store *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->lent);
	s->lent = NULL;
	s->nlent = s->lentcap = 0;
	atomic_store(&s->pending, 0);
}

/* An unlinked, private, close-on-exec temp file above fd 2; -1 with errno. */
static int spill_file(const char *dir)
{
	int fd;
	char *path;
	size_t n;

#ifdef O_TMPFILE
	/* Never has a name, so nothing is left behind even after SIGKILL. */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR ||
		       errno == EINVAL)) {
#else
	{
#endif
		n = strlen(dir) + sizeof "/fanout.XXXXXX";
		path = xmalloc(n);
		snprintf(path, n, "%s/fanout.XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
		free(path);
	}
	if (fd >= 0 && fd <= 2) {
		/*
		 * fd 0-2 was closed (main holds them, but be sure): a spill
		 * file there would take in what is meant for the terminal.
		 * Move it up and leave /dev/null, read-only, in its place.
		 */
		int up = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		int nul = open("/dev/null", O_RDONLY);
		int e = errno;

		if (nul >= 0 && nul != fd) {
			dup2(nul, fd);
			close(nul);
		} else if (nul < 0) {
			close(fd);
		}
		fd = up;
		errno = e;
	}
	return fd;
}

int outbuf_tmpdir_check(void)
{
	int fd = spill_file(outbuf_tmpdir());

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Give LEN bytes at OFF back now: a slow head must not fill $TMPDIR. */
static void punch(struct outbuf_store *s, off_t off, off_t len)
{
#ifdef FALLOC_FL_PUNCH_HOLE
	(void)fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			off, len);
#else
	(void)s;
	(void)off;
	(void)len;
#endif
}

/* Under s->mu: LEN live bytes are gone; with none left, start over. */
static void forget(struct outbuf_store *s, off_t len)
{
	s->live -= len;
	if (s->live == 0 && s->end > 0) {
		/* Nothing live, nothing being written: start over. */
		if (ftruncate(s->fd, 0) == 0) {
			s->end = 0;
			s->nlent = 0;
			atomic_store(&s->pending, 0);
		}
	}
}

/*
 * LEN bytes at OFF of the spill file are no longer needed. LANE >= 0: they
 * were lent to that lane's pipe, whose writer had sent MARK bytes.
 */
static void spill_release(struct outbuf_store *s, off_t off, off_t len,
			  int lane, uint64_t mark)
{
	if (len <= 0)
		return;
	if (lane < 0)
		punch(s, off, len);
	pthread_mutex_lock(&s->mu);
	if (lane >= 0) {
		struct outbuf_lent *l = s->nlent ? &s->lent[s->nlent - 1]
						 : NULL;

		if (l && l->lane == lane && l->off + l->len == off) {
			/* The next stretch of the file: one punch for both. */
			l->len += len;
			l->mark = mark > l->mark ? mark : l->mark;
		} else {
			s->lent = grow_array(s->lent, &s->lentcap,
					     s->nlent + 1, sizeof *s->lent, 8);
			s->lent[s->nlent++] = (struct outbuf_lent){
				off, len, mark, lane };
		}
		atomic_store(&s->pending, s->nlent);
	}
	forget(s, len);
	pthread_mutex_unlock(&s->mu);
}

bool outbuf_lent(struct outbuf_store *s)
{
	return atomic_load_explicit(&s->pending, memory_order_relaxed) > 0;
}

void outbuf_settle(struct outbuf_store *s, int lane, uint64_t taken)
{
	size_t keep = 0;

	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->nlent; i++) {
		struct outbuf_lent *l = &s->lent[i];

		if (l->lane == lane && l->mark <= taken)
			punch(s, l->off, l->len);
		else
			s->lent[keep++] = *l;
	}
	s->nlent = keep;
	atomic_store(&s->pending, keep);
	pthread_mutex_unlock(&s->mu);
}

int outbuf_spill(struct outbuf_store *s, struct outbuf *b, const char *buf,
		 size_t n)
{
	off_t off;
	size_t done = 0;
	int fd, e = 0;

	pthread_mutex_lock(&s->mu);
	if (s->fd < 0 && (s->fd = spill_file(s->tmpdir)) < 0)
		e = errno;
	fd = s->fd;
	off = s->end;
	if (fd >= 0) {
		/* Reserve the stretch; the write itself runs unlocked. */
		s->end += (off_t)n;
		s->live += (off_t)n;
	}
	pthread_mutex_unlock(&s->mu);
	if (fd < 0) {
		errno = e;
		return -1;
	}
	while (done < n) {
		ssize_t w = pwrite(fd, buf + done, n - done, off + (off_t)done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : ENOSPC;
			spill_release(s, off, (off_t)n, -1, 0);
			errno = e;
			return -1;
		}
		done += (size_t)w;
	}
	if (b->next > b->enext &&
	    b->ext[b->next - 1].off + b->ext[b->next - 1].len == off) {
		b->ext[b->next - 1].len += (off_t)n;
	} else {
		b->ext = grow_array(b->ext, &b->extcap, b->next + 1,
				    sizeof *b->ext, 8);
		b->ext[b->next].off = off;
		b->ext[b->next].len = (off_t)n;
		b->next++;
	}
	b->len += n;
	return 0;
}

/* Take SZ bytes of the memory budget, if that many are left. */
static bool reserve(struct outbuf_store *s, size_t sz)
{
	size_t u = atomic_load_explicit(&s->used, memory_order_relaxed);

	do {
		if (u + sz > s->budget || u + sz < u)
			return false;
	} while (!atomic_compare_exchange_weak(&s->used, &u, u + sz));
	return true;
}

size_t outbuf_append(struct outbuf_store *s, struct outbuf *b,
		     const char *buf, size_t n)
{
	struct outbuf_block *k = b->tail;
	size_t taken = 0;

	/* Spilling already: the rest goes to the file, to keep the order. */
	if (b->next != b->enext)
		return 0;
	if (k && k->len < k->cap) {
		size_t c = k->cap - k->len < n ? k->cap - k->len : n;

		memcpy(k->data + k->len, buf, c);
		k->len += c;
		b->len += c;
		taken += c;
	}
	while (taken < n) {
		size_t left = n - taken;
		size_t want = k ? 2 * k->cap : BLK_MIN;
		size_t need = (left + BLK_MIN - 1) / BLK_MIN * BLK_MIN;
		size_t c;

		if (want > BLK_MAX)
			want = BLK_MAX;
		if (!reserve(s, want)) {
			if (need >= want || !reserve(s, need))
				break;
			want = need;
		}
		k = xmalloc(sizeof *k + want);
		k->next = NULL;
		k->cap = want;
		c = want < left ? want : left;
		memcpy(k->data, buf + taken, c);
		k->len = c;
		if (b->tail)
			b->tail->next = k;
		else
			b->head = k;
		b->tail = k;
		b->len += c;
		taken += c;
	}
	return taken;
}

void outbuf_walk(const struct outbuf *b, uint64_t n,
		 void (*mem)(void *arg, const char *p, size_t len),
		 void (*file)(void *arg, off_t off, off_t len), void *arg)
{
	uint64_t left = n;
	size_t skip = b->skip;

	for (const struct outbuf_block *k = b->head; k && left > 0;
	     k = k->next) {
		size_t len = k->len - skip;

		if (len > left)
			len = (size_t)left;
		mem(arg, k->data + skip, len);
		left -= len;
		skip = 0;
	}
	for (size_t i = b->enext; i < b->next && left > 0; i++) {
		off_t len = b->ext[i].len < (off_t)left ? b->ext[i].len
							 : (off_t)left;

		file(arg, b->ext[i].off, len);
		left -= (uint64_t)len;
	}
}

ssize_t outbuf_read(struct outbuf_store *s, char *buf, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pread(s->fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

/* outbuf_drop(), its spilled bytes lent to LANE (>= 0) until MARK. */
static void drop(struct outbuf_store *s, struct outbuf *b, uint64_t n,
		 int lane, uint64_t mark)
{
	uint64_t left = n;

	while (left > 0 && b->head) {
		struct outbuf_block *k = b->head;
		size_t avail = k->len - b->skip;

		if (left < avail) {
			b->skip += (size_t)left;
			left = 0;
			break;
		}
		left -= avail;
		b->skip = 0;
		if (k == b->tail) {
			/* Keep the last block for what comes next. */
			k->len = 0;
			break;
		}
		b->head = k->next;
		atomic_fetch_sub(&s->used, k->cap);
		free(k);
	}
	while (left > 0 && b->enext < b->next) {
		struct outbuf_extent *e = &b->ext[b->enext];
		off_t k = e->len < (off_t)left ? e->len : (off_t)left;

		spill_release(s, e->off, k, lane, mark);
		e->off += k;
		e->len -= k;
		left -= (uint64_t)k;
		if (e->len == 0)
			b->enext++;
	}
	if (b->enext == b->next)
		b->enext = b->next = 0;
	b->len -= n;
	b->nl_end = b->nl_end > n ? b->nl_end - n : 0;
}

void outbuf_drop(struct outbuf_store *s, struct outbuf *b, uint64_t n)
{
	drop(s, b, n, -1, 0);
}

void outbuf_drop_lent(struct outbuf_store *s, struct outbuf *b, uint64_t n,
		      int lane, uint64_t mark)
{
	drop(s, b, n, lane, mark);
}

void outbuf_free(struct outbuf_store *s, struct outbuf *b)
{
	outbuf_drop(s, b, b->len);
	if (b->head) {
		atomic_fetch_sub(&s->used, b->head->cap);
		free(b->head);
	}
	free(b->ext);
	memset(b, 0, sizeof *b);
}
