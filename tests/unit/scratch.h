/*
 * scratch.h - the scratch directory of tests that run shell code.
 *
 * A test runs its commands in an empty directory; any injected "touch x"
 * leaves a file there, which dir_clean() sees.
 */
#ifndef FANOUT_SCRATCH_H
#define FANOUT_SCRATCH_H

#include <dirent.h>
#include <string.h>

/* Whether the scratch directory is still empty: nothing was injected. */
static int dir_clean(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int clean = 1;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			clean = 0;
	closedir(d);
	return clean;
}

#endif
