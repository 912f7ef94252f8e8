/*
 * test_blockcut.c - --pipe's record boundaries against a brute-force
 * reference, on random inputs over a small alphabet (so record ends and
 * starts of one to three bytes occur often and overlap), then whole streams
 * cut into blocks as the reader does: random read sizes, records longer
 * than the block, inputs without a final record end, -N.
 */
#include "blockcut.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static unsigned rng = 12345;

static unsigned rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

static void fill(char *s, size_t n, const char *alpha)
{
	size_t k = strlen(alpha);

	for (size_t i = 0; i < n; i++)
		s[i] = alpha[rnd((unsigned)k)];
}

/* The reference: every position, one by one. */
static size_t ref_last(const struct blockcut *c, const char *b, size_t n,
		       size_t lo, size_t hi)
{
	size_t min = lo + (c->endlen ? c->endlen : 1);

	for (size_t p = hi; p >= min && p > 0; p--)
		if (blockcut_at(c, b, n, p))
			return p;
	return 0;
}

static size_t ref_first(const struct blockcut *c, const char *b, size_t n,
			size_t lo)
{
	for (size_t p = lo + (c->endlen ? c->endlen : 1); p <= n; p++)
		if (blockcut_at(c, b, n, p))
			return p;
	return 0;
}

static void random_cut(struct blockcut *c, char *end, char *start)
{
	c->endlen = rnd(4);
	c->startlen = c->endlen ? rnd(3) : 1 + rnd(2);
	fill(end, c->endlen, "ab");
	fill(start, c->startlen, "ab");
	c->end = end;
	c->start = start;
}

static void test_against_reference(void)
{
	char buf[64], end[4], start[4];
	int bad = 0;

	for (int round = 0; round < 20000; round++) {
		struct blockcut c;
		size_t n = rnd(40), lo = n ? rnd((unsigned)n) : 0,
		       hi = lo + rnd((unsigned)(n - lo + 1));

		random_cut(&c, end, start);
		fill(buf, n, "abc");
		if (blockcut_last(&c, buf, n, lo, hi) !=
		    ref_last(&c, buf, n, lo, hi))
			bad++;
		if (blockcut_first(&c, buf, n, lo) != ref_first(&c, buf, n, lo))
			bad++;
	}
	is_int(bad, 0, "last and first agree with a scan of every position");
}

/*
 * Cut IN[0..N) as the reader does: read RD bytes at a time into a window,
 * ask for the block at its front, read more when it cannot tell. Checks
 * that blocks join up to the input and end only at cuts.
 */
static int stream(const struct blockcut *c, const char *in, size_t n,
		  size_t size, size_t nrec, size_t rd, size_t *nblocks)
{
	size_t off = 0, have = 0, total = 0;
	int bad = 0;

	*nblocks = 0;
	while (off < n) {
		bool eof;
		size_t p;

		if (have < size || have == 0)
			have = have + rd > n - off ? n - off : have + rd;
		eof = off + have == n;
		p = blockcut_block(c, in + off, have, size, nrec, eof);
		if (p == 0) {
			if (eof)
				return bad + 1;         /* stuck */
			have = have + rd > n - off ? n - off : have + rd;
			continue;
		}
		/* A cut in the window is a cut of the whole input. */
		if (off + p < n && !blockcut_at(c, in, n, off + p))
			bad++;
		if (nrec) {
			if (off + p < n &&
			    blockcut_nth(c, in + off, n - off, 0, nrec, NULL) != p)
				bad++;          /* not exactly NREC records */
		} else if (p > size && off + p < n &&
			   blockcut_first(c, in + off, n - off, 0) != p) {
			bad++;          /* an oversized block is one record */
		}
		total += p;
		off += p;
		have -= p;
		(*nblocks)++;
	}
	return bad + (total != n);
}

static void test_streams(void)
{
	static char in[4096];
	char end[4], start[4];
	int bad = 0;
	size_t blocks = 0;

	for (int round = 0; round < 3000; round++) {
		struct blockcut c;
		size_t n = rnd(sizeof in), size = 1 + rnd(200),
		       nrec = rnd(3) ? 0 : 1 + rnd(5), rd = 1 + rnd(300), nb;
		int r;

		random_cut(&c, end, start);
		/* Mostly lines, sometimes no record end for long stretches. */
		fill(in, n, rnd(4) ? "abcabcabc\n" : "abcab");
		if (rnd(2)) {
			c.end = "\n";
			c.endlen = 1;
			c.startlen = rnd(3) ? 0 : 1;
		}
		r = stream(&c, in, n, size, nrec, rd, &nb);
		bad += r;
		blocks += nb;
		if (r)
			printf("# round %d: n %zu size %zu nrec %zu rd %zu\n",
			       round, n, size, nrec, rd);
	}
	is_int(bad, 0, "random streams: blocks join up, cut at record "
	       "boundaries, -N counts, long records alone (%zu blocks)",
	       blocks);
}

static void test_cases(void)
{
	struct blockcut nl = { "\n", 1, NULL, 0 };
	struct blockcut fasta = { NULL, 0, ">", 1 };
	const char *s = "a\nbb\nccc\n";

	is_int(blockcut_block(&nl, s, 9, 6, 0, false), 5,
	       "by size: the last line end within the block");
	is_int(blockcut_block(&nl, s, 9, 1, 0, false), 2,
	       "a line longer than the block is a block of its own");
	is_int(blockcut_block(&nl, "abc", 3, 2, 0, false), 0,
	       "no record end yet: read more");
	is_int(blockcut_block(&nl, "abc", 3, 2, 0, true), 3,
	       "no final record end: the rest is the last block");
	is_int(blockcut_block(&nl, s, 9, 100, 2, false), 5, "-N 2: two lines");
	is_int(blockcut_block(&nl, s, 9, 100, 4, false), 0,
	       "-N 4 with three lines: read more");
	is_int(blockcut_block(&fasta, ">a\nx\n>b\ny\n", 10, 7, 0, false), 5,
	       "--recstart: cut before the record start");
	is_int(blockcut_block(&fasta, ">a\nx\n>b\ny\n", 10, 4, 0, false), 5,
	       "--recstart, a record longer than the block");
}

int main(void)
{
	test_cases();
	test_against_reference();
	test_streams();
	return tap_done();
}
