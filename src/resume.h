/*
 * resume.h - reading a job log for --resume: which jobs it records as
 * done, after checking every line.
 *
 * A scanner fed the log's bytes in pieces of any size. It keeps no line in
 * memory (a Command may be megabytes long, and a device such as /dev/zero
 * never ends one), only the first bytes of the column being read, and
 * refuses the log at the first byte that cannot belong to a job log.
 *
 * The log is GNU parallel's: the header line (which may be missing: GNU
 * parallel skips the first line unread), then one line per job of nine
 * tab-separated columns, Seq Host Starttime JobRuntime Send Receive Exitval
 * Signal Command. Checked: Seq is a whole number from 1 to 2^63-1; Host is
 * not empty; Starttime is a decimal number and JobRuntime one that may be
 * padded with spaces and negative (a wall clock can step back); Send and
 * Receive are whole numbers (31 characters at most, Host 1024); Exitval is a whole number from -255 to 255
 * (GNU parallel writes -1 for a timeout, -2 for a skipped job); Signal one
 * from 0 to 127; Command is anything up to the newline (tabs included).
 *
 * A last line without its newline is a line cut short by a crash: it is not
 * counted, and end_ok says where the whole lines end.
 */
#ifndef FANOUT_RESUME_H
#define FANOUT_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seqset.h"

/* The job log's first line, without its newline (GNU parallel's). */
#define JOBLOG_HEADER "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\t" \
	"Exitval\tSignal\tCommand"

struct resume {
	struct seqset done;     /* what the log records as done */
	bool only_ok;           /* count only Exitval 0, Signal 0 */
	uint64_t line;          /* 1-based: the line being read */
	uint64_t nread;         /* bytes fed so far */
	uint64_t end_ok;        /* bytes up to the end of the last whole line */
	int col;                /* column being read; -1: the header */
	size_t len;             /* its length so far */
	char field[32];         /* its first bytes (not the Command's) */
	uint64_t seq;           /* this line's Seq, Exitval, Signal */
	int exitval, sig;
	char why[96];           /* why the log was refused */
};

/* Start reading a log; with ONLY_OK only successes count as done. */
void resume_init(struct resume *s, bool only_ok);

/*
 * Read the next N bytes of the log. False when they cannot belong to a job
 * log: s->why says why and s->line where; feed nothing more.
 */
bool resume_feed(struct resume *s, const char *buf, size_t n);

/* Free what resume_init() made (the done set too, unless moved out). */
void resume_release(struct resume *s);

#endif
