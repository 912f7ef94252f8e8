/*
 * blockpipe.h - a --pipe block held in a pipe of its own, which then is the
 * job's stdin.
 *
 * From a pipe, copying the stream through fanout's memory costs a copy per
 * byte that `cat f | wc -l` does not make. Instead the block's pipe is the
 * buffer: it is made big enough for the whole block, stdin's pages are
 * spliced(2) into it (the kernel moves page references, no bytes), and its
 * write end is closed before the job starts, so the job reads the block and
 * then its end. Only the bytes around a cut pass through fanout: the reader
 * must see them to find the record end.
 *
 * A pipe's bytes can be read once, so a block that may run again
 * (--retries, --memfree, -S) stays in memory (pipein.h), and so does one
 * whose pipe the system will not make that big.
 *
 * A pipe holds a number of pages, not bytes: a page spliced in keeps its
 * own slot however few bytes it holds. A writer that hands stdin small
 * pages can fill the slots before the bytes: blockpipe_full() says so, and
 * the reader takes the bytes back (blockpipe_drain) to go on in memory.
 */
#ifndef FANOUT_BLOCKPIPE_H
#define FANOUT_BLOCKPIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct blockpipe {
	int rfd, wfd;           /* the ends; -1 once closed */
	size_t len;             /* bytes in it */
	size_t room;            /* bytes it surely holds (see blockpipe_open) */
};

/*
 * A pipe for N bytes, or as near as the system allows (pipe-max-size):
 * p->room says how many it surely holds. Its write end is non-blocking,
 * both ends close-on-exec. False (errno set) when there is none: no
 * descriptor left, or the user's pipes over pipe-user-pages-soft.
 */
bool blockpipe_open(struct blockpipe *p, size_t n);

/*
 * Move up to N bytes from FD (a pipe or socket) into P: the bytes moved,
 * 0 at FD's end, -1 with errno: EAGAIN (FD has nothing now, or P is full:
 * see blockpipe_full), EINVAL (FD cannot be spliced), or a read error.
 */
ssize_t blockpipe_splice(struct blockpipe *p, int fd, size_t n);

/* Copy BUF[0..N) into P; the bytes it took (fewer once it is full). */
size_t blockpipe_write(struct blockpipe *p, const char *buf, size_t n);

/* No slot left in P? */
bool blockpipe_full(const struct blockpipe *p);

/* P's bytes read back into BUF (p->len of them); P is closed. */
bool blockpipe_drain(struct blockpipe *p, char *buf);

/* Close the write end: a reader sees the end after P's bytes. */
void blockpipe_seal(struct blockpipe *p);

/* Close what is left open of P. */
void blockpipe_close(struct blockpipe *p);

#endif
