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
		longest(c->line_max, k->line_base, k->line_byte, k->line_rec),
		min_size(longest(c->arg_max, 0, k->arg_byte, k->arg_rec),
			 longest(c->arg_max, k->join_base, k->join_byte,
				 k->join_rec)));
	restart(b);
}

void batch_release(struct batch *b)
{
	strbuf_release(&b->data);
}

size_t batch_max_record(const struct batch *b)
{
	return b->max_record;
}

uint64_t batch_records(const struct batch *b)
{
	return b->records;
}

/* Whether a record of LEN still fits the batch's command line. */
static bool fits(const struct batch *b, size_t len)
{
	const struct batch_costs *k = &b->c.costs;

	return add_sat(b->line, affine(k->line_byte, k->line_rec, len)) <=
		       b->c.line_max &&
	       add_sat(b->join, affine(k->join_byte, k->join_rec, len)) <=
		       b->c.arg_max;
}

bool batch_flush(struct batch *b, int64_t now)
{
	struct job *j;

	if (b->nrec == 0)
		return true;
	j = job_new(++b->seq, b->data.buf, b->data.len, b->nrec);
	j->queued_ns = now;
	restart(b);
	return b->c.put(j, b->c.arg);
}

bool batch_add(struct batch *b, const char *s, size_t len, int64_t now)
{
	const struct batch_costs *k = &b->c.costs;

	if (len > b->max_record)
		return batch_too_long(b, now);
	if (b->nrec > 0 && !fits(b, len) && !batch_flush(b, now))
		return false;
	strbuf_add(&b->data, s, len);
	strbuf_addch(&b->data, '\0');
	if (b->nrec++ == 0)
		b->first_ns = now;
	b->records++;
	b->line = add_sat(b->line, affine(k->line_byte, k->line_rec, len));
	b->join = add_sat(b->join, affine(k->join_byte, k->join_rec, len));
	if (b->nrec >= b->c.max_records)
		return batch_flush(b, now);
	return true;
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
