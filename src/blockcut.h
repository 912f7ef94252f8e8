/*
 * blockcut.h - where a stream may be cut into --pipe blocks: the record
 * boundaries that --recend and --recstart define, found with memchr and
 * memrchr.
 *
 * Pure: it looks only at the bytes it is given. A cut at position P of a
 * buffer means the block is buf[0..P): P is a cut when the bytes before it
 * end with the record end (if one is set) and the bytes from it start with
 * the record start (if one is set). A record holds at least its record end,
 * so record ends never overlap. Positions the buffer cannot decide (a record
 * start that would run past its end) are not cuts; the caller reads more.
 */
#ifndef FANOUT_BLOCKCUT_H
#define FANOUT_BLOCKCUT_H

#include <stdbool.h>
#include <stddef.h>

struct blockcut {
	const char *end;        /* --recend, endlen bytes; endlen 0: none */
	size_t endlen;
	const char *start;      /* --recstart, startlen bytes; 0: none */
	size_t startlen;
};

/* Whether P (0 < P <= N) is a cut of BUF[0..N). */
bool blockcut_at(const struct blockcut *c, const char *buf, size_t n,
		 size_t p);

/*
 * The last cut P with LO < P <= HI in BUF[0..N) (HI <= N), for a record
 * that starts at LO; 0 if there is none.
 */
size_t blockcut_last(const struct blockcut *c, const char *buf, size_t n,
		     size_t lo, size_t hi);

/*
 * The first cut P with P > LO in BUF[0..N), for a record that starts at
 * LO; 0 if there is none.
 */
size_t blockcut_first(const struct blockcut *c, const char *buf, size_t n,
		      size_t lo);

/*
 * The cut after K records that start at LO (K >= 1), in BUF[0..N); 0 if
 * BUF holds fewer. *SEEN (may be NULL) gets how many records it did hold.
 */
size_t blockcut_nth(const struct blockcut *c, const char *buf, size_t n,
		    size_t lo, size_t k, size_t *seen);

/*
 * Where the block at the front of BUF[0..N) ends, for blocks of about SIZE
 * bytes, or of NREC records when NREC > 0; EOF: BUF holds all that is left
 * of the input. 0: BUF cannot tell yet, read more.
 *
 * By size: the last cut at or before SIZE; when there is none (a record
 * longer than SIZE), the end of that record, a block of its own. At the
 * end of input, what is left goes whole, cut or not, once it fits SIZE.
 */
size_t blockcut_block(const struct blockcut *c, const char *buf, size_t n,
		      size_t size, size_t nrec, bool eof);

#endif
