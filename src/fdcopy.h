/*
 * fdcopy.h - move a stretch of a regular file to another fd the cheapest
 * way the kernel allows: splice(2) into a pipe, sendfile(2) into a regular
 * file, read+write into anything else or when the kernel refuses.
 *
 * A pipe is given page references, not copies (FDCOPY_SPLICE): until its
 * reader has read them, a change to those pages of the source file (a
 * punched hole zeroes them in place) shows in what the reader gets. The
 * caller keeps such a stretch unchanged until the pipe has let it go; a
 * truncation of the whole file to zero is safe (the pages are only
 * detached). sendfile(2) to a regular file copies before it returns.
 */
#ifndef FANOUT_FDCOPY_H
#define FANOUT_FDCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum fdcopy_way {
	FDCOPY_UNSET,           /* not chosen yet: fdcopy() looks at OUT */
	FDCOPY_SPLICE,          /* OUT is a pipe: pages are lent */
	FDCOPY_SENDFILE,        /* OUT is a regular file: copied in the kernel */
	FDCOPY_RW,              /* pread + write through the caller's buffer */
};

enum fdcopy_result {
	FDCOPY_OK,
	FDCOPY_SHORT,           /* IN ended before OFF + LEN */
	FDCOPY_READ_ERR,        /* reading IN failed: errno */
	FDCOPY_WRITE_ERR,       /* writing OUT failed: errno (EPIPE...) */
};

/*
 * The way to copy to OUT: by its type (fstat), FDCOPY_RW when unknown.
 */
enum fdcopy_way fdcopy_way(int out);

/*
 * Copy LEN bytes at OFF of IN to OUT, in pieces of at most BUFSZ bytes
 * through BUF when read+write is used. *WAY (set by fdcopy_way() or left
 * FDCOPY_UNSET) falls back to FDCOPY_RW for good when splice/sendfile
 * fail with anything but EPIPE or EAGAIN: the kernel refused (EINVAL for
 * an O_APPEND file, ENOSYS), or one side failed, which the plain way then
 * names. STOP(ARG), if given, is asked between pieces: true ends
 * the copy early with FDCOPY_OK. *DONE: bytes that reached OUT.
 */
enum fdcopy_result fdcopy(int out, int in, off_t off, off_t len,
			  enum fdcopy_way *way, char *buf, size_t bufsz,
			  off_t *done, bool (*stop)(void *arg), void *arg);

#endif
