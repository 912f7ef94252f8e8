/*
 * test_nproc.c - the room ulimit -u leaves for jobs: three processes a job
 * (worker thread, job, one child), six for fanout's other threads, at
 * least one job, never more than asked.
 */
#include "nproc.h"

#include "tap.h"

int main(void)
{
	/* 40 - 2 in use - 6 = 32: 10 jobs of three. */
	is_int(nproc_fit_in(40, 2, 30), 10, "ulimit -u 40, 2 in use: 10 of 30");
	is_int(nproc_fit_in(40, 2, 50), 10, "the same for -j 50");
	is_int(nproc_fit_in(40, 2, 4), 4, "-j 4 fits: 4");
	is_int(nproc_fit_in(40, 2, 10), 10, "exactly 10 fit: 10");
	is_int(nproc_fit_in(40, 2, 11), 10, "one more than fits: 10");
	is_int(nproc_fit_in(6, 1, 8), 1, "no room at all: still 1");
	is_int(nproc_fit_in(6, 40, 8), 1, "more in use than the limit: 1");
	return tap_done();
}
