/*
 * test_outbuf.c - the spill file's lent stretches (outbuf.c): a stretch
 * dropped after being spliced into a pipe keeps its bytes until
 * outbuf_settle() says its lane's reader has gone past its mark (a punch
 * would zero pages the reader has yet to read), adjacent ones merge, and
 * cutting the file back to nothing forgets them all. A plain drop punches
 * at once. Punching is seen as zeros where the file system can punch.
 */
#define _GNU_SOURCE
#include "outbuf.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 16384

/* Are all LEN bytes at OFF of S's spill file C? */
static bool bytes_are(struct outbuf_store *s, off_t off, size_t len, char c)
{
	char buf[N];
	ssize_t r = pread(s->fd, buf, len, off);

	if (r != (ssize_t)len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != c)
			return false;
	return true;
}

/* Can this file system punch holes? Then punched bytes read as zeros. */
static bool can_punch(struct outbuf_store *s)
{
	return fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 s->end, 1) == 0;
}

int main(void)
{
	struct outbuf_store s;
	struct outbuf a = { 0 }, b = { 0 };
	char buf[N];
	bool punches;

	outbuf_store_init(&s, 0);       /* no memory: everything spills */
	memset(buf, 'a', N);
	is_int(outbuf_spill(&s, &a, buf, N), 0, "a spills");
	memset(buf, 'b', N);
	is_int(outbuf_spill(&s, &b, buf, N), 0, "b spills after it");
	punches = can_punch(&s);

	outbuf_drop_lent(&s, &a, N / 2, 0, 1000);
	outbuf_drop_lent(&s, &a, N / 4, 0, 1200);
	ok(outbuf_lent(&s), "lent stretches wait");
	is_int(s.nlent, 1, "adjacent lent stretches are one");
	outbuf_settle(&s, 1, 5000);
	ok(outbuf_lent(&s) && bytes_are(&s, 0, N, 'a'),
	   "another lane's progress punches nothing");
	outbuf_settle(&s, 0, 1199);
	ok(outbuf_lent(&s) && bytes_are(&s, 0, N, 'a'),
	   "a reader short of the mark punches nothing");
	outbuf_settle(&s, 0, 1200);
	ok(!outbuf_lent(&s), "a reader past the mark: settled");
	if (punches)
		ok(bytes_are(&s, 0, 3 * N / 4, '\0') &&
		   bytes_are(&s, 3 * N / 4, N / 4, 'a'),
		   "settled: punched, the rest kept");

	outbuf_drop(&s, &a, N / 4);
	ok(!outbuf_lent(&s), "a plain drop lends nothing");
	if (punches)
		ok(bytes_are(&s, 3 * N / 4, N / 4, '\0') &&
		   bytes_are(&s, N, N, 'b'), "a plain drop punches at once");

	outbuf_drop_lent(&s, &b, N / 2, 1, 10);
	ok(outbuf_lent(&s) && bytes_are(&s, N, N, 'b'), "b lends half");
	outbuf_drop(&s, &b, N / 2);
	ok(!outbuf_lent(&s) && s.end == 0,
	   "nothing live: the file is cut back, lent stretches forgotten");

	memset(buf, 'c', N);
	ok(outbuf_spill(&s, &a, buf, N) == 0 &&
	   outbuf_spill(&s, &a, buf, N) == 0, "the cut file grows again");
	outbuf_settle(&s, 1, 100);
	ok(bytes_are(&s, 0, N, 'c') && bytes_are(&s, N, N, 'c'),
	   "a forgotten stretch punches nothing");
	outbuf_free(&s, &a);
	outbuf_free(&s, &b);
	outbuf_store_release(&s);
	return tap_done();
}
