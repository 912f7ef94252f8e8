/*
 * jsonlog.h - --json-log FILE: one JSON object per job attempt, one line
 * each, with what the tab-separated job log cannot hold.
 *
 * Fields: seq, attempt (1-based), slot, queued / started / ended (wall
 * clock, seconds since the epoch with microseconds; queued is when the
 * reader made the job), wait (queued to started) and runtime (seconds),
 * exit_code (null when killed by a signal), signal, ok, timed_out,
 * cancelled, will_retry, not_started, bytes_out, bytes_err, breaker (null
 * without --breaker) and command (null when unknown).
 *
 * Strings are always valid JSON: quote, backslash and control characters are
 * escaped, valid UTF-8 passes through, and each byte that is not part of
 * valid UTF-8 is written as \u00XX (its Latin-1 reading). Each line is one
 * write(2) on an O_APPEND descriptor: an interrupted run leaves whole lines.
 */
#ifndef FANOUT_JSONLOG_H
#define FANOUT_JSONLOG_H

#include <stdbool.h>
#include <stddef.h>

struct attempt;
struct jsonlog;

/*
 * Exit 2 unless PATH could be opened by jsonlog_open(); creates nothing, so
 * that a refused command line leaves every file as it was.
 */
void jsonlog_check(const char *path);

/* Open PATH ("-": standard output) for appending; exits 2 if it cannot. */
struct jsonlog *jsonlog_open(const char *path);

/*
 * Append one line for attempt A (thread-safe). A failed write is reported
 * once, naming the file.
 */
void jsonlog_write(struct jsonlog *l, const struct attempt *a);

/* Has a write to the JSON log failed in this process? */
bool jsonlog_failed(void);

/* Close the log (NULL is fine). */
void jsonlog_close(struct jsonlog *l);

#endif
