/*
 * input.h - the reader thread: bytes to records; batch.c makes them jobs,
 * which go to the sink the caller gives (its put() callback).
 *
 * Records stream: each is handed on as soon as it (or its batch) is
 * complete, long before the end of input. The reader never holds more of
 * one record than a command line can take: the rest of a longer record is
 * read past, and the record becomes a job that fails (see batch.h). A NUL
 * inside a record cuts it there, with a warning.
 */
#ifndef FANOUT_INPUT_H
#define FANOUT_INPUT_H

#include "batch.h"
#include "pipein.h"
#include "sources.h"

struct input_conf {
	struct sources *src;    /* the input, opened */
	int delim;              /* record separator byte */
	int stop_fd;            /* readable once the reader must stop */
	struct batch_conf batch;        /* limits, and put() for the jobs */
	void (*done)(void *arg);        /* no more jobs: called with batch.arg */
	const struct pipein_conf *pipe; /* --pipe: blocks, not records */
};

/* Start the reader thread on C (copied). */
void input_start(const struct input_conf *c);

/* Wait for the reader to finish; returns 0, or -1 after a read error. */
int input_join(void);

#endif
