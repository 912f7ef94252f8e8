/*
 * batch.c - records to jobs (see batch.h).
 *
 * A record joins the batch if the command line with it still fits: the
 * whole line under line_max and the argument the records share under
 * arg_max. Otherwise the batch goes first and the record starts the next
 * one; a record that fits no command line even alone never joins one.
 * Every cost is an upper bound, so a batch cut here never meets E2BIG.
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static size_t add_sat(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* BYTE * LEN + REC, saturating. */
static size_t affine(size_t byte, size_t rec, size_t len)
{
	if (byte && len > (SIZE_MAX - rec) / byte)
		return SIZE_MAX;
	return byte * len + rec;
}

/*
 * The longest LEN with BASE + BYTE * LEN + REC <= LIMIT. SIZE_MAX when LEN
 * is free: BYTE is 0, or the template alone is over the limit, and then
 * the kernel's E2BIG says so for every job, as it should.
 */
static size_t longest(size_t limit, size_t base, size_t byte, size_t rec)
{
	if (byte == 0 || base > limit || rec > limit - base)
		return SIZE_MAX;
	return (limit - base - rec) / byte;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Empty the batch for the next job. */
static void restart(struct batch *b)
{
	strbuf_reset(&b->data);
	b->nrec = 0;
	b->line = b->c.costs.line_base;
	b->join = b->c.costs.join_base;
}

void batch_init(struct batch *b, const struct batch_conf *c)
{
	const struct batch_costs *k = &c->costs;

	memset(b, 0, sizeof *b);
	b->c = *c;
	if (b->c.max_records == 0)
		b->c.max_records = 1;
	strbuf_init(&b->data, 0);
	b->max_record = min_size(
		longest(c->line_max, add_sat(k->line_base, k->line_col),
			k->line_byte, k->line_rec),
		min_size(longest(c->arg_max, 0, k->arg_byte, k->arg_rec),
			 longest(c->arg_max, add_sat(k->join_base, k->join_col),
				 k->join_byte, k->join_rec)));
	restart(b);
}

void batch_release(struct batch *b)
{
	strbuf_release(&b->data);
	free(b->ncols);
	b->ncols = NULL;
}

size_t batch_max_record(const struct batch *b)
{
	return b->max_record;
}

uint64_t batch_records(const struct batch *b)
{
	return b->records;
}

/* What a record of LEN with NCOL columns adds to the line and the join. */
static void rec_cost(const struct batch *b, size_t len, size_t ncol,
		     size_t *line, size_t *join)
{
	const struct batch_costs *k = &b->c.costs;
	size_t n = ncol ? ncol : 1;

	*line = add_sat(affine(k->line_byte, k->line_rec, len),
			affine(k->line_col, 0, n));
	*join = add_sat(affine(k->join_byte, k->join_rec, len),
			affine(k->join_col, 0, n));
}

/* Whether a record of LEN and NCOL columns still fits the command line. */
static bool fits(const struct batch *b, size_t len, size_t ncol)
{
	size_t line, join;

	rec_cost(b, len, ncol, &line, &join);
	return add_sat(b->line, line) <= b->c.line_max &&
	       add_sat(b->join, join) <= b->c.arg_max;
}

/* Whether a record of LEN and NCOL columns fits a command line alone. */
static bool fits_alone(const struct batch *b, size_t len, size_t ncol)
{
	const struct batch_costs *k = &b->c.costs;
	size_t line, join;

	if (len > b->max_record)
		return false;
	/* SIZE_MAX: the template alone is over a limit, E2BIG says so */
	if (ncol <= 1 || b->max_record == SIZE_MAX)
		return true;
	rec_cost(b, len, ncol, &line, &join);
	return add_sat(k->line_base, line) <= b->c.line_max &&
	       add_sat(k->join_base, join) <= b->c.arg_max;
}

bool batch_flush(struct batch *b, int64_t now)
{
	struct job *j;

	if (b->nrec == 0)
		return true;
	j = job_new_cols(++b->seq, b->data.buf, b->data.len, b->nrec,
			 b->ncols);
	j->queued_ns = now;
	restart(b);
	return b->c.put(j, b->c.arg);
}

/* Note that the batch's record NREC has NCOL columns. */
static void set_ncol(struct batch *b, size_t ncol)
{
	if (!b->ncols && ncol == 0)
		return;
	if (b->nrec >= b->ncols_cap) {
		size_t old = b->ncols_cap;

		b->ncols = grow_array(b->ncols, &b->ncols_cap, b->nrec + 1,
				      sizeof *b->ncols, 16);
		/* the records before the first with columns had none */
		memset(b->ncols + old, 0, (b->ncols_cap - old) * sizeof *b->ncols);
	}
	b->ncols[b->nrec] = ncol;
}

bool batch_add_rec(struct batch *b, const struct rec *r, int64_t now)
{
	size_t line, join, i;

	if (!fits_alone(b, r->len, r->ncol))
		return batch_too_long(b, now);
	if (b->nrec > 0 && !fits(b, r->len, r->ncol) && !batch_flush(b, now))
		return false;
	strbuf_add(&b->data, r->s, r->len);
	strbuf_addch(&b->data, '\0');
	for (i = 0; i < r->ncol; i++) {
		strbuf_add(&b->data, r->col[i].s, r->col[i].len);
		strbuf_addch(&b->data, '\0');
	}
	set_ncol(b, r->ncol);
	if (b->nrec++ == 0)
		b->first_ns = now;
	b->records++;
	rec_cost(b, r->len, r->ncol, &line, &join);
	b->line = add_sat(b->line, line);
	b->join = add_sat(b->join, join);
	if (b->nrec >= b->c.max_records)
		return batch_flush(b, now);
	return true;
}

bool batch_add(struct batch *b, const char *s, size_t len, int64_t now)
{
	struct rec r = { s, len, NULL, 0 };

	return batch_add_rec(b, &r, now);
}

bool batch_too_long(struct batch *b, int64_t now)
{
	struct job *j;

	if (!batch_flush(b, now))
		return false;
	b->records++;
	/* One empty record, so that whatever reads records[0] finds one. */
	j = job_new(++b->seq, "", 1, 1);
	j->too_long = b->records;
	j->queued_ns = now;
	return b->c.put(j, b->c.arg);
}

int64_t batch_due(const struct batch *b)
{
	if (b->nrec == 0 || b->c.timeout_ns <= 0)
		return INT64_MAX;
	return sat_add(b->first_ns, b->c.timeout_ns);
}

bool batch_tick(struct batch *b, int64_t now)
{
	if (now < batch_due(b))
		return true;
	return batch_flush(b, now);
}

size_t batch_line_max(long argmax, size_t env)
{
	/* An unknown or absurd ARG_MAX: assume the historical 128 KiB. */
	if (argmax <= 0 || argmax > 16L * 1024 * 1024)
		argmax = 128 * 1024;
	/* FANOUT_SEQ, FANOUT_SLOT and room for the kernel's own bookkeeping. */
	env = add_sat(env, 128 + 4096);
	return (size_t)argmax > add_sat(env, 4096) ? (size_t)argmax - env
						   : 4096;
}
