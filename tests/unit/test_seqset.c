/*
 * test_seqset.c - the --resume set of done jobs: right answers in any order
 * of adding, at the ends of the uint64_t range, and memory that follows the
 * number of ranges, not the largest number.
 */
#include <stdlib.h>

#include "seqset.h"
#include "tap.h"

#define UNIVERSE 4096

/* Is the set exactly the reference REF over [0, UNIVERSE)? */
static int same_as(const struct seqset *s, const unsigned char *ref)
{
	for (uint64_t v = 0; v < UNIVERSE; v++)
		if (seqset_has(s, v) != (ref[v] != 0))
			return 0;
	return 1;
}

/* The sealed invariant: sorted, disjoint, not adjacent. */
static int well_formed(const struct seqset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->r[i].lo > s->r[i].hi)
			return 0;
		if (i && s->r[i - 1].hi + 1 >= s->r[i].lo)
			return 0;
	}
	return 1;
}

static void test_empty(void)
{
	struct seqset s = { 0 };

	ok(!seqset_has(&s, 0) && !seqset_has(&s, 1) &&
	   !seqset_has(&s, UINT64_MAX), "a zeroed set is empty");
	seqset_seal(&s);
	ok(!seqset_has(&s, 7), "sealing an empty set keeps it empty");
	seqset_release(&s);
}

static void test_runs(void)
{
	struct seqset s;

	seqset_init(&s);
	for (uint64_t v = 1; v <= 1000000; v++)
		seqset_add(&s, v);
	seqset_seal(&s);
	is_int(s.n, 1, "a million in order make one range");
	ok(seqset_has(&s, 1) && seqset_has(&s, 1000000) &&
	   !seqset_has(&s, 0) && !seqset_has(&s, 1000001), "its ends");
	seqset_release(&s);

	seqset_init(&s);
	for (uint64_t v = 1000000; v >= 1; v--)
		seqset_add(&s, v);
	seqset_seal(&s);
	is_int(s.n, 1, "a million in reverse make one range");
	seqset_release(&s);

	seqset_init(&s);
	for (uint64_t v = 1; v <= 200000; v += 2)
		seqset_add(&s, v);
	seqset_seal(&s);
	is_int(s.n, 100000, "odd numbers stay apart");
	ok(s.cap <= 4 * s.n, "the table is within 4x the ranges (%zu for %zu)",
	   s.cap, s.n);
	ok(seqset_has(&s, 199999) && !seqset_has(&s, 199998), "odd, even");
	seqset_release(&s);
}

static void test_extremes(void)
{
	struct seqset s;

	seqset_init(&s);
	seqset_add(&s, UINT64_MAX);
	seqset_add(&s, 0);
	seqset_add(&s, UINT64_MAX - 1);
	seqset_add(&s, (uint64_t)1 << 63);
	seqset_add(&s, 1000000000000ULL);
	seqset_seal(&s);
	ok(well_formed(&s), "well formed");
	ok(seqset_has(&s, UINT64_MAX) && seqset_has(&s, UINT64_MAX - 1) &&
	   seqset_has(&s, 0) && seqset_has(&s, (uint64_t)1 << 63) &&
	   seqset_has(&s, 1000000000000ULL), "huge numbers cost one range each");
	ok(!seqset_has(&s, UINT64_MAX - 2) && !seqset_has(&s, 1) &&
	   !seqset_has(&s, 999999999999ULL), "and nothing between");
	is_int(s.n, 4, "UINT64_MAX-1 and UINT64_MAX merge");
	seqset_release(&s);
}

/* Random adds, duplicates and all, against a plain array. */
static void test_random(void)
{
	static unsigned char ref[UNIVERSE];
	int good = 1, formed = 1;

	srand(42);
	for (int round = 0; round < 50; round++) {
		struct seqset s;
		int adds = rand() % (2 * UNIVERSE);

		seqset_init(&s);
		for (int i = 0; i < UNIVERSE; i++)
			ref[i] = 0;
		for (int i = 0; i < adds; i++) {
			/* Mostly near the last one, as a log with -j is. */
			uint64_t v = (uint64_t)(rand() % 3 ? (i + rand() % 16) %
						UNIVERSE : rand() % UNIVERSE);

			seqset_add(&s, v);
			ref[v] = 1;
		}
		seqset_seal(&s);
		good &= same_as(&s, ref);
		formed &= well_formed(&s);
		/* Adding after a seal, then sealing again. */
		seqset_add(&s, 17);
		ref[17] = 1;
		seqset_seal(&s);
		good &= same_as(&s, ref);
		seqset_release(&s);
	}
	ok(good, "50 random sets agree with a plain array");
	ok(formed, "and are well formed");
}

int main(void)
{
	test_empty();
	test_runs();
	test_extremes();
	test_random();
	return tap_done();
}
