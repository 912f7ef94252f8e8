/*
 * memwatch.h - --memfree SIZE's second half: while jobs run and the memory
 * available falls below half of SIZE, the youngest job is stopped and
 * queued again, as GNU parallel does (loadgate.h decides which).
 *
 * A thread reads MemAvailable twice a second while --memfree is on. It
 * stops a job as --timeout does: SIGTERM to its process group and to what
 * left the group, SIGKILL after the --kill-after grace; one job at a time,
 * the next only once that one is reaped, and none once the run stops
 * starting jobs. The job's worker then puts it back in the queue as it
 * was (attempt.c): no --retries used, no line in the logs, its output
 * dropped; one line on stderr says so.
 *
 * The thread signals a job only while its worker has it registered here,
 * and the worker takes it out, under the same lock, before it reaps it:
 * the pid cannot have been reused in between.
 */
#ifndef FANOUT_MEMWATCH_H
#define FANOUT_MEMWATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Before any worker: watch for SIZE bytes (0: off) over worker slots
 * 0..NSLOTS-1, with GRACE_NS between SIGTERM and SIGKILL.
 */
void memwatch_start(uint64_t size, int nslots, int64_t grace_ns);

/* After the workers: end the watcher. */
void memwatch_stop(void);

/* Whether it is on: any job may be stopped and run again. */
bool memwatch_on(void);

/*
 * Worker slot SLOT (0-based) started, at START_NS (monotonic, taken before
 * the spawn), the job whose group PID leads.
 */
void memwatch_begin(int slot, pid_t pid, int64_t start_ns);

/*
 * Slot SLOT's job has ended and is about to be reaped: true if it was
 * stopped here, with the memory available at that moment in *MEM.
 */
bool memwatch_end(int slot, int64_t *mem);

/* Say on stderr that job SEQ, stopped at MEM bytes available, runs again. */
void memwatch_say(uint64_t seq, int64_t mem);

#endif
