/*
 * guard.h - the registry of running job process groups, and the guardian.
 *
 * Each worker slot records the process group of the job it runs. The signal
 * thread reads it to pass signals on (Ctrl-C, Ctrl-Z, SIGTERM). The registry
 * is in memory shared with a small guardian process, forked before any
 * thread: when fanout dies, even by SIGKILL, the guardian sees its pipe close
 * and kills every group still registered, so no job outlives fanout.
 */
#ifndef FANOUT_GUARD_H
#define FANOUT_GUARD_H

#include <sys/types.h>

/* Before any thread: map the registry for MAXSLOTS slots, fork the guardian. */
void guard_init(int maxslots);

/* Slot SLOT now runs the group PGID (0: nothing). */
void guard_set(int slot, pid_t pgid);

/* Send SIG to every registered group; returns how many. */
int guard_signal_all(int sig);

/* The registered leaders, for telling them from orphans; returns count. */
int guard_leaders(pid_t *out, int max);

/* The guardian's pid (a child of fanout that is not a job). */
pid_t guard_pid(void);

#endif
