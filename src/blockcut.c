/*
 * blockcut.c - record boundaries for --pipe (see blockcut.h).
 *
 * The scan looks for the last byte of the record end (or the first byte of
 * the record start when there is no record end) with memchr/memrchr, which
 * run at memory speed, then checks the rest of the strings at that spot.
 */
#define _GNU_SOURCE
#include "blockcut.h"

#include <string.h>

bool blockcut_at(const struct blockcut *c, const char *buf, size_t n,
		 size_t p)
{
	if (p == 0 || p > n)
		return false;
	if (c->endlen && (p < c->endlen ||
			  memcmp(buf + p - c->endlen, c->end, c->endlen) != 0))
		return false;
	if (c->startlen && (n - p < c->startlen ||
			    memcmp(buf + p, c->start, c->startlen) != 0))
		return false;
	return true;
}

/* The byte the scan looks for, and where a cut is relative to it. */
static int key(const struct blockcut *c, size_t *after)
{
	if (c->endlen) {
		*after = 1;     /* the cut follows the record end's last byte */
		return (unsigned char)c->end[c->endlen - 1];
	}
	*after = 0;             /* the cut is at the record start's first byte */
	return (unsigned char)c->start[0];
}

/* The smallest cut a record starting at LO may end at. */
static size_t least(const struct blockcut *c, size_t lo)
{
	return lo + (c->endlen ? c->endlen : 1);
}

size_t blockcut_last(const struct blockcut *c, const char *buf, size_t n,
		     size_t lo, size_t hi)
{
	size_t after, min = least(c, lo);
	int k = key(c, &after);

	if (hi > n)
		hi = n;
	/* Candidates p in [min, hi]: the key byte sits at p - after. */
	while (hi >= min) {
		size_t from = min - after, to = hi - after + 1;
		const char *q = memrchr(buf + from, k, to - from);
		size_t p;

		if (!q)
			return 0;
		p = (size_t)(q - buf) + after;
		if (blockcut_at(c, buf, n, p))
			return p;
		hi = p - 1;
	}
	return 0;
}

size_t blockcut_first(const struct blockcut *c, const char *buf, size_t n,
		      size_t lo)
{
	size_t after, p = least(c, lo);
	int k = key(c, &after);

	while (p <= n) {
		const char *q;

		if (p - after >= n)
			return 0;
		q = memchr(buf + p - after, k, n - (p - after));
		if (!q)
			return 0;
		p = (size_t)(q - buf) + after;
		if (blockcut_at(c, buf, n, p))
			return p;
		p++;
	}
	return 0;
}

size_t blockcut_nth(const struct blockcut *c, const char *buf, size_t n,
		    size_t lo, size_t k, size_t *seen)
{
	size_t i, p = lo;

	for (i = 0; i < k; i++) {
		size_t q = blockcut_first(c, buf, n, p);

		if (!q)
			break;
		p = q;
	}
	if (seen)
		*seen = i;
	return i == k ? p : 0;
}

size_t blockcut_block(const struct blockcut *c, const char *buf, size_t n,
		      size_t size, size_t nrec, bool eof)
{
	size_t p;

	if (n == 0)
		return 0;
	if (nrec > 0) {
		p = blockcut_nth(c, buf, n, 0, nrec, NULL);
		return p ? p : eof ? n : 0;
	}
	if (eof && n <= size)
		return n;
	if (n < size && !eof)
		return 0;
	p = blockcut_last(c, buf, n, 0, size);
	if (!p)
		p = blockcut_first(c, buf, n, 0);
	return p ? p : eof ? n : 0;
}
