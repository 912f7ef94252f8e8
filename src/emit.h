/*
 * emit.h - the one writer of fanout's stdout and stderr (fd 1 and 2).
 *
 * Everything fanout writes to fd 1 and 2 goes through here, under one lock
 * (e->mu), so no two writers' bytes ever interleave, whichever fds point
 * at the same pipe:
 *   - jobs' output, in sessions: emit_begin() takes the lock, emit_add()
 *     and emit_bytes() gather pieces (short ones copied into a staging
 *     buffer, long ones pointed at where they lie), emit_flush() writes
 *     them with writev(2), emit_end() flushes and lets go;
 *   - whole lines and records (fanout's messages, the job log and JSON log
 *     on "-", -v), through emit_record(), which emit_init() installs as
 *     util's write_std() routine.
 * Each write is bracketed by term_begin_write()/term_end_write(), so the
 * status line (term.h) is never inside it.
 *
 * Errors: the first failed write to fd 1 or 2 during a session marks that
 * fd dead (what would go there is dropped from then on) and records the
 * run's first error: EMIT_CLOSED for EPIPE, else EMIT_FATAL with a
 * message. The message and the ON_ERROR callback come after the lock is
 * let go. emit_record() reports its failures to its caller only.
 *
 * Lock order (all of fanout's locks that meet here):
 *   fanin's lock -> a jobout's lock -> any other lock (the gate's, a log's,
 *   the scheduler's) -> e->mu -> the outbuf store's lock -> term's lock.
 * warning() and die() take e->mu (through write_std()), so they may be called
 * with any lock held except e->mu itself: code between emit_begin() and
 * emit_end() never calls them, nor ON_ERROR, nor anything that allocates.
 */
#ifndef FANOUT_EMIT_H
#define FANOUT_EMIT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "fdcopy.h"
#include "util.h"

struct iovec;

enum emit_error {
	EMIT_OK,
	EMIT_CLOSED,            /* stdout or stderr closed: EPIPE */
	EMIT_FATAL,             /* output could not be written or held: exit 3 */
};

struct emit {
	pthread_mutex_t mu;     /* every write to fd 1 and 2 */
	struct std_writer writer;       /* emit_record(), for write_std() */

	/* The session, under mu. */
	int fd;                 /* 1 or 2 */
	uint64_t seq;           /* whose output, for messages */
	struct iovec *iov;
	int niov, stiov;        /* stiov: the iovec that ends in the stage */
	char *stage;            /* short pieces and tags, copied */
	size_t stlen;
	int failed_err[2];      /* a write to fd 1 / 2 failed: errno, not said */
	uint64_t sent[2];       /* bytes written to fd 1 / 2 by sessions */
	enum fdcopy_way way[2]; /* how emit_file() copies to fd 1 / 2 */
	uint64_t failed_seq[2];

	/* emit_watch(): a thread polls fd 1 for its reader going away. */
	pthread_t watcher;
	int watch_stop[2];      /* emit_unwatch() writes here; -1: no watcher */

	/*
	 * Under mu: the last byte written to fd 1 / fd 2 was not a newline,
	 * so a record (a message) starts with one. Fd 1 and 2 that are the
	 * same file (2>&1) share midline[0].
	 */
	bool midline[2];
	bool same_file;

	_Atomic bool dead[2];   /* fd 1 / fd 2 failed: drop what goes there */
	_Atomic int error;      /* enum emit_error: the first */
	void (*on_error)(void *arg);
	void *arg;
};

/*
 * Set up E and make it write_std()'s routine. ON_ERROR(ARG) runs once, on
 * the first error, from whichever thread met it (no lock of emit held).
 */
void emit_init(struct emit *e, void (*on_error)(void *arg), void *arg);

/* Free E's buffers and hand write_std() back to term (term_install()). */
void emit_release(struct emit *e);

/* Take the lock and start gathering output of job SEQ for fd WHICH + 1. */
void emit_begin(struct emit *e, int which, uint64_t seq);

/*
 * Gather N bytes at P. Short pieces are copied; longer ones are written
 * from where they lie, so P must stay until the next flush.
 */
void emit_add(struct emit *e, const char *p, size_t n);

/*
 * Gather N bytes at BUF of a job's stream; with TAG (TAGLEN bytes), every
 * line starts with TAG and a tab. *BOL: the stream is at the start of a
 * line; kept up to date.
 */
void emit_bytes(struct emit *e, const char *tag, size_t taglen, bool *bol,
		const char *buf, size_t n);

/*
 * Write out what is gathered, then LEN bytes at OFF of the regular file IN
 * (fanout's spill file), the kernel's way where it can (fdcopy.h), else
 * through BUF (BUFSZ bytes), keeping the lock. No tag is added. *LAST: the
 * stretch's last byte. *LENT: pages of IN were lent to a pipe; keep them
 * unchanged until emit_taken() passes emit_sent() as it is now. A failed
 * write is handled as emit_flush()'s; returns 0, or a failed read of IN:
 * errno, or -1 when IN is too short.
 */
int emit_file(struct emit *e, int in, off_t off, off_t len, char *buf,
	      size_t bufsz, char *last, bool *lent);

/* Bytes sessions have written to fd WHICH + 1 so far. Not in a session. */
uint64_t emit_sent(struct emit *e, int which);

/*
 * Of those, how many its reader has surely taken: all but what still sits
 * in the pipe (FIONREAD). None when that cannot be known. Not in a session.
 */
uint64_t emit_taken(struct emit *e, int which);

/* Write out what is gathered, keeping the lock. */
void emit_flush(struct emit *e);

/* Flush, let go of the lock, then report a failed write, if any. */
void emit_end(struct emit *e);

/*
 * Write all of BUF to FD (1 or 2) in one piece, between two sessions, on a
 * line of its own: after a newline if a job's output left FD in the middle
 * of a line. 0, or -1 with errno. (The routine behind write_std().)
 */
int emit_record(struct emit *e, int fd, const void *buf, size_t len);

/* Is fd WHICH + 1 dead (a write failed, or its reader is gone)? */
bool emit_dead(struct emit *e, int which);

/*
 * Is fd WHICH + 1 a pipe or socket whose reader has gone? If so, it is dead
 * from now on and the error is EMIT_CLOSED. Not within a session.
 */
bool emit_reader_gone(struct emit *e, int which);

/*
 * When fd 1 is a pipe or a socket, watch it from a thread of its own: once
 * its reader is gone (`| head -1` has exited), fd 1 is dead and the error
 * EMIT_CLOSED, at once, not at the next write, which may never come: with
 * -u fanout writes nothing there itself, and a job may print nothing more.
 * Call once the ON_ERROR callback can act.
 */
void emit_watch(struct emit *e);

/* Stop watching (the run is over: a write says the rest). */
void emit_unwatch(struct emit *e);

/* Output was lost some other way (said by the caller): EMIT_FATAL. */
void emit_lost(struct emit *e);

/* The first error, or EMIT_OK. */
enum emit_error emit_error(struct emit *e);

#endif
