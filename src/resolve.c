/*
 * resolve.c - the program an attempt runs, or why it runs none (see
 * resolve.h).
 */
#include "resolve.h"

#include <errno.h>
#include <stddef.h>

#include "spawn.h"
#include "unrunnable.h"
#include "util.h"

void resolve_unrunnable(struct attempt *a, int err)
{
	a->exit_code = spawn_exit_code(err);
	a->not_started = true;
	a->start_wall_ns = wall_ns();
	a->start_ns = a->end_ns = now_ns();
}

const char *resolve_program(const char *path, int path_errno, bool varies,
			    const char *dir, char **argv, struct attempt *a,
			    char **own)
{
	const struct job *j = a->job;
	int err = path_errno;

	*own = NULL;
	if (j->too_long) {
		/* The reader kept none of it (batch.h): it fails unrun. */
		warning("job %llu: argument list too long (record %llu)",
			(unsigned long long)j->seq,
			(unsigned long long)j->too_long);
		resolve_unrunnable(a, E2BIG);
		return NULL;
	}
	if (!varies && path)
		return path;
	if (varies) {
		if ((*own = spawn_resolve_in(dir, argv[0])) != NULL)
			return *own;
		err = errno;
	}
	unrunnable_report(argv[0], NULL, err, !varies, j->seq);
	resolve_unrunnable(a, err);
	return NULL;
}
