/*
 * tagstring.h - GNU parallel's --tagstring STR: the tag in front of each
 * line of a job's output is STR with its replacement strings ({}, {.},
 * {#}, {%}, {1}, {name}, ...) filled in for the job, as --tag's record is.
 * Pure: the caller passes the job's record, number and slot.
 */
#ifndef FANOUT_TAGSTRING_H
#define FANOUT_TAGSTRING_H

#include <stdint.h>

#include "job.h"
#include "placeholder.h"
#include "strbuf.h"

/*
 * Append FMT to SB with each replacement string replaced by its value for
 * record R (the job's first) of job SEQ on worker SLOT. REPL is what {} is
 * called (-I); NAMES the --header columns, or NULL.
 */
void tagstring_expand(struct strbuf *sb, const char *fmt, const char *repl,
		      const struct ph_names *names, const struct rec *r,
		      uint64_t seq, unsigned slot);

#endif
