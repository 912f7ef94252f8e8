/*
 * report.c - dispatching finished attempts to the job log (see report.h).
 */
#include "report.h"

#include "joblog.h"
#include "run.h"

void report_init(struct runner *r)
{
	(void)r;
}

void report_attempt(struct runner *r, const struct attempt *a)
{
	if (r->joblog)
		joblog_write(r->joblog, a->job, a->slot, a->start_wall_ns,
			     a->end_ns - a->start_ns, a->bytes_out + a->bytes_err,
			     a->exit_code < 0 ? 0 : a->exit_code, a->signal,
			     a->timed_out, a->cmdline);
}

void report_finish(struct runner *r)
{
	joblog_close(r->joblog);
	r->joblog = NULL;
}

bool report_wants_cmdline(const struct runner *r)
{
	return r->joblog != NULL;
}
