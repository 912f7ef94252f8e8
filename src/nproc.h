/*
 * nproc.h - how many jobs the per-user process limit (ulimit -u) leaves
 * room for, before any thread starts.
 *
 * Linux counts every thread and process of the real user against
 * RLIMIT_NPROC: fanout's worker threads, its jobs and what they start all
 * share it with the user's other programs. Root is not held to it.
 */
#ifndef FANOUT_NPROC_H
#define FANOUT_NPROC_H

/*
 * Processes a running job is counted for: its worker thread, the job, and
 * one process of its own (a shell's command).
 */
#define NPROC_PER_JOB 3

/*
 * Threads and processes fanout adds besides its workers: the signal thread,
 * the reader, the progress thread, the output watcher, the guardian and its
 * watcher.
 */
#define NPROC_BASE 6

/*
 * The most jobs at once, at most NJOBS, that the process limit leaves
 * room for, given the user's threads and processes now; said once on
 * stderr when fewer than NJOBS.
 */
int nproc_fit(int njobs);

/* Pure: how many of NJOBS fit in LIMIT when USED are taken; at least 1. */
int nproc_fit_in(long long limit, long long used, int njobs);

#endif
