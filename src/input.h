/*
 * input.h - the reader thread: bytes to records, records to jobs.
 *
 * Records stream: each is queued as soon as it (or its batch) is complete,
 * long before the end of input. With --batch N, up to N records go to one
 * command, cut short so the command line stays within the kernel's limits;
 * with --batch-timeout a partial batch goes once its first record has
 * waited that long.
 */
#ifndef FANOUT_INPUT_H
#define FANOUT_INPUT_H

struct runner;

/* Start reading FD (-1: the ::: arguments) into R's queue. */
void input_start(struct runner *r, int fd);

/* Wait for the reader to finish; returns 0, or -1 after a read error. */
int input_join(void);

#endif
