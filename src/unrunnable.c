/*
 * unrunnable.c - the message for a program that cannot be run (see
 * unrunnable.h).
 */
#include "unrunnable.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

/* A program that is the same for every job is reported missing once. */
static atomic_bool reported_missing;

/*
 * The program PATH is there but did not run because of ERR: is it a script
 * whose "#!" interpreter is missing or cannot run? Then say that (after
 * JOB, "job N: " or ""), not that NAME was not found. True if it was said.
 */
static bool report_interpreter(const char *job, const char *name,
			       const char *path, int err)
{
	char *interp;
	bool said = false;

	if (!path || (err != ENOENT && err != EACCES) ||
	    (interp = spawn_interpreter(path)) == NULL)
		return false;
	/* Only what is so: EACCES may also be a noexec mount, for one. */
	if (err == ENOENT && access(interp, F_OK) != 0) {
		warning("%scannot run '%s': interpreter '%s' not found", job,
			name, interp);
		said = true;
	} else if (err == EACCES && access(interp, X_OK) != 0) {
		warning("%scannot run '%s': interpreter '%s' not executable",
			job, name, interp);
		said = true;
	}
	free(interp);
	return said;
}

void unrunnable_report(const char *name, const char *path, int err,
		       bool fixed, uint64_t seq)
{
	/* GNU parallel runs every command through a shell; we do not. */
	bool shell_line = err == ENOENT && strpbrk(name, " \t;|&$<>()'\"`");
	char job[40] = "";

	/* (A shell line is one mistake, however many jobs make it.) */
	if ((fixed || shell_line) && atomic_exchange(&reported_missing, true))
		return;
	if (!fixed && !shell_line)
		snprintf(job, sizeof job, "job %llu: ", (unsigned long long)seq);
	if (report_interpreter(job, name, path, err))
		return;
	if (shell_line)
		warning("cannot run '%s': not found (for a shell command line, "
			"use --shell)", name);
	else if (err == ENOENT)
		warning("%scannot run '%s': not found", job, name);
	else if (err == EACCES)
		warning("%scannot run '%s': not executable", job, name);
	else
		warning("%scannot run '%s': %s", job, name, strerror(err));
}
