/*
 * fuzz_records.c - libFuzzer target: the record reader (input.c) and the
 * batcher behind it (batch.c), through input_start() on a file.
 *
 * Input: byte 0 picks the delimiter, byte 1 the records per job (--batch),
 * byte 2 the longest argument allowed (so that "too long" records happen);
 * the rest is the input. The jobs must give back exactly the records a
 * plain split finds: in order, numbered from 1, each cut at a NUL, a record
 * longer than the limit as one too_long job of its own, no batch over its
 * size or its command-line budget.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "util.h"

#include "quiet.h"

static const char delims[] = { '\n', '\0', ',' };

struct want {
	const char *in;         /* the input: records are looked up in it */
	size_t n, pos;          /* where the next record starts */
	int delim;
	size_t max_records, max_record, line_max;
	struct batch_costs costs;
	uint64_t seq, nrec;
	bool saw_end;
};

static int stop_fd[2];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_std_writer(&quiet);         /* the NUL warnings */
	if (pipe(stop_fd) < 0)          /* never written: never stops */
		abort();
	return 0;
}

/* The next record a plain split finds: its bytes up to a NUL; false at end. */
static bool next_record(struct want *w, const char **s, size_t *len,
			size_t *whole)
{
	const char *p = w->in + w->pos, *d, *nul;
	size_t left = w->n - w->pos;

	if (left == 0)
		return false;
	d = memchr(p, w->delim, left);
	*whole = d ? (size_t)(d - p) : left;
	nul = memchr(p, '\0', *whole);
	*s = p;
	*len = nul ? (size_t)(nul - p) : *whole;
	w->pos += *whole + (d ? 1 : 0);
	return true;
}

static bool put(struct job *j, void *arg)
{
	struct want *w = arg;
	const char *s;
	size_t len, whole, line = w->costs.line_base;

	if (j->seq != ++w->seq || j->nrec == 0 || j->nrec > w->max_records)
		abort();
	for (size_t i = 0; i < j->nrec; i++) {
		if (!next_record(w, &s, &len, &whole))
			abort();                /* a record that was not input */
		w->nrec++;
		if (j->too_long) {
			if (j->nrec != 1 || len <= w->max_record ||
			    j->too_long != w->nrec)
				abort();
			continue;
		}
		if (len > w->max_record || j->recs[i].len != len ||
		    memcmp(j->recs[i].s, s, len) != 0 || j->recs[i].s[len])
			abort();
		line += w->costs.line_byte * len + w->costs.line_rec;
	}
	if (j->nrec > 1 && line > w->line_max)
		abort();
	job_free(j);
	return true;
}

static void done(void *arg)
{
	((struct want *)arg)->saw_end = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	struct want w = { 0 };
	struct input_conf c = { 0 };
	struct sources src = { 0 };
	const char *s;
	size_t len, whole;
	FILE *f;

	if (n < 3)
		return 0;
	w.delim = delims[in[0] % 3];
	w.max_records = 1 + in[1] % 8;
	w.in = (const char *)in + 3;
	w.n = n - 3;
	f = tmpfile();
	if (!f || fwrite(w.in, 1, w.n, f) != w.n || fflush(f) != 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		abort();

	/* one source, no columns: what input.c does on its own */
	src.fd = fileno(f);
	src.nsrc = 1;
	c.src = &src;
	c.delim = w.delim;
	c.stop_fd = stop_fd[0];
	c.batch.max_records = w.max_records;
	c.batch.arg_max = 8 + in[2];
	c.batch.line_max = 4 * c.batch.arg_max;
	c.batch.costs = (struct batch_costs){
		.line_base = 8, .line_byte = 1, .line_rec = 9,
		.arg_byte = 1, .arg_rec = 1,
		.join_base = 0, .join_byte = 0, .join_rec = 0,
	};
	c.batch.put = put;
	c.batch.arg = &w;
	c.done = done;
	w.costs = c.batch.costs;
	w.line_max = c.batch.line_max;
	w.max_record = c.batch.arg_max - 1;     /* arg_byte * L + arg_rec */

	input_start(&c);
	if (input_join() != 0 || !w.saw_end)
		abort();
	/* Every record was handed on; an empty last piece is no record. */
	if (next_record(&w, &s, &len, &whole))
		abort();
	fclose(f);
	return 0;
}
