/*
 * clipipe.h - the --pipe options' values and the checks they need (the
 * option table itself is cli.c's).
 */
#ifndef FANOUT_CLIPIPE_H
#define FANOUT_CLIPIPE_H

#include <stddef.h>

#include "opts.h"

/*
 * --recend/--recstart STR as GNU parallel reads it: \n, \t, \r, \0 and \\
 * are the bytes they name, anything else is itself. Exits 2 when empty.
 * Returns a malloc'd copy, its length in *LEN.
 */
char *clipipe_string(const char *name, const char *v, size_t *len);

/* Exit 2 if O's --pipe settings do not go together; fill in defaults. */
void clipipe_check(struct opts *o);

#endif
