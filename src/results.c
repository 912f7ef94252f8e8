/*
 * results.c - --results DIR (see results.h).
 */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static atomic_bool failed;
static _Atomic(const char *) results_dir;     /* for messages */

/* Say the first failure only: one message, then exit status 3. */
static void fail(const char *what, const char *path)
{
	if (!atomic_exchange(&failed, true))
		warning_errno("cannot %s '%s' (--results)", what, path);
}

void results_open(struct results_job *rj, const char *dir, uint64_t seq)
{
	static const char *const names[2] = { "stdout", "stderr" };
	char path[4096];

	rj->fd[0] = rj->fd[1] = -1;
	atomic_store(&results_dir, dir);
	/* Every worker may try: EEXIST is the others' success. */
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fail("make directory", dir);
		return;
	}
	snprintf(path, sizeof path, "%s/%llu", dir, (unsigned long long)seq);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		fail("make directory", path);
		return;
	}
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/%llu/%s", dir,
			 (unsigned long long)seq, names[k]);
		rj->fd[k] = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				 0666);
		if (rj->fd[k] < 0) {
			results_close(rj);
			fail("write", path);
			return;
		}
	}
}

void results_write(struct results_job *rj, int which, const char *buf,
		   size_t n)
{
	if (rj->fd[which] < 0 || write_all(rj->fd[which], buf, n) == 0)
		return;
	/* A full disk: this job's files stop here, the run goes on. */
	close(rj->fd[which]);
	rj->fd[which] = -1;
	fail("write in", atomic_load(&results_dir));
}

void results_close(struct results_job *rj)
{
	for (int k = 0; k < 2; k++)
		if (rj->fd[k] >= 0) {
			close(rj->fd[k]);
			rj->fd[k] = -1;
		}
}

bool results_failed(void)
{
	return atomic_load(&failed);
}
