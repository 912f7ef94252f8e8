/*
 * reorder.h - the -k window: items by sequence number, handed out in order.
 *
 * Each sequence number from 1 up either gets an item (reorder_put) or is
 * declared empty (reorder_skip), in any order; the window hands the items
 * back strictly in sequence order, passing empty numbers, never passing a
 * number it has heard nothing about (a gap). The head is the oldest number
 * not yet passed.
 *
 * Pure: no locks, no I/O, no clock; the caller serialises all calls. Items
 * sit in a ring indexed by seq, which doubles whenever a seq lands too far
 * past the head; empty numbers ahead of the head are kept as sorted,
 * merged ranges, inserted one at a time (seqset.h holds ranges too, but
 * sorts them in one go after loading, for lookups only).
 */
#ifndef FANOUT_REORDER_H
#define FANOUT_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sequence numbers [lo, hi) that will never have an item. */
struct reorder_range {
	uint64_t lo, hi;
};

/* One place of the ring: ITEM for SEQ, or ITEM NULL. */
struct reorder_slot {
	uint64_t seq;
	void *item;
};

struct reorder {
	uint64_t head;          /* the oldest seq not yet passed */
	struct reorder_slot *ring;      /* by seq & mask; all in [head, head + mask] */
	size_t mask;
	size_t count;           /* items in the ring */
	struct reorder_range *skips; /* skips[skiphead..nskips): sorted, disjoint */
	size_t skiphead, nskips, skipcap;
};

/*
 * Set up an empty window whose head is seq 1, with room for WINDOW items
 * past the head before the ring has to grow (a hint).
 */
void reorder_init(struct reorder *r, uint64_t window);

/* Free what R holds (the items are the caller's). */
void reorder_release(struct reorder *r);

/*
 * Keep ITEM (not NULL) for SEQ until its turn. False, and nothing kept, if
 * SEQ is behind the head (already passed).
 */
bool reorder_put(struct reorder *r, uint64_t seq, void *item);

/* SEQ will never have an item: the head may pass it (ignored if passed). */
void reorder_skip(struct reorder *r, uint64_t seq);

/* Take SEQ's ITEM back out (it will be put again, or skipped). */
void reorder_take(struct reorder *r, uint64_t seq, const void *item);

/*
 * Move the head past any empty numbers at it; return the item at the head,
 * left in place, or NULL if the head is a gap.
 */
void *reorder_peek(struct reorder *r);

/* Remove the item at the head (reorder_peek() found it) and pass it. */
void *reorder_pop(struct reorder *r);

/*
 * The run is over: remove and return the oldest item left, passing every
 * gap before it (nothing will fill them now); NULL when none is left.
 */
void *reorder_pop_any(struct reorder *r);

/* The oldest seq not yet passed. */
uint64_t reorder_head(const struct reorder *r);

#endif
