/*
 * loadgate.h - GNU parallel's gates on the machine before a job starts:
 * --memfree SIZE (start nothing while MemAvailable is below SIZE) and
 * --load N (start nothing while the 1-minute load average is above N).
 *
 * A worker waits at the gate, looking again twice a second, and leaves as
 * soon as the run stops starting jobs (the run's stop fd). Off, it costs a
 * branch. The readings come from /proc/meminfo and /proc/loadavg; a
 * reading that cannot be had lets jobs start (said once). The decision and
 * the parsing are pure and unit-tested.
 *
 * --memfree's second half, stopping the youngest job when memory falls
 * below half of SIZE, is memwatch.h's; what it decides is here.
 */
#ifndef FANOUT_LOADGATE_H
#define FANOUT_LOADGATE_H

#include <stdbool.h>
#include <stdint.h>

struct loadgate_conf {
	uint64_t memfree;       /* bytes; 0: no --memfree */
	double load;            /* 0: no --load */
};

/* Before any worker: gate as C says; STOP_FD is readable once the run stops. */
void loadgate_init(const struct loadgate_conf *c, int stop_fd);

/* Wait until a job may start; false if the run stopped meanwhile. */
bool loadgate_pass(void);

/* Why a job may not start now: NULL if it may. MEM, LOAD < 0: unknown. */
const char *loadgate_why(const struct loadgate_conf *c, int64_t mem,
			 double load);

/*
 * --memfree SIZE's stop: which running job to stop and queue again, as an
 * index into STARTED[0..N-1] (when each job started, larger for a later
 * start, 0 for a slot that runs none), or -1 for none. MEM is the memory available
 * (< 0: unknown); STOPPING: a job stopped before is still ending.
 *
 * One job at a time, the youngest (the one started last), and only while
 * MEM is below half of SIZE and at least two jobs run: the oldest job is
 * never stopped, so the run always moves on, where stopping a lone job
 * that needs the memory itself would start and stop it for ever.
 */
int loadgate_victim(uint64_t memfree, int64_t mem, const uint64_t *started,
		    int n, bool stopping);

/* MemAvailable now, in bytes, from /proc/meminfo; -1 if it cannot be read. */
int64_t loadgate_memavail(void);

/* MemAvailable in bytes from the text of /proc/meminfo, or -1. */
int64_t loadgate_meminfo(const char *text);

/* The 1-minute load average from the text of /proc/loadavg, or -1. */
double loadgate_loadavg(const char *text);

#endif
