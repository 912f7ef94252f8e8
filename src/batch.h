/*
 * batch.h - records to jobs: up to N records a job, cut short so that the
 * command line stays within the kernel's limits, sent early once its first
 * record has waited --batch-timeout.
 *
 * Pure: no clock, no I/O, no threads. The caller passes the time in and
 * gets each job through its put() callback, in input order, numbered from 1.
 * What a command line costs comes as numbers (struct batch_costs, which
 * template.c fills for the run's template), the limits as byte counts.
 *
 * A record too long for any command line (longer than batch_max_record())
 * is never kept: it becomes a job of its own with no record bytes, marked
 * too_long, which fails without running; the records before and after it
 * go in other jobs. So the caller never needs to hold more than
 * batch_max_record() bytes of one record.
 */
#ifndef FANOUT_BATCH_H
#define FANOUT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "strbuf.h"

/*
 * Linux refuses any single argument longer than 32 pages with its NUL
 * (MAX_ARG_STRLEN); other systems have no such limit below ARG_MAX, where
 * keeping to it costs only a few more commands.
 */
#define BATCH_ARG_MAX (32 * 4096)

/*
 * What a job's command line costs (string bytes with their NULs, plus one
 * pointer per argument), as upper bounds affine in the length L of each
 * record: what the template costs alone, and what each record adds. A
 * record with columns (job.h) adds line_col and join_col for each column
 * (a record without counts as one).
 */
struct batch_costs {
	size_t line_base;       /* the whole command line without records */
	size_t line_byte;       /* ... and each record adds */
	size_t line_rec;        /*     line_byte * L + line_rec */
	size_t arg_byte;        /* the longest argument one record makes */
	size_t arg_rec;         /*     on its own: arg_byte * L + arg_rec */
	size_t join_base;       /* the one argument all records share (the */
	size_t join_byte;       /*     sh -c line, the --shell script): */
	size_t join_rec;        /*     base + per record byte * L + rec */
	size_t line_col;        /* each column adds this to the line */
	size_t join_col;        /* ... and this to the shared argument */
};

/* Takes job J (J is the callee's); false once the run stops. */
typedef bool batch_put_fn(struct job *j, void *arg);

struct batch_conf {
	size_t max_records;     /* --batch N: at most N records a job */
	int64_t timeout_ns;     /* --batch-timeout; 0: wait for N records */
	size_t line_max;        /* bytes a whole command line may take */
	size_t arg_max;         /* bytes one argument may take */
	struct batch_costs costs;
	batch_put_fn *put;
	void *arg;              /* put()'s second argument */
};

struct batch {
	struct batch_conf c;
	struct strbuf data;     /* the batch's records, each with its NUL */
	size_t nrec;
	size_t *ncols;          /* each record's columns; NULL until one has */
	size_t ncols_cap;
	size_t line, join;      /* what the batch costs so far */
	size_t max_record;
	int64_t first_ns;       /* when the batch's first record came */
	uint64_t seq;           /* jobs made so far */
	uint64_t records;       /* records taken so far, too long ones too */
};

/* Start B empty under the limits and costs of C (copied). */
void batch_init(struct batch *b, const struct batch_conf *c);

/* Free B's space; records not yet sent are dropped. */
void batch_release(struct batch *b);

/* The longest record that fits a command line (SIZE_MAX: no limit). */
size_t batch_max_record(const struct batch *b);

/* How many records B has taken so far, too long ones included. */
uint64_t batch_records(const struct batch *b);

/*
 * Add the record S[0..LEN) (no NUL inside) that came at NOW, sending
 * whatever jobs that completes. False once put() said the run stops.
 */
bool batch_add(struct batch *b, const char *s, size_t len, int64_t now);

/*
 * Add record R, which came at NOW, with its columns (R->ncol of them at
 * R->col); R->s holds no NUL. False once put() said the run stops.
 */
bool batch_add_rec(struct batch *b, const struct rec *r, int64_t now);

/*
 * The next record, which came at NOW, is too long for any command line:
 * send the batch so far, then a too_long job for it.
 */
bool batch_too_long(struct batch *b, int64_t now);

/* When the partial batch must go (--batch-timeout), or INT64_MAX. */
int64_t batch_due(const struct batch *b);

/* Send the partial batch if it is due at NOW. */
bool batch_tick(struct batch *b, int64_t now);

/* Send the partial batch now (end of input), if there is one. */
bool batch_flush(struct batch *b, int64_t now);

/*
 * What a whole command line may take: ARGMAX (sysconf(_SC_ARG_MAX), <= 0 if
 * unknown) less ENV bytes of environment (strings, NULs and pointers) and a
 * margin.
 */
size_t batch_line_max(long argmax, size_t env);

#endif
