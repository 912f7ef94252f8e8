/*
 * cpus.h - how many CPUs this process may use: the default for -j.
 *
 * Not the CPUs the machine has, but the ones this process can run on:
 * its CPU affinity (taskset, cgroup cpusets, containers, a Slurm step with
 * task/affinity), and never more than SLURM_CPUS_ON_NODE when Slurm set it
 * (a step without task/affinity still has the whole node in its mask).
 */
#ifndef FANOUT_CPUS_H
#define FANOUT_CPUS_H

/*
 * The CPUs available: ONLINE (the machine's count), lowered to the
 * affinity mask's count and to SLURM, the value of SLURM_CPUS_ON_NODE
 * (NULL when unset; ignored unless a whole number from 1 up). At least 1.
 */
int cpus_limit(long online, int affinity, const char *slurm);

/* cpus_limit() of this process: sysconf, sched_getaffinity, the environment. */
int cpus_available(void);

#endif
