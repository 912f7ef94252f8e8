/*
 * fuzz_joblog.c - libFuzzer target: the job-log reader of --resume
 * (resume.c).
 *
 * Input: byte 0 picks --resume or --resume-failed and the piece size; the
 * rest is the log. The log is read twice, whole and in pieces of that
 * size: the scanner keeps no line, so both must agree on the verdict, the
 * line, where the whole lines end and which jobs are done.
 */
#include <stdlib.h>
#include <string.h>

#include "resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

static bool read_log(struct resume *s, const char *p, size_t n, size_t piece)
{
	for (size_t at = 0; at < n; at += piece) {
		size_t k = n - at < piece ? n - at : piece;

		if (!resume_feed(s, p + at, k))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	struct resume a, b;
	bool only_ok, oka, okb;
	size_t piece;
	const char *log = (const char *)in + 1;

	if (n < 1)
		return 0;
	only_ok = in[0] & 1;
	piece = 1 + (in[0] >> 1) % 17;
	n--;

	resume_init(&a, only_ok);
	resume_init(&b, only_ok);
	oka = read_log(&a, log, n, n ? n : 1);
	okb = read_log(&b, log, n, piece);
	if (oka != okb || a.line != b.line)
		abort();
	if (oka) {
		if (a.end_ok != b.end_ok || a.end_ok > n)
			abort();
		seqset_seal(&a.done);
		seqset_seal(&b.done);
		if (a.done.n != b.done.n || (a.done.n > 0 &&
		    memcmp(a.done.r, b.done.r, a.done.n * sizeof *a.done.r)))
			abort();
	} else if (strcmp(a.why, b.why) != 0) {
		abort();
	}
	resume_release(&a);
	resume_release(&b);
	return 0;
}
