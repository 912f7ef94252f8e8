/*
 * fdcopy.c - a stretch of a regular file to an fd: splice, sendfile, or
 * read+write (see fdcopy.h).
 *
 * Why not copy_file_range(2): it wants two regular files, and fanout's
 * stdout is a pipe far more often; sendfile(2) into a regular file does the
 * same in-kernel copy. sendfile(2) into a pipe also works since Linux 5.12
 * (it becomes a splice), but splice(2) works on every kernel that has it.
 */
#define _GNU_SOURCE
#include "fdcopy.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* At most this much per call, so that STOP is asked now and then. */
#define PIECE (4 * 1024 * 1024)

enum fdcopy_way fdcopy_way(int out)
{
	struct stat st;

	if (fstat(out, &st) != 0)
		return FDCOPY_RW;
	if (S_ISFIFO(st.st_mode))
		return FDCOPY_SPLICE;
	if (S_ISREG(st.st_mode))
		return FDCOPY_SENDFILE;
	/* A terminal or a socket: no gain worth a page lent to a socket. */
	return FDCOPY_RW;
}

/* One piece of at most WANT bytes the kernel's way; as splice(2). */
static ssize_t kernel_piece(enum fdcopy_way way, int out, int in, off_t off,
			    size_t want)
{
	ssize_t r;

	do {
		if (way == FDCOPY_SPLICE) {
			loff_t o = off;

			r = splice(in, &o, out, NULL, want, 0);
		} else {
			off_t o = off;

			r = sendfile(out, in, &o, want);
		}
	} while (r < 0 && errno == EINTR);
	return r;
}

/* One piece of at most WANT bytes through BUF: pread, then write it all. */
static enum fdcopy_result rw_piece(int out, int in, off_t off, size_t want,
				   char *buf, off_t *moved)
{
	ssize_t r, w;
	size_t put = 0;

	do
		r = pread(in, buf, want, off);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return FDCOPY_READ_ERR;
	if (r == 0)
		return FDCOPY_SHORT;
	while (put < (size_t)r) {
		w = write(out, buf + put, (size_t)r - put);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return FDCOPY_WRITE_ERR;
		put += (size_t)w;
		*moved += w;
	}
	return FDCOPY_OK;
}

enum fdcopy_result fdcopy(int out, int in, off_t off, off_t len,
			  enum fdcopy_way *way, char *buf, size_t bufsz,
			  off_t *done, bool (*stop)(void *arg), void *arg)
{
	enum fdcopy_result res = FDCOPY_OK;

	*done = 0;
	if (*way == FDCOPY_UNSET)
		*way = fdcopy_way(out);
	while (*done < len && !(stop && stop(arg))) {
		off_t left = len - *done;

		if (*way != FDCOPY_RW) {
			ssize_t r = kernel_piece(*way, out, in, off + *done,
						 left > PIECE ? PIECE
							      : (size_t)left);

			if (r > 0) {
				*done += r;
				continue;
			}
			if (r == 0)
				return FDCOPY_SHORT;
			if (errno == EPIPE || errno == EAGAIN)
				return FDCOPY_WRITE_ERR;
			/*
			 * Refused (EINVAL for an O_APPEND file, ENOSYS...),
			 * or failed on one side or the other: go on the
			 * plain way, which works wherever write(2) does and
			 * names the side that fails.
			 */
			*way = FDCOPY_RW;
		}
		res = rw_piece(out, in, off + *done,
			       (size_t)left > bufsz ? bufsz : (size_t)left,
			       buf, done);
		if (res != FDCOPY_OK)
			return res;
	}
	return res;
}
