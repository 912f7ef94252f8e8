/*
 * job.h - one unit of work: a numbered batch of input records.
 *
 * A job is one allocation: the struct, its record table and the record bytes,
 * each record NUL-terminated (a record never contains NUL: -0 splits on it).
 *
 * A record may have columns ({1} {2} ...): the values of several input
 * sources, the fields cut by --colsep, or the records -N puts in one job.
 * Then the record itself ({}) is its columns joined by spaces, as in GNU
 * parallel, and its columns follow the records in the table.
 */
#ifndef FANOUT_JOB_H
#define FANOUT_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "hostloss.h"

struct block;

struct rec {
	const char *s;  /* NUL-terminated */
	size_t len;
	const struct rec *col;  /* its columns, {1} {2} ...; NULL if none */
	size_t ncol;            /* 0: one column, the record itself */
};

struct job {
	uint64_t seq;           /* 1-based input order: {#}, FANOUT_SEQ */
	int attempt;            /* 0 for the first run, 1.. for retries */
	int64_t not_before_ns;  /* retry backoff: do not start before this */
	int64_t queued_ns;      /* when the reader made it */
	uint64_t too_long;      /* 0, or its record's number: too long to run */
	uint64_t ticket;        /* --rate: its turn at the gate (sched_next) */
	struct hostloss lost;   /* -S: the hosts lost under it (hostloss.h) */
	size_t nrec;
	struct rec *recs;
	char *data;
	struct block *block;    /* --pipe: its stdin (pipefeed.h); no records */
};

/* Make a job from NREC records whose bytes (each with its NUL) fill DATA. */
struct job *job_new(uint64_t seq, const char *data, size_t datalen,
		    size_t nrec);

/*
 * As job_new(), for records with columns: after each record's bytes in
 * DATA come NCOLS[i] columns, each with its NUL (NCOLS NULL: none).
 */
struct job *job_new_cols(uint64_t seq, const char *data, size_t datalen,
			 size_t nrec, const size_t *ncols);

/* Free a job made by job_new(), and its block. */
void job_free(struct job *j);

#endif
