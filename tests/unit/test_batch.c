/*
 * test_batch.c - records to jobs on replayed times: the count cut, the
 * command-line (ARG_MAX) cut, the shared-argument cut, records too long to
 * run, --batch-timeout due and not due, and flushing an empty batch.
 *
 * The costs are small made-up numbers, so that each cut falls on a record
 * the test can name: a "command line" of 100 bytes, arguments of 20.
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define MAXJOBS 16

/* The jobs put() received, and what it answers. */
static struct job *got[MAXJOBS];
static size_t ngot;
static bool stopping;

static bool put(struct job *j, void *arg)
{
	(void)arg;
	if (ngot < MAXJOBS)
		got[ngot++] = j;
	else
		job_free(j);
	return !stopping;
}

static void forget(void)
{
	for (size_t i = 0; i < ngot; i++)
		job_free(got[i]);
	ngot = 0;
	stopping = false;
}

/* Job I's records joined with spaces, "<too long N>" for a failed one. */
static const char *show(size_t i)
{
	static char buf[256];
	size_t n = 0;

	if (i >= ngot)
		return "(none)";
	if (got[i]->too_long) {
		snprintf(buf, sizeof buf, "<too long %llu>",
			 (unsigned long long)got[i]->too_long);
		return buf;
	}
	buf[0] = '\0';
	for (size_t r = 0; r < got[i]->nrec; r++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s",
				      r ? " " : "", got[i]->recs[r].s);
	return buf;
}

/*
 * Costs: a base of 10, each record 1 byte a byte plus 9; no shared
 * argument; one argument per record (the record and its NUL).
 */
static struct batch_conf conf(size_t max_records, int64_t timeout_ns)
{
	struct batch_conf c = {
		.max_records = max_records, .timeout_ns = timeout_ns,
		.line_max = 100, .arg_max = 20,
		.costs = { .line_base = 10, .line_byte = 1, .line_rec = 9,
			   .arg_byte = 1, .arg_rec = 1 },
		.put = put,
	};

	return c;
}

static void add(struct batch *b, const char *s, int64_t now)
{
	batch_add(b, s, strlen(s), now);
}

static void test_count(void)
{
	struct batch_conf c = conf(3, 0);
	struct batch b;

	batch_init(&b, &c);
	for (int i = 1; i <= 7; i++) {
		char s[4];

		snprintf(s, sizeof s, "%d", i);
		add(&b, s, i);
	}
	is_int(ngot, 2, "count: two full batches of 3 went at once");
	is_str(show(0), "1 2 3", "count: first batch");
	is_str(show(1), "4 5 6", "count: second batch");
	is_int(got[1]->seq, 2, "count: jobs are numbered in order");
	is_int(got[1]->queued_ns, 6, "count: a job is queued when it is full");
	ok(batch_flush(&b, 8), "count: end of input");
	is_str(show(2), "7", "count: the partial batch at the end");
	is_int(got[2]->queued_ns, 8, "count: flushed at the time given");
	batch_release(&b);
	forget();

	c = conf(1, 0);
	batch_init(&b, &c);
	add(&b, "a", 0);
	add(&b, "b", 0);
	is_int(ngot, 2, "--batch 1: one job a record, no flush needed");
	batch_release(&b);
	forget();
}

static void test_line_cut(void)
{
	struct batch_conf c = conf(100, 0);
	struct batch b;

	/* 10 + 9 records of 1 byte at 10 each = 100: exactly full. */
	batch_init(&b, &c);
	for (int i = 0; i < 10; i++)
		add(&b, "x", 0);
	is_int(ngot, 1, "line: the tenth record does not fit");
	is_int(got[0]->nrec, 9, "line: nine records fill 100 bytes exactly");
	batch_flush(&b, 0);
	is_int(ngot, 2, "line: the tenth starts the next job");
	is_int(got[1]->nrec, 1, "line: ... alone");
	batch_release(&b);
	forget();

	/* 10 + 19 + 19 + 19 + 19 = 86; a fifth of 10 bytes (19) is over. */
	batch_init(&b, &c);
	for (int i = 0; i < 4; i++)
		add(&b, "0123456789", 0);
	add(&b, "0123456789", 0);
	is_int(ngot, 1, "line: cut by bytes, not by count");
	is_int(got[0]->nrec, 4, "line: four long records");
	add(&b, "y", 0);
	batch_flush(&b, 0);
	is_str(show(1), "0123456789 y", "line: the next batch goes on");
	batch_release(&b);
	forget();
}

static void test_join_cut(void)
{
	/* One shared argument of 20 bytes: base 2, each record L + 1. */
	struct batch_conf c = conf(100, 0);
	struct batch b;

	c.costs.join_base = 2;
	c.costs.join_byte = 1;
	c.costs.join_rec = 1;
	c.costs.arg_byte = c.costs.arg_rec = 0;
	batch_init(&b, &c);
	is_int(batch_max_record(&b), 17, "join: longest record alone");
	add(&b, "abcd", 0);             /* 2 + 5 */
	add(&b, "efgh", 0);             /* 12 */
	add(&b, "ijkl", 0);             /* 17 */
	add(&b, "mnop", 0);             /* 22: over */
	is_int(ngot, 1, "join: the shared argument cuts the batch");
	is_str(show(0), "abcd efgh ijkl", "join: three fit in 20 bytes");
	add(&b, "0123456789abcdefg", 0);
	is_str(show(1), "mnop", "join: a long record goes alone");
	batch_flush(&b, 0);
	is_str(show(2), "0123456789abcdefg", "join: 17 bytes fit alone");
	batch_release(&b);
	forget();
}

static void test_too_long(void)
{
	struct batch_conf c = conf(100, 0);
	struct batch b;

	/* One argument of 20 bytes: 19 and the NUL. */
	batch_init(&b, &c);
	is_int(batch_max_record(&b), 19, "per-arg: longest record alone");
	add(&b, "a", 0);
	add(&b, "b", 0);
	add(&b, "0123456789012345678", 1);      /* 19: fits */
	add(&b, "01234567890123456789", 2);     /* 20: too long */
	add(&b, "c", 3);
	ok(batch_too_long(&b, 4), "per-arg: the caller read past one");
	add(&b, "d", 5);
	batch_flush(&b, 6);
	is_int(ngot, 5, "per-arg: five jobs");
	is_str(show(0), "a b 0123456789012345678", "per-arg: up to the cut");
	is_str(show(1), "<too long 4>", "per-arg: record 4 fails alone");
	is_int(got[1]->nrec, 1, "per-arg: with one empty record");
	is_str(show(2), "c", "per-arg: its neighbour runs");
	is_str(show(3), "<too long 6>", "per-arg: record 6 fails alone");
	is_str(show(4), "d", "per-arg: and the run goes on");
	is_int(got[4]->seq, 5, "per-arg: failed ones take job numbers");
	is_int(batch_records(&b), 7, "per-arg: every record counted");
	batch_release(&b);
	forget();

	/* The command line's limit bounds a record too: (100-10-9)/1. */
	c.arg_max = 1000;
	batch_init(&b, &c);
	is_int(batch_max_record(&b), 81, "line: longest record alone");
	batch_release(&b);

	/* A template whose records never reach the argv: no limit. */
	c.costs.line_byte = c.costs.arg_byte = 0;
	batch_init(&b, &c);
	ok(batch_max_record(&b) == SIZE_MAX, "unused records: no limit");
	batch_release(&b);
}

static void test_timeout(void)
{
	struct batch_conf c = conf(100, 50);
	struct batch b;

	batch_init(&b, &c);
	ok(batch_due(&b) == INT64_MAX, "timeout: nothing due while empty");
	ok(batch_tick(&b, 1000), "timeout: a tick on nothing");
	is_int(ngot, 0, "timeout: ... sends nothing");
	add(&b, "a", 1000);
	add(&b, "b", 1040);
	is_int(batch_due(&b), 1050, "timeout: due from the first record");
	batch_tick(&b, 1049);
	is_int(ngot, 0, "timeout: not due at 1049");
	batch_tick(&b, 1050);
	is_int(ngot, 1, "timeout: due at 1050");
	is_str(show(0), "a b", "timeout: the partial batch");
	ok(batch_due(&b) == INT64_MAX, "timeout: nothing due after");
	add(&b, "c", 2000);
	is_int(batch_due(&b), 2050, "timeout: the next batch's own clock");
	batch_release(&b);
	forget();

	c = conf(100, 0);
	batch_init(&b, &c);
	add(&b, "a", 0);
	ok(batch_due(&b) == INT64_MAX, "no timeout: never due");
	batch_release(&b);
	forget();
}

static void test_flush_and_stop(void)
{
	struct batch_conf c = conf(2, 0);
	struct batch b;

	batch_init(&b, &c);
	ok(batch_flush(&b, 0), "empty flush: true");
	is_int(ngot, 0, "empty flush: no job");
	stopping = true;
	ok(batch_add(&b, "a", 1, 0), "stop: a record is taken");
	ok(!batch_add(&b, "b", 1, 0), "stop: put's false comes back");
	ok(!batch_too_long(&b, 0), "stop: ... from a too long one as well");
	batch_release(&b);
	forget();
}

int main(void)
{
	test_count();
	test_line_cut();
	test_join_cut();
	test_too_long();
	test_timeout();
	test_flush_and_stop();
	return tap_done();
}
