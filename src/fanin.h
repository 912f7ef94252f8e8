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
 * Held output counts against one memory budget; past it a job's output goes
 * to one shared, unlinked temp file in $TMPDIR (outbuf.h). Write errors are
 * remembered: EPIPE as "closed", anything else as fatal, for the exit status.
 */
#ifndef FANOUT_FANIN_H
#define FANOUT_FANIN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "outbuf.h"

struct iovec;

/* One job's output while it runs and until it is written. */
struct jobout {
	uint64_t seq;
	char *tag;              /* copy of the record for --tag, or NULL */
	size_t taglen, tagcap;
	char *tagbuf;
	pthread_mutex_t mu;     /* -k: buf and live, vs the head moving */
	struct outbuf buf[2];   /* [0] stdout, [1] stderr */
	bool live;              /* -k: at the head, streaming */
	bool hold;              /* -k: may run again: never stream it */
	bool ended;             /* -k: waiting for its turn */
	bool bol[2];            /* the last byte written was \n (or none) */
	struct jobout *next;    /* fanin's free list */
};

enum fanin_error {
	FANIN_OK,
	FANIN_CLOSED,           /* stdout or stderr closed: EPIPE */
	FANIN_FATAL,            /* could not write or spill: exit 3 */
};

struct sched;

/* Sequence numbers [lo, hi) that will never have output (-k). */
struct seqrange {
	uint64_t lo, hi;
};

struct fanin {
	pthread_mutex_t mu;     /* all writes to fd 1 and 2; the order */
	enum out_mode mode;
	bool keep_order;
	bool stream_head;       /* -k: may the head job stream live */
	uint64_t next;          /* -k: the next seq to write */
	struct jobout **ring;   /* -k: begun, not yet written, by seq */
	size_t ringmask;
	struct seqrange *skips; /* -k: skipped seqs ahead of next, sorted */
	size_t skiphead, nskips, skipcap;
	struct sched *sched;    /* told when the head moves */
	struct outbuf_store store; /* the memory budget and spill file */

	/* Gathered output, written with writev; under mu. */
	int efd;
	uint64_t eseq;
	struct iovec *iov;
	int niov, stiov;
	char *stage;            /* tags and short pieces, copied */
	size_t stlen;
	char *rbuf;             /* spill read-back */

	_Atomic bool dead[2];   /* fd 1 / fd 2 failed: drop what goes there */
	_Atomic int error;      /* enum fanin_error */
	void (*on_error)(void); /* called once on the first write error */
	struct jobout *freelist;
};

/*
 * Set up for options O. WINDOW: how far past the head a job can be, under -k
 * (a hint: the order grows past it if need be). ON_ERROR runs once, from a
 * worker, on the first write error.
 */
void fanin_init(struct fanin *f, const struct opts *o, uint64_t window,
		struct sched *s, void (*on_error)(void));

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

#endif
