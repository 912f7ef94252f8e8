/*
 * seqset.c - a set of sequence numbers as sorted ranges (see seqset.h).
 *
 * Adding appends a one-number range, or widens the last range when the
 * number extends it (the usual case: a log is mostly in order). When the
 * table is full it is sorted and merged first, and grows only if that did
 * not free half of it: so the table stays within a small factor of the
 * number of distinct ranges, and each add costs O(log n) amortized.
 */
#include "seqset.h"

#include <assert.h>
#include <stdlib.h>

#include "util.h"

void seqset_init(struct seqset *s)
{
	s->r = NULL;
	s->n = s->cap = 0;
	s->dirty = false;
}

static int by_lo(const void *a, const void *b)
{
	const struct seqrange *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void seqset_seal(struct seqset *s)
{
	size_t out = 0;

	if (!s->dirty)
		return;
	qsort(s->r, s->n, sizeof *s->r, by_lo);
	for (size_t i = 1; i < s->n; i++) {
		struct seqrange *o = &s->r[out];

		/* Overlapping or adjacent; hi + 1 cannot wrap past the top. */
		if (o->hi == UINT64_MAX || s->r[i].lo <= o->hi + 1) {
			if (s->r[i].hi > o->hi)
				o->hi = s->r[i].hi;
		} else {
			s->r[++out] = s->r[i];
		}
	}
	if (s->n)
		s->n = out + 1;
	s->dirty = false;
}

/* Does V come after range R with a gap, as the sealed order needs? */
static bool follows(const struct seqrange *r, uint64_t v)
{
	return v > r->hi && v - r->hi > 1;
}

void seqset_add(struct seqset *s, uint64_t v)
{
	if (s->n) {
		struct seqrange *last = &s->r[s->n - 1];

		if (v >= last->lo && v <= last->hi)
			return;
		/* Widening the last range up keeps the order; down may not. */
		if (last->hi != UINT64_MAX && v == last->hi + 1) {
			last->hi = v;
			return;
		}
		if (last->lo != 0 && v == last->lo - 1) {
			last->lo = v;
			if (s->n > 1 && !follows(&s->r[s->n - 2], v))
				s->dirty = true;
			return;
		}
	}
	if (s->n == s->cap) {
		seqset_seal(s);
		if (s->n >= s->cap / 2)
			s->r = grow_array(s->r, &s->cap, s->cap + 1,
					  sizeof *s->r, 64);
	}
	if (s->n && !follows(&s->r[s->n - 1], v))
		s->dirty = true;
	s->r[s->n].lo = s->r[s->n].hi = v;
	s->n++;
}

bool seqset_has(const struct seqset *s, uint64_t v)
{
	size_t lo = 0, hi = s->n;

	assert(!s->dirty);
	/* The first range whose lo is above V; the one before may hold V. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].lo <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && v <= s->r[lo - 1].hi;
}

void seqset_release(struct seqset *s)
{
	free(s->r);
	seqset_init(s);
}
