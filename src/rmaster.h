/*
 * rmaster.h - one ssh ControlMaster of fanout's: started as our own child,
 * watched, restarted, stopped; and the signals that may end the first
 * connect (remote.c's set-up, before the signal thread exists).
 *
 * A master's pid and generation are read and written under the mutex its
 * owner gives (one for all of a run's masters), so that a worker asking
 * whether a master died never reaps a newer one. The generation counts its
 * starts: a job that began on an older one lost its connection.
 */
#ifndef FANOUT_RMASTER_H
#define FANOUT_RMASTER_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct rmaster {
	pthread_mutex_t *mu;            /* the owner's: pid and gen */
	pid_t pid;                      /* 0: not running */
	unsigned gen;                   /* starts so far */
	char path[96];                  /* ControlPath */
	char cpopt[112];                /* "ControlPath=..." */
	char log[100];                  /* its stderr */
};

/* Master K of host I, its socket and log in DIR; not started. */
void rmaster_init(struct rmaster *m, pthread_mutex_t *mu, const char *dir,
		  int i, int k);

/* Start M as PROG ARGV (ssh -N ... host), stderr to its log. */
void rmaster_start(struct rmaster *m, const char *prog, char *const *argv);

/* Whether M has died (reaped here). */
bool rmaster_dead(struct rmaster *m);

/* M's generation (rmaster_start() calls so far). */
unsigned rmaster_gen(struct rmaster *m);

/* Stop M, if running, with SIG, wait for it, remove its socket. */
void rmaster_stop(struct rmaster *m, int sig);

/*
 * Wait until masters M[0..N) are ready (ssh makes the socket once logged
 * in) or dead, 15 s at most each; true if all are ready. Also false when a
 * signal held by rmaster_hold_signals() is pending.
 */
bool rmaster_ready(struct rmaster *m, int n);

/* The last line M wrote to its log, in BUF, or NULL. */
const char *rmaster_last_words(const struct rmaster *m, char *buf,
			       size_t size);

/*
 * During the first connect: hold back SIGINT, SIGTERM and SIGHUP (but
 * those ignored, as they were on entry) so that fanout can remove its
 * masters and files before they end it. They stay blocked: the signal
 * thread takes them later.
 */
void rmaster_hold_signals(void);

/* Which held signal is pending, or 0 (0 once the first connect is over). */
int rmaster_interrupted(void);

/* The first connect is over: pending signals are the signal thread's. */
void rmaster_hold_done(void);

/* Let the pending signal SIG do what it does (end fanout, as 128+SIG). */
_Noreturn void rmaster_die_of(int sig);

#endif
