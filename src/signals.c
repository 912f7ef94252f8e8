/*
 * signals.c - the signal thread: what each signal does (DESIGN.md,
 * "Signals"), carried out by runstate.c, the pool and the guard:
 *   first SIGINT/SIGTERM  cancel: start nothing more, pass the signal to
 *                         every job's group; workers SIGKILL after the grace
 *   second SIGINT/SIGTERM SIGKILL every job group now
 *   SIGHUP                drain: start nothing more, let running jobs end
 *   SIGTSTP, SIGCONT      stop and resume the jobs along with fanout
 *   SIGUSR1, SIGUSR2      one worker more, one fewer
 */
#include "signals.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "run.h"
#include "runstate.h"
#include "util.h"

static sigset_t handled;

void signals_block(void)
{
	sigemptyset(&handled);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGHUP);
	sigaddset(&handled, SIGTSTP);
	sigaddset(&handled, SIGCONT);
	sigaddset(&handled, SIGUSR1);
	sigaddset(&handled, SIGUSR2);
	/*
	 * SIGPIPE too: a closed stdout must show up as EPIPE from write(2),
	 * so that fanout can stop its jobs before it exits.
	 */
	sigaddset(&handled, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &handled, NULL);
}

/* SIGUSR1: one worker more; SIGUSR2: one fewer, never below one. */
static void resize(struct runner *r, int delta)
{
	int t;

	pthread_mutex_lock(&r->poolmu);
	t = atomic_load(&r->target_workers);
	if (delta > 0 && t < r->maxworkers) {
		atomic_store(&r->target_workers, t + 1);
		sched_set_workers(&r->sched, t + 1);
		/* A worker still finishing its last job simply stays. */
		if (!r->thread_live[t] && runstate_get() == RS_RUNNING)
			run_start_worker(r, t);
	} else if (delta < 0 && t > 1) {
		atomic_store(&r->target_workers, t - 1);
		sched_set_workers(&r->sched, t - 1);
		/* A sleeping worker must wake up to notice it is retired. */
		sched_kick(&r->sched);
	}
	pthread_mutex_unlock(&r->poolmu);
}

static void *signal_main(void *arg)
{
	struct runner *r = arg;

	for (;;) {
		int sig;

		if (sigwait(&handled, &sig) != 0)
			continue;
		switch (sig) {
		case SIGINT:
		case SIGTERM:
			runstate_interrupt(sig);
			break;
		case SIGHUP:
			runstate_drain(SIGHUP);
			break;
		case SIGTSTP:
			/* Stop the jobs, then ourselves; SIGCONT resumes both. */
			guard_signal_all(SIGTSTP);
			kill(getpid(), SIGSTOP);
			break;
		case SIGCONT:
			guard_signal_all(SIGCONT);
			break;
		case SIGUSR1:
			resize(r, +1);
			break;
		case SIGUSR2:
			resize(r, -1);
			break;
		default:
			break;  /* SIGPIPE: the write that caused it reports it */
		}
	}
	return NULL;
}

void signals_start(struct runner *r)
{
	pthread_t t;
	pthread_attr_t attr;
	int e;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&t, &attr, signal_main, r);
	pthread_attr_destroy(&attr);
	if (e)
		die(EXIT_FATAL, "cannot start the signal thread: %s", strerror(e));
}
