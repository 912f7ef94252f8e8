/*
 * runstate.h - where the whole run is, and what stopped it (DESIGN.md,
 * "Signals").
 *
 * A one-way state machine: running -> draining -> cancelling -> killing;
 * it never moves back. Leaving "running" stops the scheduler, closes the
 * gate and makes the stop fd readable; cancelling also signals every job's
 * group and makes the cancel fd readable. Both fds stay readable from then
 * on (nobody reads them), so any number of threads can poll them. There is
 * one run per process: the state lives here, set up by runstate_init().
 */
#ifndef FANOUT_RUNSTATE_H
#define FANOUT_RUNSTATE_H

#include <stdbool.h>

enum run_state {
	RS_RUNNING,
	RS_DRAINING,            /* SIGHUP, --halt soon: start nothing new */
	RS_CANCELLING,          /* first SIGINT/SIGTERM, --halt now */
	RS_KILLING,             /* second signal: SIGKILL everything now */
};

struct gate;
struct sched;

/* Before any thread: make the fds; leaving "running" stops S and closes G. */
void runstate_init(struct sched *s, struct gate *g);

/* Where the run is now. */
enum run_state runstate_get(void);

/* The signal from outside that stopped the run (and sets the exit status), or 0. */
int runstate_stop_signal(void);

/*
 * Cancel the run: start nothing more, send SIG to every running job's group
 * (the workers then enforce the --kill-after grace). FROM_SIGNAL: SIG came
 * from outside, and decides the exit status.
 */
void runstate_cancel(int sig, bool from_signal);

/* Drain: start nothing more, let running jobs finish; SIG (or 0) as above. */
void runstate_drain(int sig);

/* SIGINT or SIGTERM from outside: the first cancels, the next kills every job now. */
void runstate_interrupt(int sig);

/* Readable once the run is cancelled: running jobs must end. */
int runstate_cancel_fd(void);

/* Readable once the run stops starting jobs (drain or cancel). */
int runstate_stop_fd(void);

#endif
