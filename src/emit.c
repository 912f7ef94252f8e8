/*
 * emit.c - the one writer of fd 1 and 2 (see emit.h).
 *
 * Invariants:
 * - The gathered iovec list points only into the stage or at bytes the
 *   caller keeps until the next flush; it is always empty when the lock is
 *   let go (emit_end() flushes first).
 * - Between emit_begin() and emit_end() nothing calls out of emit but
 *   writev(2) and term, whose lock is a leaf: a failed write is only noted
 *   (failed_err, on_error_due) and said once the lock is let go, since
 *   saying it takes the lock again (warning -> write_std -> emit_record) and
 *   ON_ERROR takes other modules' locks.
 */
#define _GNU_SOURCE
#include "emit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "term.h"

#define STAGE_SIZE (64 * 1024)
#define PIPE_SIZE (1024 * 1024)         /* fd 1 or 2's pipe, for emit_file() */
#define SMALL 512                       /* pieces up to this are copied */
#if defined(IOV_MAX) && IOV_MAX < 1024
#define NIOV IOV_MAX
#else
#define NIOV 1024
#endif

static const char *const stream_name[2] = { "stdout", "stderr" };

static int write_std_emit(void *arg, int fd, const void *buf, size_t len)
{
	return emit_record(arg, fd, buf, len);
}

/* Are fd 1 and 2 the same file (a terminal, a pipe: 2>&1)? */
static bool same_file(void)
{
	struct stat a, b;

	return fstat(1, &a) == 0 && fstat(2, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Under e->mu: where fd WHICH + 1's line state is kept. */
static bool *midline(struct emit *e, int which)
{
	return &e->midline[e->same_file ? 0 : which];
}

void emit_init(struct emit *e, void (*on_error)(void *arg), void *arg)
{
	memset(e, 0, sizeof *e);
	e->same_file = same_file();
	pthread_mutex_init(&e->mu, NULL);
	e->iov = xmalloc(NIOV * sizeof *e->iov);
	e->stage = xmalloc(STAGE_SIZE);
	e->stiov = -1;
	e->watch_stop[0] = e->watch_stop[1] = -1;
	atomic_init(&e->dead[0], false);
	atomic_init(&e->dead[1], false);
	atomic_init(&e->error, EMIT_OK);
	e->on_error = on_error;
	e->arg = arg;
	e->writer.write = write_std_emit;
	e->writer.arg = e;
	set_std_writer(&e->writer);
}

void emit_release(struct emit *e)
{
	term_install();
	pthread_mutex_lock(&e->mu);
	free(e->iov);
	free(e->stage);
	e->iov = NULL;
	e->stage = NULL;
	pthread_mutex_unlock(&e->mu);
}

/* Record E as the first error, if it is; true if so. */
static bool set_error(struct emit *e, enum emit_error err)
{
	int expect = EMIT_OK;

	return atomic_compare_exchange_strong(&e->error, &expect, (int)err);
}

/* Not under e->mu: record ERR and tell the owner if it is the first. */
static void fail(struct emit *e, enum emit_error err)
{
	if (set_error(e, err) && e->on_error)
		e->on_error(e->arg);
}

enum emit_error emit_error(struct emit *e)
{
	return (enum emit_error)atomic_load(&e->error);
}

bool emit_dead(struct emit *e, int which)
{
	return atomic_load_explicit(&e->dead[which], memory_order_relaxed);
}

void emit_lost(struct emit *e)
{
	fail(e, EMIT_FATAL);
}

/*
 * Do REVENTS of poll(2) on an fd, asked for no event, say its reader is
 * gone? A pipe's write end reports POLLERR once no reader is left, a stream
 * socket POLLHUP once both ways are shut (a hung-up terminal both).
 */
static bool gone(short revents)
{
	return (revents & (POLLERR | POLLHUP)) != 0;
}

/* Fd WHICH + 1 has no reader: it is dead, and the run's error says so. */
static void mark_gone(struct emit *e, int which)
{
	if (!atomic_exchange(&e->dead[which], true))
		fail(e, EMIT_CLOSED);
}

bool emit_reader_gone(struct emit *e, int which)
{
	struct pollfd p = { .fd = which + 1, .events = 0 };

	if (!(poll(&p, 1, 0) == 1 && gone(p.revents)))
		return false;
	mark_gone(e, which);
	return true;
}

/* The watcher thread: sleep in poll(2) until fd 1's reader goes, or stop. */
static void *watch_main(void *arg)
{
	struct emit *e = arg;
	struct pollfd p[2] = {
		{ .fd = 1, .events = 0 },
		{ .fd = e->watch_stop[0], .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (p[1].revents || (p[0].revents & POLLNVAL))
			return NULL;
		if (gone(p[0].revents)) {
			mark_gone(e, 0);
			return NULL;
		}
	}
}

void emit_watch(struct emit *e)
{
	struct stat st;

	if (fstat(1, &st) != 0 || !(S_ISFIFO(st.st_mode) ||
				    S_ISSOCK(st.st_mode)))
		return;
	if (pipe_cloexec(e->watch_stop) < 0)
		goto none;
	if (thread_start(&e->watcher, 128 * 1024, watch_main, e) == 0)
		return;
	close(e->watch_stop[0]);
	close(e->watch_stop[1]);
none:
	/* Not fatal: a closed reader is then seen at the next write. */
	e->watch_stop[0] = e->watch_stop[1] = -1;
}

void emit_unwatch(struct emit *e)
{
	if (e->watch_stop[1] < 0)
		return;
	(void)write(e->watch_stop[1], "x", 1);
	pthread_join(e->watcher, NULL);
	close(e->watch_stop[0]);
	close(e->watch_stop[1]);
	e->watch_stop[0] = e->watch_stop[1] = -1;
}

void emit_begin(struct emit *e, int which, uint64_t seq)
{
	pthread_mutex_lock(&e->mu);
	e->fd = which + 1;
	e->seq = seq;
}

/* Under e->mu: writing to fd WHICH + 1 failed with ERR; say so later. */
static void write_failed(struct emit *e, int which, int err)
{
	if (atomic_exchange(&e->dead[which], true))
		return;
	e->failed_err[which] = err;
	e->failed_seq[which] = e->seq;
}

void emit_flush(struct emit *e)
{
	struct iovec *v = e->iov;
	int n = e->niov;
	int which = e->fd - 1;
	/* Does the output end a line? The status line is drawn after it. */
	bool nl = n > 0 && v[n - 1].iov_len > 0 &&
		  ((const char *)v[n - 1].iov_base)[v[n - 1].iov_len - 1] == '\n';

	if (n > 0)
		term_begin_write();
	while (n > 0 && !emit_dead(e, which)) {
		ssize_t w = writev(e->fd, v, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			write_failed(e, which, errno);
			break;
		}
		e->sent[which] += (uint64_t)w;
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
	if (e->niov > 0) {
		term_end_write(nl);
		*midline(e, which) = !nl;
	}
	e->niov = 0;
	e->stlen = 0;
	e->stiov = -1;
}

/* fdcopy()'s STOP: the session's fd has died (its reader went away). */
static bool session_dead(void *arg)
{
	struct emit *e = arg;

	return emit_dead(e, e->fd - 1);
}

int emit_file(struct emit *e, int in, off_t off, off_t len, char *buf,
	      size_t bufsz, char *last, bool *lent)
{
	int which = e->fd - 1;
	enum fdcopy_result res;
	off_t done = 0;
	ssize_t r;
	bool spliced;

	emit_flush(e);
	if (len <= 0 || emit_dead(e, which))
		return 0;
	/* Its last byte first: whether the stream ends a line. */
	do
		r = pread(in, last, 1, off + len - 1);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r < 0 ? errno : -1;
	if (e->way[which] == FDCOPY_UNSET) {
		e->way[which] = fdcopy_way(e->fd);
		/*
		 * Held output is passed on in bulk: a bigger pipe has the
		 * reader and fanout wake each other less often. Only the
		 * size changes; refused past the user's pipe limits, it
		 * stays as it was.
		 */
		if (e->way[which] == FDCOPY_SPLICE &&
		    fcntl(e->fd, F_GETPIPE_SZ) < PIPE_SIZE)
			(void)fcntl(e->fd, F_SETPIPE_SZ, PIPE_SIZE);
	}
	spliced = e->way[which] == FDCOPY_SPLICE;
	term_begin_write();
	res = fdcopy(e->fd, in, off, len, &e->way[which], buf, bufsz, &done,
		     session_dead, e);
	term_end_write(*last == '\n');
	if (done > 0)
		*midline(e, which) = done < len || *last != '\n';
	e->sent[which] += (uint64_t)done;
	if (done > 0 && spliced)
		*lent = true;
	switch (res) {
	case FDCOPY_OK:
		return 0;
	case FDCOPY_SHORT:
		return -1;
	case FDCOPY_READ_ERR:
		return errno;
	case FDCOPY_WRITE_ERR:
		write_failed(e, which, errno);
		return 0;
	}
	return 0;
}

uint64_t emit_sent(struct emit *e, int which)
{
	uint64_t n;

	pthread_mutex_lock(&e->mu);
	n = e->sent[which];
	pthread_mutex_unlock(&e->mu);
	return n;
}

uint64_t emit_taken(struct emit *e, int which)
{
	int unread = 0;
	uint64_t n;

	pthread_mutex_lock(&e->mu);
	n = e->sent[which];
	pthread_mutex_unlock(&e->mu);
	if (ioctl(which + 1, FIONREAD, &unread) != 0 || unread < 0)
		return 0;
	return (uint64_t)unread < n ? n - (uint64_t)unread : 0;
}

void emit_end(struct emit *e)
{
	int err[2];
	uint64_t seq[2];

	emit_flush(e);
	for (int which = 0; which < 2; which++) {
		err[which] = e->failed_err[which];
		seq[which] = e->failed_seq[which];
		e->failed_err[which] = 0;
	}
	pthread_mutex_unlock(&e->mu);
	for (int which = 0; which < 2; which++) {
		if (!err[which])
			continue;
		if (err[which] == EPIPE) {
			fail(e, EMIT_CLOSED);
			continue;
		}
		warning("job %llu: cannot write its output to %s (the rest is "
			"lost): %s", (unsigned long long)seq[which],
			stream_name[which], strerror(err[which]));
		fail(e, EMIT_FATAL);
	}
}

void emit_add(struct emit *e, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (n <= SMALL) {
		if (e->stlen + n > STAGE_SIZE)
			emit_flush(e);
		memcpy(e->stage + e->stlen, p, n);
		if (e->stiov >= 0 && e->stiov == e->niov - 1) {
			e->iov[e->stiov].iov_len += n;
		} else {
			e->iov[e->niov].iov_base = e->stage + e->stlen;
			e->iov[e->niov].iov_len = n;
			e->stiov = e->niov++;
		}
		e->stlen += n;
	} else {
		e->iov[e->niov].iov_base = (void *)p;
		e->iov[e->niov].iov_len = n;
		e->niov++;
	}
	if (e->niov == NIOV)
		emit_flush(e);
}

void emit_bytes(struct emit *e, const char *tag, size_t taglen, bool *bol,
		const char *buf, size_t n)
{
	if (n == 0)
		return;
	if (!tag) {
		emit_add(e, buf, n);
	} else {
		const char *p = buf;
		size_t left = n;

		while (left > 0) {
			const char *nl = memchr(p, '\n', left);
			size_t len = nl ? (size_t)(nl - p) + 1 : left;

			if (*bol) {
				emit_add(e, tag, taglen);
				emit_add(e, "\t", 1);
			}
			emit_add(e, p, len);
			*bol = nl != NULL;
			p += len;
			left -= len;
		}
	}
	*bol = buf[n - 1] == '\n';
}

int emit_record(struct emit *e, int fd, const void *buf, size_t len)
{
	int rc, err;

	pthread_mutex_lock(&e->mu);
	term_begin_write();
	/* Not glued to a job's last piece that had no newline. */
	rc = len > 0 && *midline(e, fd - 1) ? term_write(fd, "\n", 1) : 0;
	if (rc == 0)
		rc = term_write(fd, buf, len);
	err = errno;
	term_end_write(len == 0 || ((const char *)buf)[len - 1] == '\n');
	if (rc == 0 && len > 0)
		*midline(e, fd - 1) = ((const char *)buf)[len - 1] != '\n';
	pthread_mutex_unlock(&e->mu);
	errno = err;
	return rc;
}
