/*
 * throttle.h - how many jobs may run at once when the machine runs short.
 *
 * Few file descriptors (ulimit -n) or processes (ulimit -u) are fanout's to
 * absorb, not the jobs' (man page, LIMITS). A start that fails for lack of
 * one of them is back-pressure: the job gives its place back, the number
 * of jobs allowed at once drops to those still running (said once on
 * stderr), and the job waits for one of them to end, then tries again. It
 * is not a --retries attempt. Only when nothing at all has run for
 * THROTTLE_GIVE_UP_NS and starts still fail does a job fail (126).
 *
 * One throttle per process; its state lives in throttle.c.
 */
#ifndef FANOUT_THROTTLE_H
#define FANOUT_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

/* How long starts may fail with nothing running before jobs fail. */
#define THROTTLE_GIVE_UP_NS (15 * 1000000000LL)

/* What a failed start ran short of. */
enum throttle_kind {
	THROTTLE_NONE,                  /* not a shortage: a real failure */
	THROTTLE_FDS,                   /* EMFILE, ENFILE */
	THROTTLE_PROCS,                 /* EAGAIN from fork or exec */
};

/* What throttle_short() says to do. */
enum throttle_next {
	THROTTLE_RETRY,                 /* a place is free again: start again */
	THROTTLE_STOPPED,               /* the run stopped: start nothing */
	THROTTLE_GIVE_UP,               /* nothing can start: fail the job */
};

/* The shortage a start that failed with errno ERR ran into, if any. */
enum throttle_kind throttle_kind_of(int err);

/* Wait for a place to start a job; false if the run stopped meanwhile. */
bool throttle_enter(void);

/* A job that throttle_enter() let in has ended, or failed to start. */
void throttle_leave(void);

/*
 * A start that throttle_enter() let in failed for lack of KIND (errno ERR):
 * give its place back, run fewer jobs at once, wait for one to end.
 */
enum throttle_next throttle_short(enum throttle_kind kind, int err);

/*
 * Call FN with the new cap each time it drops (main: the pool retires the
 * workers above it, whose threads count against ulimit -u). Before any
 * thread starts.
 */
void throttle_on_lower(void (*fn)(int cap));

/* The most jobs allowed at once now (INT_MAX when never short). */
int throttle_cap(void);

#endif
