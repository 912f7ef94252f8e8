/*
 * pipein.h - the --pipe reader: the input cut into blocks at record
 * boundaries (blockcut.h), each block one job (its stdin), handed to the
 * same put() sink as the records of the other modes.
 *
 * From a stream (a pipe, a terminal, -N, --round-robin) the reader reads
 * big pieces into a block's buffer and cuts at the last boundary before
 * --block bytes; what follows the cut starts the next block. From a regular
 * file (-a FILE) it reads only a little around each cut and hands out byte
 * ranges of the file, which the jobs' feeds splice straight from the page
 * cache: no single reader is in the way.
 *
 * Memory: one block being filled here; the put() sink blocks when the
 * queue is full, which is the back-pressure on the input.
 *
 * --round-robin: the blocks go into a deal (deal.h) instead, and the jobs
 * put() are its consumers, at most -j alive at once; each reads the
 * --header lines once, then block after block.
 */
#ifndef FANOUT_PIPEIN_H
#define FANOUT_PIPEIN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "batch.h"
#include "blockcut.h"

struct pipein_conf {
	int fd;                 /* the input */
	bool ranges;            /* a regular file: hand out byte ranges */
	off_t start;            /* ranges: from this offset (stdin's own) */
	size_t block;           /* --block: about this many bytes a block */
	size_t nrec;            /* -N: records a block; 0: by size */
	struct blockcut cut;
	size_t header;          /* --header: lines repeated in every block */
	int round_robin;        /* --round-robin: -j consumers; 0: a job
				   a block */
	bool dry_run;           /* --dry-run: the consumers read nothing */
	bool once;              /* no block is read twice (no --retries,
				   --memfree, -S): a stream's blocks may be
				   pipes of their own (blockpipe.h) */
	int max_pipes;          /* ...at most this many at once (the
				   descriptors the jobs do not need) */
	int stop_fd;            /* readable once the reader must stop */
	batch_put_fn *put;      /* takes each job, numbered from 1 */
	void *arg;
};

/* Cut C's input into jobs; 0, or -1 after a read error (said on stderr). */
int pipein_run(const struct pipein_conf *c);

/* Free what the blocks of a finished run shared (the header, the deal). */
void pipein_free(void);

#endif
