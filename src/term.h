/*
 * term.h - the status line on fanout's stderr (ninja's LinePrinter).
 *
 * term owns the one line --progress draws at the bottom of the terminal:
 * it draws it as "\r<line>\033[K", never wider than the terminal (a wrapped
 * line could not be erased), and erases it with "\r\033[K". Anyone else
 * who writes to fd 1 or 2 brackets the write with term_begin_write() and
 * term_end_write(): the line is erased first and kept away until the last
 * such write ends; it comes back at the next term_draw(), on a new row if
 * the write left the cursor in the middle of a line.
 *
 * Locking: term's mutex is a leaf lock. term calls nothing that takes a
 * lock while it holds it, so its functions may be called with any other
 * lock of fanout held (the output's, a log's, the gate's).
 */
#ifndef FANOUT_TERM_H
#define FANOUT_TERM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A status line may be drawn from now on, if stderr is a terminal; false
 * (and nothing changes) if it is not.
 */
bool term_start(void);

/* Erase the line for good: begin/end become no-ops again. */
void term_stop(void);

/*
 * Something else is about to write to fd 1 or 2: erase the line and keep
 * it away until term_end_write(). Cheap when there is no status line; the
 * calls nest and may come from any thread.
 */
void term_begin_write(void);

/*
 * The write is done. AT_LINE_START: its last byte was a newline; if not,
 * the line is next drawn on the row below rather than over the partial one.
 */
void term_end_write(bool at_line_start);

/* Draw LINE (LEN bytes, no newline) as the status line, unless a write is on. */
void term_draw(const char *line, size_t len);

/* Erase the status line if it is drawn (it may be drawn again later). */
void term_erase(void);

/* Write all of BUF to FD (1 or 2) between begin and end; 0, or -1 and errno. */
int term_write(int fd, const void *buf, size_t len);

/*
 * Route util's write_std() (fanout's messages, logs to "-", -v) through
 * term_write(), for whenever no output owner has taken it (emit.h).
 */
void term_install(void);

#endif
