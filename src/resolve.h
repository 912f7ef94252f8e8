/*
 * resolve.h - the program an attempt runs, or why it runs none.
 *
 * A fixed command's program is found once for the run (main.c); a command
 * that varies is looked up for each job, in --workdir when there is one.
 * An attempt that cannot run fails at once, unstarted, with the exit code
 * a shell would give (126, 127), said as unrunnable.h says it.
 */
#ifndef FANOUT_RESOLVE_H
#define FANOUT_RESOLVE_H

#include <stdbool.h>

#include "outcome.h"

/*
 * The program to run for ARGV (the expanded command of attempt A): PATH,
 * found once for the run (NULL: not found, for the reason PATH_ERRNO), or,
 * when the command VARIES, looked up now in DIR (NULL: here); *OWN is then
 * the caller's to free. NULL when it cannot run: A is marked so.
 */
const char *resolve_program(const char *path, int path_errno, bool varies,
			    const char *dir, char **argv, struct attempt *a,
			    char **own);

/* Attempt A cannot run because of ERR: it fails at once, unstarted. */
void resolve_unrunnable(struct attempt *a, int err);

#endif
