/*
 * test_nproc.c - the room ulimit -u leaves for jobs: three processes a job
 * (worker thread, job, one child), five for fanout's other threads, at
 * least one job, never more than asked.
 */
#include "nproc.h"

#include "tap.h"

int main(void)
{
	/* 40 - 2 in use - 5 = 33: 11 jobs of three. */
	is_int(nproc_fit_in(40, 2, 30), 11, "ulimit -u 40, 2 in use: 11 of 30");
	is_int(nproc_fit_in(40, 2, 50), 11, "the same for -j 50");
	is_int(nproc_fit_in(40, 2, 4), 4, "-j 4 fits: 4");
	is_int(nproc_fit_in(40, 2, 11), 11, "exactly 11 fit: 11");
	is_int(nproc_fit_in(40, 2, 12), 11, "one more than fits: 11");
	is_int(nproc_fit_in(6, 1, 8), 1, "no room at all: still 1");
	is_int(nproc_fit_in(6, 40, 8), 1, "more in use than the limit: 1");
	return tap_done();
}
