/*
 * placeholder.h - GNU parallel's replacement strings: recognising them in a
 * template word, and the value each takes for a record. Pure.
 *
 *   {} (or -I's string)   the record; with columns, they joined by spaces
 *   {.} {/} {//} {/.}     without extension, basename, dirname, both
 *   {#} {%}               job sequence number, worker slot
 *   {N} {N.} {N/} {N//} {N/.}   column N (1-based) and its forms
 *   {-N} ...              column N from the end
 *   {NAME} {NAME.} ...    the column --header named NAME
 *
 * A record without columns is its own column 1 (job.h). A column the
 * record lacks is empty in every form, as in parallel.
 */
#ifndef FANOUT_PLACEHOLDER_H
#define FANOUT_PLACEHOLDER_H

#include <stddef.h>

#include "job.h"

enum ph_kind {
	PH_LIT,         /* literal bytes, not a replacement string */
	PH_REC,         /* {} or REPL */
	PH_NOEXT,       /* {.} */
	PH_BASE,        /* {/} */
	PH_DIR,         /* {//} */
	PH_BASENOEXT,   /* {/.} */
	PH_SEQ,         /* {#} */
	PH_SLOT,        /* {%} */
	PH_ALL,         /* no string: every column as its own word */
	PH_COUNT
};

/* The kinds whose value comes from the record. */
#define PH_IS_RECORD(k) ((k) >= PH_REC && (k) <= PH_BASENOEXT)

/* Column names from --header: NAME[i] is column i + 1. */
struct ph_names {
	char **name;
	size_t n;
};

/*
 * The replacement string at TEXT + I, or PH_LIT: its kind, its column in
 * *COL (0: the record) and its length in *LEN. REPL is what {} is called.
 * NAMES may be NULL. After a '$' ({1} in "${1}"), a positional string is
 * the shell's, not one.
 */
int ph_match(const char *text, size_t i, const char *repl,
	     const struct ph_names *names, int *col, size_t *len);

/* The value of replacement string KIND of column COL of R, in *OUT. */
size_t ph_value(const struct rec *r, int kind, int col, const char **out);

/* Column COL of R (0: R itself), or NULL if R has none such. */
const struct rec *ph_column(const struct rec *r, int col);

/* The name of simple replacement string KIND, e.g. "{/.}". */
const char *ph_name(int kind);

#endif
