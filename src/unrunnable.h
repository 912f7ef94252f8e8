/*
 * unrunnable.h - the one message for a program that cannot be run.
 *
 * When the command is the same for every job (FIXED), the program is
 * found once for the run and said missing once: N identical lines would
 * say nothing more. When each job's command differs, each job that
 * cannot run gets its own line, named as a failed job is (jobfail.h):
 * `fanout: job 3: cannot run './x': not found`.
 */
#ifndef FANOUT_UNRUNNABLE_H
#define FANOUT_UNRUNNABLE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Say that NAME cannot run because of ERR (an errno of exec or of the
 * PATH search); PATH: where it was found, NULL when it was not. FIXED:
 * the same program for every job; else the line names job SEQ.
 */
void unrunnable_report(const char *name, const char *path, int err,
		       bool fixed, uint64_t seq);

#endif
