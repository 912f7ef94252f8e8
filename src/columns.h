/*
 * columns.h - a record's columns: cutting a record at --colsep, and
 * building a record with columns (job.h) from values, for the batcher.
 *
 * --colsep is a POSIX extended regular expression (regcomp(3)), GNU
 * parallel's being Perl's: what users write for it ("," "\t" "\s+" ":+")
 * means the same in both; "\t" is taken as a tab. A match of no bytes
 * does not cut. Empty columns are kept, trailing ones too, as parallel
 * keeps them.
 */
#ifndef FANOUT_COLUMNS_H
#define FANOUT_COLUMNS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "job.h"
#include "strbuf.h"

struct colsep {
	regex_t re;
	bool set;
};

/* Compile PATTERN into C; NULL, or why it is not a usable expression. */
const char *colsep_init(struct colsep *c, const char *pattern);

void colsep_release(struct colsep *c);

/*
 * A record being built from its columns: their values (pointing into
 * memory the caller keeps until the record is used) and {}, the columns
 * joined by spaces.
 */
struct row {
	struct rec *col;
	size_t ncol, cap;
	struct strbuf joined;
};

void row_init(struct row *r);
void row_release(struct row *r);

/* Start R over, with no columns. */
void row_reset(struct row *r);

/* Add the column S[0..N) to R; S must outlive the record R makes. */
void row_add(struct row *r, const char *s, size_t n);

/* Add the columns of S[0..N) (NUL-terminated) as cut by C. */
void row_cut(struct row *r, const struct colsep *c, const char *s, size_t n);

/*
 * The record R makes, in *OUT: {} the columns joined by spaces; with one
 * column, the record is that value and has no columns of its own.
 */
void row_rec(struct row *r, struct rec *out);

#endif
