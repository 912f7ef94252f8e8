/*
 * results.c - --results DIR and --files (see results.h).
 */
#define _GNU_SOURCE             /* mkostemp: a close-on-exec temp file */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbuf.h"
#include "util.h"

static atomic_bool failed;

/* Say the first failure only: one message, then exit status 3. */
static void fail(const char *what, const char *path, const char *opt)
{
	if (!atomic_exchange(&failed, true))
		warning_errno("cannot %s '%s' (%s)", what, path, opt);
}

/* --results: DIR/SEQ/stdout and stderr, made as needed. */
static void open_dir(struct results_job *rj, const char *dir, uint64_t seq)
{
	static const char *const names[2] = { "stdout", "stderr" };
	char path[4096];

	/* Every worker may try: EEXIST is the others' success. */
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fail("make directory", dir, "--results");
		return;
	}
	snprintf(path, sizeof path, "%s/%llu", dir, (unsigned long long)seq);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		fail("make directory", path, "--results");
		return;
	}
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/%llu/%s", dir,
			 (unsigned long long)seq, names[k]);
		rj->fd[k] = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				 0666);
		if (rj->fd[k] < 0) {
			free(results_close(rj, true));
			fail("write", path, "--results");
			return;
		}
	}
	rj->path = xstrdup(path);
	rj->path[strlen(path) - strlen(names[1])] = '\0';
	strcat(rj->path, names[0]);
}

/* --files alone: a new private file in TMPDIR for stdout. */
static void open_temp(struct results_job *rj)
{
	const char *dir = outbuf_tmpdir();
	size_t len = strlen(dir);
	char *path;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	path = xmalloc(len + sizeof "/fanout.XXXXXX");
	memcpy(path, dir, len);
	strcpy(path + len, "/fanout.XXXXXX");
	rj->fd[0] = mkostemp(path, O_CLOEXEC);
	if (rj->fd[0] < 0) {
		fail("make a file in", dir, "--files");
		free(path);
		return;
	}
	rj->path = path;
	rj->temp = true;
}

void results_open(struct results_job *rj, const struct results_conf *c,
		  uint64_t seq)
{
	rj->fd[0] = rj->fd[1] = -1;
	rj->path = NULL;
	rj->dir = c->dir;
	rj->files = c->files;
	rj->temp = false;
	if (c->dir)
		open_dir(rj, c->dir, seq);
	else
		open_temp(rj);
}

bool results_write(struct results_job *rj, int which, const char *buf,
		   size_t n)
{
	/* --files' stdout is the file's alone once there is one. */
	bool pass = !(which == 0 && rj->files && rj->path);

	if (rj->fd[which] < 0 || write_all(rj->fd[which], buf, n) == 0)
		return pass;
	/* A full disk: this file stops here, the run goes on. */
	close(rj->fd[which]);
	rj->fd[which] = -1;
	if (rj->temp)
		fail("write", rj->path, "--files");
	else
		fail("write in", rj->dir, "--results");
	return pass;
}

char *results_close(struct results_job *rj, bool keep)
{
	char *path = rj->path;

	for (int k = 0; k < 2; k++)
		if (rj->fd[k] >= 0) {
			close(rj->fd[k]);
			rj->fd[k] = -1;
		}
	rj->path = NULL;
	if ((keep && rj->files) || !path)
		return path;
	if (rj->temp)
		unlink(path);
	free(path);
	return NULL;
}

bool results_failed(void)
{
	return atomic_load(&failed);
}
