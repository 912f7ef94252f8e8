/*
 * outbuf.h - held output: memory blocks, then a shared spill file.
 *
 * An outbuf is one stream's held bytes, in order: a list of memory blocks
 * followed by extents of the one spill file of an outbuf_store. Memory blocks
 * count against the store's budget; past it, bytes go to the spill file, an
 * unlinked temp file in $TMPDIR opened when first needed.
 *
 * Invariants: once an outbuf has spilled, outbuf_append() takes nothing more
 * until it is emptied, so memory always comes before file. An outbuf is
 * guarded by its caller; the store is shared and safe to use from any thread.
 */
#ifndef FANOUT_OUTBUF_H
#define FANOUT_OUTBUF_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct outbuf_block;
struct outbuf_extent;
struct outbuf_lent;

/* The memory budget and the spill file, shared by every outbuf. */
struct outbuf_store {
	size_t budget;
	_Atomic size_t used;    /* bytes of memory blocks held */
	const char *tmpdir;
	pthread_mutex_t mu;     /* the spill file's size and live bytes */
	int fd;                 /* the spill file; -1 until first needed */
	off_t end, live;
	/* Dropped stretches lent to a pipe, not punched yet (outbuf_settle) */
	struct outbuf_lent *lent;
	size_t nlent, lentcap;
	_Atomic size_t pending; /* nlent, read without s->mu */
};

/* One stream's held bytes: memory blocks first, then spill file extents. */
struct outbuf {
	struct outbuf_block *head, *tail;
	size_t skip;            /* bytes of head already written */
	uint64_t len;           /* bytes held, memory and file */
	uint64_t nl_end;        /* --line-buffer: held bytes up to the last \n */
	struct outbuf_extent *ext; /* ext[enext..next) held, in order */
	size_t enext, next, extcap;
	bool lost;              /* could not be held: dropped, said so */
};

/* Where the spill file goes: $TMPDIR, or /tmp. */
const char *outbuf_tmpdir(void);

/*
 * Can a spill file be made there? Made and closed again, at start, so that
 * an unusable directory is said before any job runs, not at the first
 * spill mid-run. 0, or -1 with errno.
 */
int outbuf_tmpdir_check(void);

/* Set up S with BUDGET bytes of memory and its spill file in $TMPDIR. */
void outbuf_store_init(struct outbuf_store *s, size_t budget);

/* Close S's spill file, if it was opened. */
void outbuf_store_release(struct outbuf_store *s);

/* Copy up to N bytes at BUF to B's memory while the budget lasts; how many. */
size_t outbuf_append(struct outbuf_store *s, struct outbuf *b,
		     const char *buf, size_t n);

/* Append N bytes at BUF to B's part of the spill file; 0, or -1 with errno. */
int outbuf_spill(struct outbuf_store *s, struct outbuf *b, const char *buf,
		 size_t n);

/*
 * Pass the first N bytes held in B, in order: those in memory to MEM, those
 * in the spill file to FILE, by where they lie in it.
 */
void outbuf_walk(const struct outbuf *b, uint64_t n,
		 void (*mem)(void *arg, const char *p, size_t len),
		 void (*file)(void *arg, off_t off, off_t len), void *arg);

/* Read up to N spilled bytes at OFF into BUF, as pread(2), retrying EINTR. */
ssize_t outbuf_read(struct outbuf_store *s, char *buf, size_t n, off_t off);

/* Drop the first N bytes held in B. */
void outbuf_drop(struct outbuf_store *s, struct outbuf *b, uint64_t n);

/*
 * Drop the first N bytes held in B, as outbuf_drop(), when those in the
 * spill file were lent to a pipe (fdcopy.h) that its writer had sent MARK
 * bytes to in all, counting on lane LANE: their stretch is punched out of
 * the file only when outbuf_settle() says the pipe has let them go.
 */
void outbuf_drop_lent(struct outbuf_store *s, struct outbuf *b, uint64_t n,
		      int lane, uint64_t mark);

/* Are stretches waiting for outbuf_settle()? Cheap, no lock. */
bool outbuf_lent(struct outbuf_store *s);

/*
 * The reader of lane LANE has taken TAKEN bytes in all: punch the lent
 * stretches whose MARK is no more than that.
 */
void outbuf_settle(struct outbuf_store *s, int lane, uint64_t taken);

/* Drop everything B holds and free it, leaving B empty. */
void outbuf_free(struct outbuf_store *s, struct outbuf *b);

#endif
