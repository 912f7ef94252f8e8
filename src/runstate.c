/*
 * runstate.c - the run's cancel state (see runstate.h).
 *
 * Any thread may move the state: the signal thread, a worker on --halt,
 * a writer that found stdout closed. The move itself is a compare-and-swap,
 * so exactly one caller performs each step's side effects (stop the
 * scheduler, signal the groups, write the fds); the gate is closed by
 * every caller, first.
 */
#include "runstate.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"
#include "guard.h"
#include "inflight.h"
#include "scheduler.h"
#include "util.h"

static struct {
	_Atomic int state;      /* enum run_state */
	_Atomic int stop_signal;/* the signal that stopped the run, or 0 */
	int cancel_fd, cancel_wfd;
	int stop_fd, stop_wfd;
	struct sched *sched;
	struct gate *gate;
} run = { .cancel_fd = -1, .cancel_wfd = -1, .stop_fd = -1, .stop_wfd = -1 };

static void pipe_or_die(int *rfd, int *wfd)
{
	int p[2];

	if (pipe_cloexec(p) < 0)
		die_errno(EXIT_FATAL, "cannot make a pipe");
	*rfd = p[0];
	*wfd = p[1];
}

void runstate_init(struct sched *s, struct gate *g)
{
	run.sched = s;
	run.gate = g;
	atomic_init(&run.state, RS_RUNNING);
	atomic_init(&run.stop_signal, 0);
	pipe_or_die(&run.cancel_fd, &run.cancel_wfd);
	pipe_or_die(&run.stop_fd, &run.stop_wfd);
}

enum run_state runstate_get(void)
{
	return (enum run_state)atomic_load(&run.state);
}

int runstate_stop_signal(void)
{
	return atomic_load(&run.stop_signal);
}

int runstate_cancel_fd(void)
{
	return run.cancel_fd;
}

int runstate_stop_fd(void)
{
	return run.stop_fd;
}

/* Move to state S if that is forward; returns the old state. */
static int advance(enum run_state s)
{
	int old = atomic_load(&run.state);

	while (old < (int)s &&
	       !atomic_compare_exchange_weak(&run.state, &old, (int)s))
		;
	return old;
}

/* The first signal from outside decides the exit status; later ones do not. */
static void note_signal(int sig)
{
	int none = 0;

	if (sig)
		atomic_compare_exchange_strong(&run.stop_signal, &none, sig);
}

/*
 * The gate decides whether a job starts (gate_pass()), so it closes first,
 * before the state moves, by every caller (closing is idempotent): no job
 * passes it once anyone sees the run stopped.
 */
static void close_gate(void)
{
	gate_close(run.gate);
}

/* Wake whoever waits: the reader, the workers' polls, the queues. */
static void stop_starting(void)
{
	static const char c = 'x';

	(void)write(run.stop_wfd, &c, 1);
	sched_stop(run.sched);
	inflight_close();
}

void runstate_cancel(int sig, bool from_signal)
{
	static const char c = 'x';

	if (from_signal)
		note_signal(sig);
	close_gate();
	if (advance(RS_CANCELLING) >= RS_CANCELLING)
		return;
	stop_starting();
	guard_signal_all(sig);
	(void)write(run.cancel_wfd, &c, 1);
}

void runstate_drain(int sig)
{
	note_signal(sig);
	close_gate();
	if (advance(RS_DRAINING) >= RS_DRAINING)
		return;
	stop_starting();
}

void runstate_interrupt(int sig)
{
	if (runstate_get() < RS_CANCELLING) {
		runstate_cancel(sig, true);
		return;
	}
	/* Second time: no more grace. */
	advance(RS_KILLING);
	guard_signal_all(SIGKILL);
	(void)write(run.cancel_wfd, "k", 1);
}
