/*
 * progress.h - --progress (--bar): one line on stderr, redrawn at most ten
 * times a second by its own thread, only when stderr is a terminal.
 *
 * The line shows done / total (total once the input has ended), running,
 * failed, jobs per second, the ETA, the breaker's state and the time spent
 * waiting on the rate limit. This module composes it and erases it for good
 * when the run stops (Ctrl-C, SIGHUP, --halt) and at the end; term.h puts
 * it on the screen and keeps it out of every other write to fd 1 and 2.
 */
#ifndef FANOUT_PROGRESS_H
#define FANOUT_PROGRESS_H

struct gate;
struct sched;

/*
 * Start the progress thread if stderr is a terminal: it shows the counters
 * (tally.h), G's and S's snapshots, and goes quiet for good once
 * RUN_STOP_FD is readable (the run stopped starting jobs).
 */
void progress_start(struct gate *g, struct sched *s, int run_stop_fd);

/* Erase the line and stop the thread (no-op if it never started). */
void progress_stop(void);

#endif
