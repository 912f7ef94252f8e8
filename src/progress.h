/*
 * progress.h - --progress (--bar): one line on stderr, redrawn at most ten
 * times a second by its own thread, only when stderr is a terminal.
 *
 * The line shows done / total (total once the input has ended), running,
 * failed, jobs per second, the ETA, the breaker's state and the time spent
 * waiting on the rate limit. It is drawn as "\r<line>\033[K" and erased with
 * "\r\033[K": when the run stops (Ctrl-C, SIGHUP, --halt), at the end, and
 * around every other write to the terminal whose writer calls
 * progress_hide() / progress_show().
 */
#ifndef FANOUT_PROGRESS_H
#define FANOUT_PROGRESS_H

#include <stdbool.h>

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

/*
 * Something else is about to write to the terminal: erase the line and keep
 * it away until progress_show(). Cheap when there is no progress line; the
 * calls nest and may come from any thread.
 */
void progress_hide(void);

/*
 * The write is done: the line comes back at the next redraw. AT_LINE_START:
 * the last byte written was a newline; if not, the line is drawn on the
 * next row rather than over the partial one.
 */
void progress_show(bool at_line_start);

#endif
