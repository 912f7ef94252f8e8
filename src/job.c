/*
 * job.c - making and freeing jobs (see job.h).
 */
#include "job.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct job *job_new(uint64_t seq, const char *data, size_t datalen,
		    size_t nrec)
{
	/* One allocation: the struct, the record table, then the bytes. */
	struct job *j = xmalloc(sizeof *j + nrec * sizeof(struct rec) + datalen);
	const char *p;

	j->seq = seq;
	j->attempt = 0;
	j->not_before_ns = 0;
	j->queued_ns = 0;
	j->too_long = 0;
	j->nrec = nrec;
	j->recs = (struct rec *)(j + 1);
	j->data = (char *)(j->recs + nrec);
	memcpy(j->data, data, datalen);
	p = j->data;
	for (size_t i = 0; i < nrec; i++) {
		size_t n = strlen(p);

		j->recs[i].s = p;
		j->recs[i].len = n;
		p += n + 1;
	}
	return j;
}

void job_free(struct job *j)
{
	free(j);
}
