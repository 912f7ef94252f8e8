/*
 * signals.h - every signal fanout reacts to, handled in one thread.
 *
 * All of them are blocked in every thread (signals_block() runs before any
 * thread starts, so the workers inherit the mask); the signal thread takes
 * them with sigwait(3) and only maps each to the run's state (runstate.h),
 * the pool's size (pool.h) or the jobs' process groups (guard.h). Children
 * get the default mask back.
 */
#ifndef FANOUT_SIGNALS_H
#define FANOUT_SIGNALS_H

/* Block fanout's signals in the calling thread (and those it starts). */
void signals_block(void);

/* Start the signal thread (after runstate_init() and pool_start()). */
void signals_start(void);

#endif
