/*
 * job.c - making and freeing jobs (see job.h).
 */
#include "job.h"

#include <stdlib.h>
#include <string.h>

#include "pipefeed.h"
#include "util.h"

/* Point R at the NUL-terminated string at *P and step *P past it. */
static void take_string(struct rec *r, const char **p)
{
	size_t n = strlen(*p);

	r->s = *p;
	r->len = n;
	r->col = NULL;
	r->ncol = 0;
	*p += n + 1;
}

struct job *job_new_cols(uint64_t seq, const char *data, size_t datalen,
			 size_t nrec, const size_t *ncols)
{
	size_t ntotal = nrec, i, k, c;
	struct job *j;
	struct rec *cols;
	const char *p;

	for (i = 0; ncols && i < nrec; i++)
		ntotal += ncols[i];
	/* One allocation: the struct, the record table, then the bytes. */
	j = xmalloc(sizeof *j + ntotal * sizeof(struct rec) + datalen);
	j->seq = seq;
	j->attempt = 0;
	j->not_before_ns = 0;
	j->queued_ns = 0;
	j->too_long = 0;
	j->ticket = 0;
	j->lost = (struct hostloss){ { NULL, NULL }, 0 };
	j->block = NULL;
	j->nrec = nrec;
	j->recs = (struct rec *)(j + 1);
	j->data = (char *)(j->recs + ntotal);
	memcpy(j->data, data, datalen);
	p = j->data;
	cols = j->recs + nrec;
	for (i = 0, c = 0; i < nrec; i++) {
		take_string(&j->recs[i], &p);
		if (!ncols || ncols[i] == 0)
			continue;
		j->recs[i].col = cols + c;
		j->recs[i].ncol = ncols[i];
		for (k = 0; k < ncols[i]; k++)
			take_string(&cols[c++], &p);
	}
	return j;
}

struct job *job_new(uint64_t seq, const char *data, size_t datalen,
		    size_t nrec)
{
	return job_new_cols(seq, data, datalen, nrec, NULL);
}

void job_free(struct job *j)
{
	if (j)
		block_free(j->block);
	free(j);
}
