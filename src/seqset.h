/*
 * seqset.h - a set of job sequence numbers, held as sorted ranges.
 *
 * --resume reads a job log that may name any Seq up to 2^63 in any order:
 * the set's memory grows with the number of lines added (at most a few
 * words each, and far less when they form runs, as job logs do), never
 * with the size of the largest number.
 *
 * Invariant once sealed: r[0..n) are sorted, disjoint and not adjacent
 * (r[i].hi + 1 < r[i + 1].lo), so a lookup is one binary search.
 */
#ifndef FANOUT_SEQSET_H
#define FANOUT_SEQSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct seqrange {
	uint64_t lo, hi;        /* inclusive */
};

struct seqset {
	struct seqrange *r;
	size_t n, cap;
	bool dirty;             /* maybe unsorted or unmerged: seal first */
};

/* An empty set (a zeroed struct is one too). */
void seqset_init(struct seqset *s);

/* Add V; any order, duplicates are fine. */
void seqset_add(struct seqset *s, uint64_t v);

/* Sort and merge the ranges; needed before seqset_has(). */
void seqset_seal(struct seqset *s);

/* Is V in the sealed set S? */
bool seqset_has(const struct seqset *s, uint64_t v);

/* Free the ranges; S is empty again. */
void seqset_release(struct seqset *s);

#endif
