/*
 * cost.h - what a job cost (CPU, memory, context switches, output bytes),
 * and the run's summary of it for --stats: totals, quantiles and the top
 * jobs by CPU and by memory.
 *
 * What the figures mean: fanout reaps each job's main process with wait4(2)
 * and keeps the resource usage the kernel returns for it. That usage covers
 * the process and every descendant it waited for itself (a shell's pipeline
 * stages, make's compilers): their CPU adds up, and the peak RSS is the
 * largest single process among them (ru_maxrss is a maximum, not a sum).
 * A descendant the job did not wait for (left running, or reparented to
 * fanout, the subreaper) is not counted. Output bytes are what fanout read
 * from the job's pipes (0 under -u, where the job writes straight through).
 *
 * The summary is pure: no clock, no lock; the caller serializes.
 */
#ifndef FANOUT_COST_H
#define FANOUT_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct rusage;

/* One attempt's cost; all zero and !known when it never started. */
struct cost {
	bool known;                     /* reaped with its resource usage */
	int64_t user_ns, sys_ns;        /* CPU time */
	uint64_t maxrss_kib;            /* peak resident set, KiB */
	uint64_t vcsw, ivcsw;           /* voluntary, involuntary switches */
};

/* C from the resource usage RU that wait4(2) returned. */
void cost_from_rusage(struct cost *c, const struct rusage *ru);

/* C's CPU time, user and system. */
static inline int64_t cost_cpu_ns(const struct cost *c)
{
	return c->user_ns + c->sys_ns;
}

#define COST_TOP 3

/* One job in a top list: enough to say which job and what it cost. */
struct cost_top {
	uint64_t seq;
	int attempt;                    /* 1-based */
	struct cost cost;
	uint64_t bytes_out, bytes_err;
	char *cmdline;                  /* owned copy, or NULL */
};

/* The run's costs so far. */
struct costsum {
	uint64_t n;                     /* attempts with a known cost */
	int64_t user_ns, sys_ns;
	uint64_t vcsw, ivcsw;
	uint64_t bytes_out, bytes_err;
	struct stats_hist cpu;          /* CPU per attempt, ns */
	struct stats_hist rss;          /* peak RSS per attempt, in KiB */
	struct cost_top by_cpu[COST_TOP], by_rss[COST_TOP];
	int nby_cpu, nby_rss;           /* filled entries, highest first */
};

/* An empty summary. */
void costsum_init(struct costsum *s);

/*
 * Count attempt SEQ/ATTEMPT with cost C and output bytes OUT and ERR, its
 * command CMDLINE (may be NULL; copied if it enters a top list). Bytes count
 * even when the cost is not known.
 */
void costsum_add(struct costsum *s, uint64_t seq, int attempt,
		 const struct cost *c, uint64_t out, uint64_t err,
		 const char *cmdline);

/* The Q-quantile of the attempts' CPU (ns) or peak RSS (KiB); 0 if none. */
int64_t costsum_cpu_quantile(const struct costsum *s, double q);
uint64_t costsum_rss_quantile(const struct costsum *s, double q);

/* Free the copies the top lists hold. */
void costsum_release(struct costsum *s);

/* KIB kibibytes as "512KiB", "3.10MiB", "64.0MiB", "1.25GiB" into BUF. */
char *cost_fmt_kib(char *buf, size_t n, uint64_t kib);

/* BYTES as "0B", "812B", "4.00KiB", "312KiB" into BUF. */
char *cost_fmt_bytes(char *buf, size_t n, uint64_t bytes);

#endif
