/*
 * test_reorder.c - the -k window (reorder.c), pure: no threads, no I/O.
 *
 * Fixed cases first (order, gaps, skip ranges merging, ring growth, the
 * end of the run), then a replay in the manner of GHC's testwsdeque.c:
 * thousands of seqs, each put (some taken back and put again, as retries
 * are) or skipped, in a seeded random order, drained after every step.
 * Every item must come out exactly once (a claimed-once array), strictly
 * in sequence order, skipped seqs never, and the head must pass them all.
 */
#include "reorder.h"
#include "tap.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Ranges of skips R still holds, as "lo-hi lo-hi" (hi exclusive). */
static const char *ranges(const struct reorder *r)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = r->skiphead; i < r->nskips && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%llu-%llu",
					len ? " " : "",
					(unsigned long long)r->skips[i].lo,
					(unsigned long long)r->skips[i].hi);
	return buf;
}

static void test_order(void)
{
	struct reorder r;
	int item[6];
	void *a, *b, *c;

	reorder_init(&r, 0);
	is_int(reorder_head(&r), 1, "the head starts at seq 1");
	ok(reorder_put(&r, 3, &item[3]), "put 3");
	ok(reorder_peek(&r) == NULL, "a gap at the head: nothing ready");
	ok(reorder_put(&r, 1, &item[1]), "put 1");
	a = reorder_peek(&r);
	ok(a == &item[1] && reorder_peek(&r) == a, "peek leaves the head in place");
	ok(reorder_pop(&r) == &item[1], "pop gives the head");
	ok(!reorder_put(&r, 1, &item[1]), "a seq behind the head is refused");
	ok(reorder_peek(&r) == NULL && reorder_head(&r) == 2,
	   "then stops at the gap at 2");
	reorder_skip(&r, 2);
	b = reorder_peek(&r);
	ok(b == &item[3] && reorder_head(&r) == 3, "a skip lets the head pass");
	reorder_pop(&r);
	reorder_put(&r, 4, &item[4]);
	reorder_take(&r, 4, &item[5]);
	ok(reorder_peek(&r) == &item[4], "take of another item leaves it");
	reorder_take(&r, 4, &item[4]);
	ok(reorder_peek(&r) == NULL && r.count == 0, "take removes it");
	reorder_put(&r, 4, &item[5]);
	c = reorder_pop(&r);
	ok(c == &item[5] && reorder_head(&r) == 5, "put again, out once");
	ok(reorder_pop(&r) == NULL, "pop of a gap gives nothing");
	reorder_release(&r);
}

static void test_skip_ranges(void)
{
	struct reorder r;
	int x;

	reorder_init(&r, 0);
	reorder_skip(&r, 5);
	reorder_skip(&r, 7);
	is_str(ranges(&r), "5-6 7-8", "two apart");
	reorder_skip(&r, 6);
	is_str(ranges(&r), "5-8", "the one between joins both");
	reorder_skip(&r, 10);
	reorder_skip(&r, 9);
	is_str(ranges(&r), "5-8 9-11", "joins the next");
	reorder_skip(&r, 11);
	is_str(ranges(&r), "5-8 9-12", "joins the previous");
	reorder_skip(&r, 8);
	reorder_skip(&r, 6);
	is_str(ranges(&r), "5-12", "all one, a repeat changes nothing");
	reorder_skip(&r, 3);
	reorder_skip(&r, 1);
	is_str(ranges(&r), "1-2 3-4 5-12", "sorted whatever the order");
	ok(reorder_peek(&r) == NULL && reorder_head(&r) == 2,
	   "the head passes the first range, stops at 2");
	is_str(ranges(&r), "3-4 5-12", "and drops it");
	reorder_put(&r, 12, &x);
	reorder_skip(&r, 4);
	is_str(ranges(&r), "3-12", "4 joins the ranges on both sides");
	reorder_skip(&r, 2);
	ok(reorder_peek(&r) == &x, "then 2 to 11 pass in one go");
	is_str(ranges(&r), "", "no range left");
	reorder_skip(&r, 4);
	is_str(ranges(&r), "", "a skip behind the head is ignored");
	reorder_release(&r);

	/* Many separate ranges: the array grows and reuses passed room. */
	reorder_init(&r, 0);
	for (uint64_t s = 1000; s >= 2; s -= 2)
		reorder_skip(&r, s);
	is_int(r.nskips - r.skiphead, 500, "500 ranges");
	reorder_skip(&r, 1);
	for (uint64_t s = 3; s < 1000; s += 2)
		reorder_skip(&r, s);
	ok(reorder_peek(&r) == NULL && reorder_head(&r) == 1001,
	   "filled in: the head passes all 1000");
	reorder_release(&r);
}

static void test_growth(void)
{
	struct reorder r;
	int item[3];
	size_t cap0;

	reorder_init(&r, 1000);
	ok(r.mask + 1 >= 1064, "the window hint sizes the ring (%zu)",
	   r.mask + 1);
	reorder_release(&r);

	reorder_init(&r, 0);
	cap0 = r.mask + 1;
	reorder_put(&r, 70, &item[1]);
	reorder_put(&r, 5000, &item[2]);
	reorder_put(&r, 2, &item[0]);
	ok(r.mask + 1 > 5000 && cap0 == 64, "a ring of %zu grew to %zu", cap0,
	   r.mask + 1);
	for (uint64_t s = 4999; s >= 1; s--)
		if (s != 70 && s != 2)
			reorder_skip(&r, s);
	ok(reorder_pop(&r) == NULL, "nothing before the skips are passed");
	ok(reorder_peek(&r) == &item[0] && reorder_pop(&r) == &item[0],
	   "2 first");
	ok(reorder_peek(&r) == &item[1] && reorder_pop(&r) == &item[1],
	   "70 kept its place through the growth");
	ok(reorder_peek(&r) == &item[2] && reorder_pop(&r) == &item[2],
	   "5000 last");
	is_int(reorder_head(&r), 5001, "the head is past them all");
	reorder_release(&r);

	/* Growth once the head is past the first ring's worth. */
	reorder_init(&r, 0);
	for (uint64_t s = 1; s <= 100; s++)
		reorder_skip(&r, s);
	reorder_peek(&r);
	reorder_put(&r, 130, &item[0]);
	reorder_put(&r, 300, &item[1]);
	for (uint64_t s = 101; s < 300; s++)
		if (s != 130)
			reorder_skip(&r, s);
	ok(reorder_peek(&r) == &item[0] && reorder_pop(&r) == &item[0] &&
	   reorder_peek(&r) == &item[1],
	   "an item put at 130 with the head at 101 moves when the ring grows");
	reorder_release(&r);
}

static void test_pop_any(void)
{
	struct reorder r;
	int item[4];

	reorder_init(&r, 0);
	reorder_put(&r, 9, &item[2]);
	reorder_put(&r, 3, &item[0]);
	reorder_put(&r, 200, &item[3]);
	reorder_skip(&r, 4);
	reorder_put(&r, 5, &item[1]);
	ok(reorder_peek(&r) == NULL, "seqs 1 and 2 never come");
	ok(reorder_pop_any(&r) == &item[0], "at the end: 3 despite the gaps");
	ok(reorder_pop_any(&r) == &item[1], "5, past the skip");
	ok(reorder_pop_any(&r) == &item[2], "9");
	ok(reorder_pop_any(&r) == &item[3], "200");
	ok(reorder_pop_any(&r) == NULL, "then nothing");
	reorder_release(&r);
}

/* The replay. */

#define NSEQ 6000

struct item {
	uint64_t seq;
	bool ready;             /* its job ended: it may be popped */
};

static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void replay(uint64_t seed, uint64_t window)
{
	struct reorder r;
	struct item *items = xcalloc(NSEQ + 1, sizeof *items);
	int *claimed = xcalloc(NSEQ + 1, sizeof *claimed);
	int *seen = xcalloc(NSEQ + 1, sizeof *seen);
	int *kind = xcalloc(NSEQ + 1, sizeof *kind);
	uint64_t *ev = xmalloc(3 * NSEQ * sizeof *ev);
	size_t nev = 0, twice = 0, wrong = 0;
	uint64_t last = 0, skipped = 0, put = 0, maxcap;
	bool in_order = true;

	rng = seed;
	/*
	 * kind 0: skipped (one event); 1: put, then ready (two); 2: put,
	 * taken back and put again (a retry), then ready (three). Each
	 * event is the seq; the nth time a seq comes up is its nth step.
	 */
	for (uint64_t s = 1; s <= NSEQ; s++) {
		uint64_t x = next_rand() % 10;

		kind[s] = x < 2 ? 0 : x < 8 ? 1 : 2;
		for (int k = 0; k <= kind[s]; k++)
			ev[nev++] = s;
		items[s].seq = s;
	}
	/*
	 * Near the head, as a window keeps them, but ever further: each
	 * event moves back by up to a span that grows along the run, so
	 * the ring must grow while the head is far from seq 1.
	 */
	for (size_t i = nev - 1; i > 0; i--) {
		size_t span = 16 + i / 4 < i + 1 ? 16 + i / 4 : i + 1;
		size_t j = i - (size_t)(next_rand() % span);
		uint64_t t = ev[i];

		ev[i] = ev[j];
		ev[j] = t;
	}
	reorder_init(&r, window);
	for (size_t i = 0; i < nev; i++) {
		uint64_t s = ev[i];
		int step = seen[s]++;
		struct item *it;

		if (kind[s] == 0) {
			reorder_skip(&r, s);
			skipped++;
		} else if (step == 0) {
			reorder_put(&r, s, &items[s]);
			put++;
		} else if (step == 1 && kind[s] == 2) {
			reorder_take(&r, s, &items[s]);
			reorder_put(&r, s, &items[s]);
		} else {
			items[s].ready = true;
		}
		/* Drain what is ready at the head, as fanin's advance() does. */
		while ((it = reorder_peek(&r)) != NULL && it->ready) {
			if (reorder_pop(&r) != it)
				wrong++;
			/* Claimed once: from 0 to 1, never again. */
			if (claimed[it->seq]++ != 0)
				twice++;
			if (it->seq <= last)
				in_order = false;
			last = it->seq;
		}
	}
	maxcap = r.mask + 1;
	for (uint64_t s = 1; s <= NSEQ; s++)
		if (claimed[s] != (kind[s] != 0))
			wrong++;
	ok(wrong == 0 && twice == 0,
	   "seed %llu: %llu put, %llu skipped: every item out exactly once, "
	   "no skipped seq out", (unsigned long long)seed,
	   (unsigned long long)put, (unsigned long long)skipped);
	ok(in_order, "seed %llu: strictly in sequence order",
	   (unsigned long long)seed);
	ok(reorder_head(&r) == NSEQ + 1 && r.count == 0 &&
	   r.skiphead == r.nskips && reorder_pop_any(&r) == NULL,
	   "seed %llu: the head passed everything, nothing left (ring %llu)",
	   (unsigned long long)seed, (unsigned long long)maxcap);
	reorder_release(&r);
	free(items);
	free(claimed);
	free(seen);
	free(kind);
	free(ev);
}

int main(void)
{
	static const uint64_t seeds[] = { 1, 42, 0x9e3779b97f4a7c15ull,
					  20240601, 7777777 };

	test_order();
	test_skip_ranges();
	test_growth();
	test_pop_any();
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
		replay(seeds[i], i % 2 ? 0 : 256);
	return tap_done();
}
