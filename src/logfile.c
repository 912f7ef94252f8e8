/*
 * logfile.c - a file the logs write whole lines to (see logfile.h).
 */
#include "logfile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

bool logfile_is_std(const char *path)
{
	return strcmp(path, "-") == 0;
}

int logfile_open_fd(const char *path, int flags)
{
	if (logfile_is_std(path))
		return fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	return open(path, flags | O_CLOEXEC, 0666);
}

void logfile_init(struct logfile *f, const char *what, const char *path,
		  int fd)
{
	f->fd = fd;
	f->std = logfile_is_std(path);
	f->path = xstrdup(path);
	f->what = what;
	f->failed = false;
	pthread_mutex_init(&f->mu, NULL);
}

int logfile_write(struct logfile *f, const void *line, size_t len)
{
	int r = 0;

	if (f->fd < 0)
		return 0;
	pthread_mutex_lock(&f->mu);
	/* Each line is tried, even after a failure; the failure is said once. */
	if ((f->std ? write_std(STDOUT_FILENO, line, len)
		    : write_all(f->fd, line, len)) < 0) {
		r = -1;
		if (!f->failed)
			warning_errno("cannot write %s '%s'", f->what, f->path);
		f->failed = true;
	}
	pthread_mutex_unlock(&f->mu);
	return r;
}

void logfile_release(struct logfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	pthread_mutex_destroy(&f->mu);
	free(f->path);
	f->path = NULL;
}
