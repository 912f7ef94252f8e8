/*
 * shquote.h - quoting argv for /bin/sh, for display only.
 *
 * What these produce is shown to people (-v, --dry-run, the job log) and
 * pasted back into a shell; fanout never runs it. Invariant: sh reads the
 * rendered line back as exactly the words it was made from.
 */
#ifndef FANOUT_SHQUOTE_H
#define FANOUT_SHQUOTE_H

#include <stddef.h>

/*
 * Append S to OUT (a growing NUL-terminated string at *out, length *len,
 * capacity *cap) quoted for /bin/sh: unchanged when it is made only of safe
 * characters, else in single quotes.
 */
void shell_quote_append(char **out, size_t *len, size_t *cap, const char *s);

/* Render ARGV as one shell-quoted line, malloc'd. */
char *argv_render(char *const *argv);

#endif
