/*
 * reorder.c - the -k window (see reorder.h).
 *
 * Invariants:
 * - Every item in the ring has head <= seq <= head + mask, so seq & mask
 *   names one slot and no two items share one; a put further out doubles
 *   the ring first.
 * - No item's seq lies in a skip range (the caller's contract: a seq gets
 *   an item or a skip, never both).
 * - skips[skiphead..nskips) are sorted, disjoint and never adjacent (a skip
 *   next to a range joins it); ranges behind the head are dropped as the
 *   head passes them.
 */
#include "reorder.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void reorder_init(struct reorder *r, uint64_t window)
{
	size_t cap = 64;

	memset(r, 0, sizeof *r);
	while (cap < window + 64)
		cap <<= 1;
	r->ring = xcalloc(cap, sizeof *r->ring);
	r->mask = cap - 1;
	r->head = 1;
}

void reorder_release(struct reorder *r)
{
	free(r->ring);
	free(r->skips);
	memset(r, 0, sizeof *r);
}

/* Double the ring, keeping every item at its seq. */
static void grow(struct reorder *r)
{
	size_t cap = 2 * (r->mask + 1);
	struct reorder_slot *ring = xcalloc(cap, sizeof *ring);

	for (size_t i = 0; i <= r->mask; i++)
		if (r->ring[i].item)
			ring[r->ring[i].seq & (cap - 1)] = r->ring[i];
	free(r->ring);
	r->ring = ring;
	r->mask = cap - 1;
}

bool reorder_put(struct reorder *r, uint64_t seq, void *item)
{
	struct reorder_slot *s;

	if (seq < r->head)
		return false;
	while (seq - r->head > r->mask)
		grow(r);
	s = &r->ring[seq & r->mask];
	if (!s->item)
		r->count++;
	s->seq = seq;
	s->item = item;
	return true;
}

void reorder_take(struct reorder *r, uint64_t seq, const void *item)
{
	struct reorder_slot *s = &r->ring[seq & r->mask];

	if (seq >= r->head && s->item == item && s->seq == seq) {
		s->item = NULL;
		r->count--;
	}
}

/* Make room for one more range at LO; returns LO, moved if ranges moved. */
static size_t skip_room(struct reorder *r, size_t lo)
{
	if (r->nskips < r->skipcap)
		return lo;
	if (r->skiphead > 0) {
		/* Reuse the room of ranges the head has passed. */
		memmove(r->skips, r->skips + r->skiphead,
			(r->nskips - r->skiphead) * sizeof *r->skips);
		r->nskips -= r->skiphead;
		lo -= r->skiphead;
		r->skiphead = 0;
	} else {
		r->skips = grow_array(r->skips, &r->skipcap, r->nskips + 1,
				      sizeof *r->skips, 16);
	}
	return lo;
}

void reorder_skip(struct reorder *r, uint64_t seq)
{
	size_t lo = r->skiphead, hi = r->nskips;
	bool join_prev, join_next;

	if (seq < r->head)
		return;
	/* The first range starting past SEQ. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->skips[mid].lo <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > r->skiphead && r->skips[lo - 1].hi > seq)
		return;         /* already skipped */
	join_prev = lo > r->skiphead && r->skips[lo - 1].hi == seq;
	join_next = lo < r->nskips && r->skips[lo].lo == seq + 1;
	if (join_prev && join_next) {
		r->skips[lo - 1].hi = r->skips[lo].hi;
		memmove(r->skips + lo, r->skips + lo + 1,
			(r->nskips - lo - 1) * sizeof *r->skips);
		r->nskips--;
	} else if (join_prev) {
		r->skips[lo - 1].hi++;
	} else if (join_next) {
		r->skips[lo].lo--;
	} else {
		lo = skip_room(r, lo);
		memmove(r->skips + lo + 1, r->skips + lo,
			(r->nskips - lo) * sizeof *r->skips);
		r->skips[lo].lo = seq;
		r->skips[lo].hi = seq + 1;
		r->nskips++;
	}
}

void *reorder_peek(struct reorder *r)
{
	for (;;) {
		struct reorder_slot *s = &r->ring[r->head & r->mask];

		if (s->item && s->seq == r->head)
			return s->item;
		if (r->skiphead == r->nskips || r->skips[r->skiphead].lo > r->head)
			return NULL;
		/* A range at the head, or one the head has already passed. */
		if (r->skips[r->skiphead].hi > r->head)
			r->head = r->skips[r->skiphead].hi;
		if (++r->skiphead == r->nskips)
			r->skiphead = r->nskips = 0;
	}
}

void *reorder_pop(struct reorder *r)
{
	struct reorder_slot *s = &r->ring[r->head & r->mask];
	void *item = s->item;

	if (!item || s->seq != r->head)
		return NULL;
	s->item = NULL;
	r->count--;
	r->head++;
	return item;
}

void *reorder_pop_any(struct reorder *r)
{
	if (r->count == 0)
		return NULL;
	/* The items lie within mask + 1 of the head: this ends. */
	while (!reorder_peek(r))
		r->head++;
	return reorder_pop(r);
}

uint64_t reorder_head(const struct reorder *r)
{
	return r->head;
}
