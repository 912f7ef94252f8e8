/*
 * signals.h - every signal fanout reacts to, handled in one thread.
 *
 * All of them are blocked in every thread (signals_block() runs before any
 * thread starts, so the workers inherit the mask); the signal thread takes
 * them with sigwait(3) and only changes the run's state and passes signals
 * on to the jobs' process groups. Children get the default mask back.
 */
#ifndef FANOUT_SIGNALS_H
#define FANOUT_SIGNALS_H

struct runner;

/* Block fanout's signals in the calling thread (and those it starts). */
void signals_block(void);

/* Start the signal thread for run R. */
void signals_start(struct runner *r);

#endif
