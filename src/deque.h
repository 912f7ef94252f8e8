/*
 * deque.h - fixed-capacity Chase-Lev work-stealing deque (C11 atomics).
 *
 * The owner pushes and pops at the bottom; any thread steals at the top.
 * Capacity is a power of two fixed at init; push returns false when full and
 * the caller keeps the item elsewhere (GHC's rule: no resizing).
 *
 * How fanout uses it: as a FIFO. Users expect jobs to start roughly in input
 * order, as with xargs, so scheduler.c's owner takes from the top of its own
 * deque with deque_steal(), like any thief, and deque_pop() (the owner's
 * LIFO end) is not called at run time. That costs the owner a CAS per job,
 * nothing next to a process spawn; what is lost is the LIFO end's cache
 * warmth, which a job runner whose jobs are processes does not have.
 * deque_pop() stays, with the whole Chase-Lev contract, because the stress
 * test (tests/unit/test_deque.c) races it against thieves: the owner end
 * can be used by changing one call, and the test says it works.
 */
#ifndef FANOUT_DEQUE_H
#define FANOUT_DEQUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct deque {
	_Atomic(long) top;
	char pad1[64 - sizeof(long)];
	_Atomic(long) bottom;
	char pad2[64 - sizeof(long)];
	_Atomic(void *) *buf;
	long mask;
};

/* Allocate room for CAP items (rounded up to a power of two); 0 or -1. */
int deque_init(struct deque *d, size_t cap);

/* Free the buffer; the deque must no longer be in use. */
void deque_release(struct deque *d);

/* Owner only: push ITEM (non-NULL) at the bottom; false when full. */
bool deque_push(struct deque *d, void *item);

/* Owner only: pop from the bottom; NULL when empty. */
void *deque_pop(struct deque *d);

/* Any thread: steal from the top; NULL when empty or when the race is lost. */
void *deque_steal(struct deque *d);

/* Any thread: a snapshot of the number of items (may be stale). */
long deque_size(struct deque *d);

#endif
