/*
 * signals.h - every signal fanout reacts to, handled in one thread.
 *
 * All of them are blocked in every thread (signals_block() runs before any
 * thread starts, so the workers inherit the mask); the signal thread takes
 * them with sigwait(3) and only maps each to the run's state (runstate.h),
 * the pool's size (pool.h) or the jobs' process groups (guard.h). Children
 * get the default mask back. A signal ignored by fanout's caller is neither
 * blocked nor taken: it stays ignored, in fanout and in its jobs (exec(2)
 * keeps SIG_IGN), as under sh(1) and xargs(1).
 */
#ifndef FANOUT_SIGNALS_H
#define FANOUT_SIGNALS_H

#include <signal.h>
#include <stdint.h>

/*
 * Note which signals whoever started fanout ignores; first thing in main(),
 * before fanout changes any disposition.
 */
void signals_init(void);

/* The signals ignored on entry: fanout leaves them ignored, jobs too. */
const sigset_t *signals_entry_ignored(void);

/*
 * Block fanout's signals in the calling thread (and those it starts),
 * except those ignored on entry: they stay ignored.
 */
void signals_block(void);

/*
 * Start the signal thread (after runstate_init() and pool_start()). GRACE_NS
 * is --kill-after: on the first SIGINT or SIGTERM it says how long it waits
 * for the running jobs.
 */
void signals_start(int64_t grace_ns);

#endif
