/*
 * fanin.h - jobs' output back to fanout's stdout and stderr.
 *
 * Workers feed each job's bytes here as they read them; fanin decides when
 * they reach fanout's stdout/stderr according to the mode:
 *   grouped (default)  a job's stdout in one piece, then its stderr, when it
 *                      ends; under -k in input order, the oldest unfinished
 *                      job's stdout streaming live while the others wait;
 *   --line-buffer      whole lines as they complete, from any job; under -k
 *                      only the oldest unfinished job's, live;
 *   --tag              every line prefixed with the record and a tab.
 * (-u needs nothing here: the jobs hold fanout's descriptors themselves.)
 *
 * This is the policy; the parts are elsewhere: emit.h writes (and owns fd
 * 1 and 2, write errors included), reorder.h keeps the -k order, outbuf.h
 * holds output within one memory budget and past it in one shared,
 * unlinked temp file in $TMPDIR.
 */
#ifndef FANOUT_FANIN_H
#define FANOUT_FANIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emit.h"
#include "outbuf.h"
#include "reorder.h"
#include "strbuf.h"

/* One job's output while it runs and until it is written. */
struct jobout {
	uint64_t seq;
	char *tag;              /* copy of the record for --tag, or NULL */
	size_t taglen;
	struct strbuf tagbuf;   /* where tag points; kept for the next job */
	pthread_mutex_t mu;     /* -k: buf and live, vs the head moving */
	struct outbuf buf[2];   /* [0] stdout, [1] stderr */
	bool live;              /* -k: at the head, streaming */
	bool keep_back;         /* -k: may run again: never stream it */
	bool ended;             /* -k: waiting for its turn */
	bool bol[2];            /* the last byte written was \n (or none) */
	struct jobout *next;    /* fanin's free list */
};

enum fanin_mode {
	FANIN_GROUPED,          /* a job's output whole, when it ends */
	FANIN_LINES,            /* --line-buffer: whole lines as they come */
};

/* The first write error: emit.h's, under fanin's names. */
enum fanin_error {
	FANIN_OK = EMIT_OK,
	FANIN_CLOSED = EMIT_CLOSED,     /* stdout or stderr closed: EPIPE */
	FANIN_FATAL = EMIT_FATAL,       /* could not write or spill: exit 3 */
};

/* What fanin_init() needs to know, and whom it tells. */
struct fanin_conf {
	enum fanin_mode mode;
	bool keep_order;        /* -k */
	size_t buffer_size;     /* memory for held output, then the temp file */
	uint64_t window;        /* -k: how far past the head a job can be (a hint) */
	/* -k: every seq before SEQ is written (called under fanin's lock). */
	void (*on_head)(uint64_t seq, void *arg);
	/* Once, on the first write error (no lock of emit's held). */
	void (*on_error)(void *arg);
	void *arg;              /* for both */
};

struct fanin {
	pthread_mutex_t mu;     /* the order, the free list; before emit's */
	enum fanin_mode mode;
	bool keep_order;
	bool stream_head;       /* -k: may the head job stream live */
	bool draining;          /* -k: advance() is writing, f->mu let go */
	struct reorder order;   /* -k: begun, not yet written, by seq */
	void (*on_head)(uint64_t seq, void *arg);
	void *arg;
	struct outbuf_store store; /* the memory budget and spill file */
	struct emit emit;       /* fd 1 and 2 */
	char *rbuf;             /* spill read-back; under mu, or the drainer's */
	struct jobout *freelist;
};

/* Set up for C; from now on every write to fd 1 and 2 goes through F. */
void fanin_init(struct fanin *f, const struct fanin_conf *c);

/* A job's output record, empty, for job SEQ (TAG may be NULL; it is copied). */
struct jobout *fanin_begin(struct fanin *f, uint64_t seq, const char *tag,
			   size_t taglen);

/*
 * fanin_begin() for an attempt that may fail and run again (--retries):
 * under -k its output is kept back even at the head, since only the last
 * attempt's output is written.
 */
struct jobout *fanin_begin_retryable(struct fanin *f, uint64_t seq,
				     const char *tag, size_t taglen);

/* Bytes read from the job's stdout (WHICH 0) or stderr (WHICH 1). */
void fanin_data(struct fanin *f, struct jobout *o, int which,
		const char *buf, size_t n);

/* The job ended: write or queue its output, and give O back. */
void fanin_end(struct fanin *f, struct jobout *o);

/* The job will run again (retry): forget what it wrote this time. */
void fanin_discard(struct fanin *f, struct jobout *o);

/* -k: job SEQ will never produce output (skipped): let the order pass it. */
void fanin_skip(struct fanin *f, uint64_t seq);

/*
 * The run is over: write whatever -k still holds, in order, gaps or not,
 * and free everything.
 */
void fanin_finish(struct fanin *f);

/* The first write error, or FANIN_OK. */
enum fanin_error fanin_error(struct fanin *f);

/*
 * Watch stdout for its reader going away (emit_watch()), until
 * fanin_unwatch(): once the run's error callback can act.
 */
void fanin_watch(struct fanin *f);
void fanin_unwatch(struct fanin *f);

/* Has stdout's reader gone (now or before)? Then the error is FANIN_CLOSED. */
bool fanin_stdout_closed(struct fanin *f);

#endif
