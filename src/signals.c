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
#define _GNU_SOURCE             /* NSIG */
#include "signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "inflight.h"
#include "pool.h"
#include "runstate.h"
#include "tally.h"
#include "util.h"

static sigset_t handled;        /* what the signal thread takes */
static int64_t grace;           /* --kill-after */
static sigset_t entry_ignored;  /* ignored by whoever started fanout */

/* The signals fanout reacts to (SIGPIPE only to see EPIPE, see below). */
static const int reacts_to[] = {
	SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGUSR1, SIGUSR2, SIGPIPE,
};

void signals_init(void)
{
	sigemptyset(&entry_ignored);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			sigaddset(&entry_ignored, sig);
	}
}

const sigset_t *signals_entry_ignored(void)
{
	return &entry_ignored;
}

void signals_block(void)
{
	sigemptyset(&handled);
	for (size_t i = 0; i < sizeof reacts_to / sizeof *reacts_to; i++) {
		/*
		 * A signal ignored on entry stays ignored, as in sh and xargs:
		 * `nohup fanout` must not drain on a hangup, and a background
		 * fanout in a script (the shell ignores SIGINT for it) must not
		 * be cancelled by the terminal's Ctrl-C. Blocking it would undo
		 * that: a blocked signal is kept pending even when ignored, and
		 * sigwait(3) would take it.
		 */
		if (sigismember(&entry_ignored, reacts_to[i]))
			continue;
		sigaddset(&handled, reacts_to[i]);
	}
	/*
	 * SIGPIPE too: a closed stdout must show up as EPIPE from write(2),
	 * so that fanout can stop its jobs before it exits.
	 */
	pthread_sigmask(SIG_BLOCK, &handled, NULL);
}

/*
 * SIGINT or SIGTERM: the first cancels the run, and says what happens
 * next, since nothing else is printed during the grace; the next kills.
 */
static void interrupt(int sig)
{
	bool first = runstate_get() < RS_CANCELLING;
	struct tally_snap t;
	char d[32];

	runstate_interrupt(sig);
	if (!first)
		return;
	tally_snapshot(&t);
	if (t.running <= 0)
		return;
	warning("cancelling: waiting up to %s for %d job%s; %s again to kill "
		"%s", fmt_duration(d, sizeof d, grace, DUR_EXACT), t.running,
		t.running == 1 ? "" : "s", sig == SIGINT ? "Ctrl-C" : "SIGTERM",
		t.running == 1 ? "it" : "them");
}

static void *signal_main(void *arg)
{
	(void)arg;
	for (;;) {
		int sig;

		if (sigwait(&handled, &sig) != 0)
			continue;
		switch (sig) {
		case SIGINT:
		case SIGTERM:
			interrupt(sig);
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
		case SIGUSR1:   /* under -j auto, MAX moves with them */
			pool_resize(+1);
			inflight_move_max(+1);
			break;
		case SIGUSR2:
			pool_resize(-1);
			inflight_move_max(-1);
			break;
		default:
			break;  /* SIGPIPE: the write that caused it reports it */
		}
	}
	return NULL;
}

void signals_start(int64_t grace_ns)
{
	grace = grace_ns;
	if (thread_start(NULL, 128 * 1024, signal_main, NULL) < 0)
		die_errno(EXIT_FATAL, "cannot start the signal thread");
}
