/*
 * nproc.c - the room ulimit -u leaves for jobs (see nproc.h).
 *
 * The user's tasks are counted from /proc (each process's real uid and its
 * number of threads), once, at start; anything that changes later is left
 * to the back-pressure of throttle.c.
 */
#include "nproc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util.h"

int nproc_fit_in(long long limit, long long used, int njobs)
{
	long long fit = (limit - used - NPROC_BASE) / NPROC_PER_JOB;

	if (fit >= njobs)
		return njobs;
	return fit > 1 ? (int)fit : 1;
}

/* Threads of process PID if its real uid is UID, else 0. */
static long long tasks_of(const char *pid, uid_t uid)
{
	char path[64], line[256];
	long long ruid = -1, threads = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/status", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "Uid:", 4) == 0)
			ruid = strtoll(line + 4, NULL, 10);
		else if (strncmp(line, "Threads:", 8) == 0)
			threads = strtoll(line + 8, NULL, 10);
	}
	fclose(f);
	return ruid == (long long)uid ? threads : 0;
}

/* The user's threads and processes now, or -1 without /proc. */
static long long user_tasks(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			n += tasks_of(e->d_name, uid);
	closedir(d);
	return n;
}

int nproc_fit(int njobs)
{
	struct rlimit rl;
	uid_t uid = getuid();
	long long used;
	int fit;

	if (uid == 0 || getrlimit(RLIMIT_NPROC, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= (rlim_t)njobs * 64 + 4096)
		return njobs;
	if ((used = user_tasks(uid)) < 0)
		return njobs;
	fit = nproc_fit_in((long long)rl.rlim_cur, used, njobs);
	if (fit < njobs)
		warning("only enough processes for %d job%s at once (the "
			"limit is %llu, %lld in use), not -j %d", fit,
			fit == 1 ? "" : "s", (unsigned long long)rl.rlim_cur,
			used, njobs);
	return fit;
}
