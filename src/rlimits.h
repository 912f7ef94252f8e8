/*
 * rlimits.h - --rlimit NAME=VALUE[,NAME=VALUE...]: resource limits set in
 * each job's process before it execs (spawn.c), so fanout itself runs
 * untouched.
 *
 * Names: as (address space), cpu (seconds), fsize, nofile, nproc, core,
 * stack, data. Sizes take K, M, G, T (powers of 1024); "unlimited" lifts
 * a limit as far as the hard limit allows. Each limit becomes both the
 * soft and the hard limit, so a job cannot raise it; cpu's hard limit is
 * one second above its soft one, so the job first gets SIGXCPU and, if it
 * goes on, SIGKILL, as the kernel does between the two.
 */
#ifndef FANOUT_RLIMITS_H
#define FANOUT_RLIMITS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#define RLIMITS_MAX 8

struct rlimits {
	int n;
	struct {
		int resource;           /* RLIMIT_AS, ... */
		const char *name;       /* "as", ... */
		struct rlimit rl;
	} v[RLIMITS_MAX];
};

/*
 * Add SPEC's limits to R (a later NAME replaces an earlier one). NULL if
 * it is good; else what is wrong, with the item at fault copied to BAD.
 * Pure: it reads no limit of the system.
 */
const char *rlimits_parse(struct rlimits *r, const char *spec, char *bad,
			  size_t badsz);

/*
 * Fit R to the hard limits fanout was started with (cpu's grace second is
 * given up there); NULL if every one fits, else what is wrong, with the
 * name at fault in BAD. Root may raise a hard limit: it fits.
 */
const char *rlimits_fit(struct rlimits *r, char *bad, size_t badsz);

/*
 * The limit of R that ended a job killed by signal SIG, as "cpu=60" or
 * "fsize=1G" into BUF (N bytes), or NULL if none did: SIGXCPU is cpu's,
 * SIGXFSZ fsize's, and SIGKILL cpu's too when the job's CPU time, CPU_NS,
 * reached the limit (it went on past SIGXCPU to the hard limit).
 */
const char *rlimits_cause(const struct rlimits *r, int sig, int64_t cpu_ns,
			  char *buf, size_t n);

#endif
