/*
 * guard.h - the registry of running job process groups, and the guardian.
 *
 * Each worker slot records the process group of the job it runs. The signal
 * thread reads it to pass signals on (Ctrl-C, Ctrl-Z, SIGTERM). The registry
 * is in memory shared with the guardian, a small process forked before any
 * thread, which sees to it that no job outlives fanout, even a fanout killed
 * with SIGKILL:
 *
 * - When fanout dies, PR_SET_PDEATHSIG kills each job's leader, and the
 *   guardian sees its pipe close and kills every registered group.
 * - Descendants that left their group with setsid cannot be found once
 *   fanout is gone: their parents die with it and they move to init (or to
 *   the nearest subreaper above fanout). The guardian cannot adopt them
 *   instead: orphans only move up their own line of ancestors, and the
 *   guardian is fanout's child, not its parent. So it records them before:
 *   while anything runs, it takes a snapshot of fanout's descendants from
 *   /proc every GUARD_PERIOD_MS (less often when a snapshot is costly, so
 *   that it uses at most about 1% of a CPU). When fanout dies it kills the
 *   recorded processes still alive (same pid, same start time), their
 *   descendants and the groups they lead.
 *   Limit: a process that left its group and lost its parent within one
 *   period before fanout's SIGKILL can survive it.
 * - The guardian is named GUARD_NAME (what ps and pgrep show) and sits in its
 *   own process group, so that `pkill -9 fanout`, `kill -9 %1` and timeout(1),
 *   aimed at fanout, do not take it down too. If it dies all the same,
 *   fanout warns once and goes on; a SIGKILL of fanout after that still
 *   kills the job leaders, but not the rest of their groups.
 */
#ifndef FANOUT_GUARD_H
#define FANOUT_GUARD_H

#include <stdatomic.h>
#include <sys/types.h>

/* Without "fanout" in it: `pkill fanout` matches substrings. */
#define GUARD_NAME "fan-out-guard"
#define GUARD_PERIOD_MS 250

/*
 * Before any other thread, with the signals blocked: map the registry for
 * MAXSLOTS slots, fork the guardian, start the thread that warns if it dies.
 */
void guard_init(int maxslots);

/* Slot SLOT now runs the group PGID (0: nothing). */
void guard_set(int slot, pid_t pgid);

/*
 * Slot SLOT's place in the registry (NULL before guard_init()), for the
 * job's child to write its own group there before it runs anything: else
 * a fanout SIGKILLed between the child's exec and guard_set() leaves the
 * job's own children behind.
 */
_Atomic(pid_t) *guard_cell(int slot);

/* Send SIG to every registered group; returns how many. */
int guard_signal_all(int sig);

/*
 * DIR, a private directory of fanout's holding files and sockets only (no
 * subdirectory), is emptied and removed by the guardian if fanout dies
 * before guard_own_dir(NULL). Call before guard_init(); NULL is for any
 * time after.
 */
void guard_own_dir(const char *dir);

/* The guardian's pid (a child of fanout that is not a job). */
pid_t guard_pid(void);

#endif
