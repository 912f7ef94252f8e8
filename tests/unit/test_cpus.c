/*
 * test_cpus.c - the default -j: the online CPUs, lowered by the affinity
 * mask and by Slurm's SLURM_CPUS_ON_NODE, never below 1; odd values of the
 * variable are ignored rather than trusted.
 */
#include "cpus.h"
#include "tap.h"

int main(void)
{
	is_int(cpus_limit(8, 0, NULL), 8, "no affinity, no Slurm: the online CPUs");
	is_int(cpus_limit(8, 8, NULL), 8, "an affinity of every CPU changes nothing");
	is_int(cpus_limit(8, 1, NULL), 1, "a 1-CPU affinity mask gives 1");
	is_int(cpus_limit(8, 3, "2"), 2, "SLURM_CPUS_ON_NODE below the mask wins");
	is_int(cpus_limit(2, 2, "1"), 1, "a 1-CPU Slurm step on a 2-CPU node gives 1");
	is_int(cpus_limit(4, 2, "16"), 2, "SLURM_CPUS_ON_NODE never raises the count");
	is_int(cpus_limit(4, 0, "0"), 4, "SLURM_CPUS_ON_NODE 0 is ignored");
	is_int(cpus_limit(4, 0, ""), 4, "an empty SLURM_CPUS_ON_NODE is ignored");
	is_int(cpus_limit(4, 0, "2(x3)"), 4, "a per-node list form is ignored");
	is_int(cpus_limit(4, 0, "-1"), 4, "a negative value is ignored");
	is_int(cpus_limit(-1, 0, NULL), 1, "an unknown online count gives 1");
	is_int(cpus_limit(0, 0, "3"), 1, "never more than the online count, at least 1");
	return tap_done();
}
