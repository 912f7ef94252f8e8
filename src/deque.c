/*
 * deque.c - fixed-capacity Chase-Lev work-stealing deque in C11 atomics.
 *
 * The algorithm is D. Chase and Y. Lev, "Dynamic Circular Work-Stealing
 * Deque", SPAA'05.  This implementation closely follows the C11 version in
 * N.M. Le, A. Pop, A. Cohen and F. Zappa Nardelli, "Correct and Efficient
 * Work-Stealing for Weak Memory Models", PPoPP'13, as GHC's rts/WSDeque.c
 * does, minus resizing: push returns false when the ring is full and the
 * caller keeps the item elsewhere.
 *
 * Contract: deque_push() and deque_pop() change `bottom' and must only ever
 * be called by the one thread that owns the deque.  deque_steal() and
 * deque_size() may be called by any thread at any time.  Items are non-NULL
 * pointers; NULL means "nothing".
 *
 * Invariants: top and bottom only grow, except that pop moves bottom down
 * by one and back; top <= bottom except transiently inside pop (bottom may
 * briefly be top - 1).  Slot i lives at buf[i & mask].  The owner only
 * overwrites slot i + cap after it has seen top > i, so a thief that read a
 * recycled slot always loses its CAS on top.
 *
 * Testing: see tests/unit/test_deque.c.  If there is anything wrong with
 * the deque, its multi-thread stress test (modelled on GHC's
 * testsuite/tests/rts/testwsdeque.c) will probably catch it; run it under
 * -fsanitize=thread too.
 */
#include "deque.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

int deque_init(struct deque *d, size_t cap)
{
	size_t n = 1, i;

	/* Indices are longs, and n slots must fit in a size_t of bytes. */
	if (cap == 0 || cap > (size_t)LONG_MAX / 2 ||
	    cap > SIZE_MAX / 2 / sizeof(*d->buf)) {
		errno = EINVAL;
		return -1;
	}
	while (n < cap)
		n <<= 1;
	d->buf = malloc(n * sizeof(*d->buf));
	if (d->buf == NULL)
		return -1;
	for (i = 0; i < n; i++)
		atomic_init(&d->buf[i], NULL);
	d->mask = (long)n - 1;
	atomic_init(&d->top, 0);
	atomic_init(&d->bottom, 0);
	return 0;
}

void deque_release(struct deque *d)
{
	free(d->buf);
	d->buf = NULL;
	d->mask = 0;
}

bool deque_push(struct deque *d, void *item)
{
	/* Relaxed: only the owner (this thread) ever stores bottom. */
	long b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
	/*
	 * Acquire pairs with the thief's CAS on top: its read of slot t then
	 * happens before our overwrite of that slot below, so it can never
	 * read the new item and still win slot t.
	 */
	long t = atomic_load_explicit(&d->top, memory_order_acquire);

	if (b - t > d->mask)
		return false;	/* full: no resizing, as in GHC */
	/* Relaxed: the release store of bottom below publishes it. */
	atomic_store_explicit(&d->buf[b & d->mask], item,
	    memory_order_relaxed);
	/*
	 * Le et al. write a release fence then a relaxed store.  We use a
	 * release store instead, as GHC does: ThreadSanitizer does not model
	 * fences and would report false races on whatever ITEM points to.
	 * It costs nothing on x86 and is a plain stlr on arm64.
	 */
	atomic_store_explicit(&d->bottom, b + 1, memory_order_release);
	return true;
}

void *deque_pop(struct deque *d)
{
	long b = atomic_load_explicit(&d->bottom, memory_order_relaxed) - 1;
	long t;
	void *item;

	/*
	 * Claim slot b first, then look at top.  The seq_cst fence orders
	 * this store before the load of top (a store-load, Dekker-style
	 * ordering that acquire/release alone never gives); with the fence
	 * in steal it ensures that a thief and we never both take the last
	 * item without one of us going through the CAS on top.
	 * ThreadSanitizer does not model fences, but no happens-before edge
	 * here depends on one (only ordering does), so it sees no race.
	 *
	 * Our stores to bottom are release where the paper has relaxed: a
	 * thief that reads the value must still synchronise with the pushes
	 * before it, and C++20 no longer counts a same-thread relaxed store
	 * as part of the release sequence.  A plain mov on x86.
	 */
	atomic_store_explicit(&d->bottom, b, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	t = atomic_load_explicit(&d->top, memory_order_relaxed);
	if (t > b) {
		/* Was empty: restore bottom (release, see above). */
		atomic_store_explicit(&d->bottom, b + 1, memory_order_release);
		return NULL;
	}
	/* Relaxed: we wrote this slot ourselves. */
	item = atomic_load_explicit(&d->buf[b & d->mask], memory_order_relaxed);
	if (t < b)
		return item;	/* more than one item left: no race possible */
	/* Last item: race the thieves for it through top. */
	if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1,
	    memory_order_seq_cst, memory_order_relaxed))
		item = NULL;
	/* Empty either way (release, see above). */
	atomic_store_explicit(&d->bottom, b + 1, memory_order_release);
	return item;
}

void *deque_steal(struct deque *d)
{
	/*
	 * Acquire pairs with other thieves' and pop's CAS on top.  The
	 * seq_cst fence orders this load before the load of bottom, the
	 * other half of the Dekker-style handshake with pop.
	 */
	long t = atomic_load_explicit(&d->top, memory_order_acquire);
	long b;
	void *item;

	atomic_thread_fence(memory_order_seq_cst);
	/*
	 * Acquire pairs with the release store in push: makes slot t and
	 * whatever its item points to visible to us.
	 */
	b = atomic_load_explicit(&d->bottom, memory_order_acquire);
	if (t >= b)
		return NULL;
	/*
	 * Relaxed: the slot may already be stale (recycled by the owner or
	 * taken by another thief), but then top has moved past t and the
	 * CAS below fails, so a stale value is never returned.
	 */
	item = atomic_load_explicit(&d->buf[t & d->mask], memory_order_relaxed);
	/* seq_cst: one total order with pop's fence and CAS on top. */
	if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1,
	    memory_order_seq_cst, memory_order_relaxed))
		return NULL;	/* lost the race; the caller may retry */
	return item;
}

long deque_size(struct deque *d)
{
	/* Relaxed: only a hint; both may move while we look. */
	long b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
	long t = atomic_load_explicit(&d->top, memory_order_relaxed);

	return b > t ? b - t : 0;
}
