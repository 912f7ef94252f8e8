/*
 * sources.h - the input sources and how their records become the records
 * of jobs: --colsep cuts each into columns, --header names the columns.
 *
 * The first source streams (the reader thread reads it record by record);
 * with one source and no columns its records go to the batcher untouched,
 * exactly as without this file.
 */
#ifndef FANOUT_SOURCES_H
#define FANOUT_SOURCES_H

#include <stdbool.h>

#include "batch.h"
#include "cli.h"
#include "columns.h"
#include "placeholder.h"

struct sources {
	int fd;                 /* the first source; -1: its ::: arguments */
	char **args;
	int nargs;
	struct colsep colsep;   /* set: records are cut into columns */
	struct ph_names names;  /* --header: the columns' names */
	char *header;           /* the header record, which names point into */
	struct row row;         /* the reader's: the record being built */
};

/*
 * Open the input sources O names and read the header if asked; a source
 * that cannot be read, or a bad --colsep, ends fanout with exit status 2.
 */
void sources_open(struct sources *s, const struct opts *o);

/* Whether the first source's records go to the batcher as they are. */
bool sources_plain(const struct sources *s);

/*
 * Record V[0..N) (NUL-terminated) of the first source came at NOW: hand
 * the record(s) of jobs it makes to B. False once the run stops.
 */
bool sources_emit(struct sources *s, struct batch *b, const char *v,
		  size_t n, int64_t now);

void sources_release(struct sources *s);

#endif
