/*
 * sources.h - the input sources and how their records become the records
 * of jobs, as in GNU parallel.
 *
 * With several sources, a job's record has one column per source (and
 * --colsep cuts each source's value into more): every combination of the
 * sources' records, the first source varying slowest. A source linked to
 * the one before (:::+, ::::+) goes with it, n-th record with n-th, the
 * shortest setting the length; --link links them all, shorter ones
 * wrapping around to the length of the longest.
 *
 * The first source streams: the reader thread reads it record by record
 * and each record makes its combinations at once. The other sources are
 * read into memory first (they are walked again for every record of the
 * first), and so is the first one under --link, where its end is needed.
 * With one source and no columns, records go to the batcher untouched,
 * exactly as without this file. The job's sequence number is the
 * combination's: --resume finds the same numbers again.
 *
 * -N N puts N records of the (one) source in each job's record, as its
 * columns {1} .. {N}; the last one may have fewer.
 *
 * --header takes the first record of each source as the names of its
 * columns, cut by --colsep, or by a tab when no --colsep is given (as GNU
 * parallel does: then the records are cut by a tab too).
 */
#ifndef FANOUT_SOURCES_H
#define FANOUT_SOURCES_H

#include <stdbool.h>

#include "batch.h"
#include "opts.h"
#include "columns.h"
#include "placeholder.h"

/* A source's records, held in memory. */
struct held {
	struct rec *v;
	size_t n;
	char *data;             /* a file's bytes, which v points into */
};

struct sources {
	int fd;                 /* the first source; -1: held[0] instead */
	size_t nsrc;
	struct held *held;      /* [nsrc]: held[0] only if the first is */
	bool *linked;           /* [nsrc]: source i goes with i - 1 */
	bool link;              /* --link: all, wrapping */
	size_t *pos;            /* [nsrc]: the walk over the combinations */
	uint64_t first;         /* records of the first source so far */
	struct colsep colsep;   /* set: values are cut into columns */
	struct ph_names names;  /* --header: the columns' names */
	char **headers;         /* [nsrc]: the header records, names in them */
	struct row row;         /* the reader's: the record being built */
	size_t per;             /* -N: records of the first source a job */
	struct strbuf pend;     /* ... those so far, each with its NUL */
	size_t npend;
};

/*
 * Open the input sources O names, hold the ones after the first, and read
 * the header if asked; a source that cannot be read, or a bad --colsep,
 * ends fanout with exit status 2.
 */
void sources_open(struct sources *s, const struct opts *o, int delim);

/* Whether the first source's records go to the batcher as they are. */
bool sources_plain(const struct sources *s);

/* Whether the first source is held too (no fd to read). */
bool sources_held(const struct sources *s);

/*
 * Record V[0..N) (NUL-terminated) of the first source came at NOW: hand
 * the records of jobs it makes to B. False once the run stops, or once a
 * source linked to the first has run out (read no more).
 */
bool sources_emit(struct sources *s, struct batch *b, const char *v,
		  size_t n, int64_t now);

/*
 * The first source ended at NOW: if it had no record and there are other
 * sources, it counts as one empty value (GNU parallel's way).
 */
bool sources_end(struct sources *s, struct batch *b, int64_t now);

/* sources_held(): hand all the records of jobs to B. */
void sources_emit_all(struct sources *s, struct batch *b);

void sources_release(struct sources *s);

#endif
