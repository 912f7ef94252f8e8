/*
 * cpus.c - the CPUs this process may use (see cpus.h).
 *
 * sched_getaffinity is Linux's (and glibc's, behind _GNU_SOURCE); elsewhere
 * the affinity is taken as unknown and only the online count and Slurm's
 * figure apply.
 */
#define _GNU_SOURCE
#include "cpus.h"

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

int cpus_limit(long online, int affinity, const char *slurm)
{
	long n = online > 0 ? online : 1;

	if (affinity > 0 && affinity < n)
		n = affinity;
	if (slurm && *slurm >= '0' && *slurm <= '9') {
		char *end;
		long s = strtol(slurm, &end, 10);

		/* "4(x2)" is SLURM_JOB_CPUS_PER_NODE's form, not this one's. */
		if (*end == '\0' && s > 0 && s < n)
			n = s;
	}
	return n > 1 << 20 ? 1 << 20 : (int)n;
}

/* CPUs in this process's affinity mask, or 0 when it cannot be read. */
static int affinity_count(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set);
#endif
	return 0;
}

int cpus_available(void)
{
	return cpus_limit(sysconf(_SC_NPROCESSORS_ONLN), affinity_count(),
			  getenv("SLURM_CPUS_ON_NODE"));
}
