/*
 * shquote.h - quoting for /bin/sh, for display only.
 *
 * What these produce is shown to people (-v, --dry-run, the job log) and
 * pasted back into a shell; fanout never runs it. Invariant: sh reads each
 * quoted value back as exactly the bytes it was made from, wherever the
 * context given says it stands.
 */
#ifndef FANOUT_SHQUOTE_H
#define FANOUT_SHQUOTE_H

#include <stddef.h>

#include "shlex.h"
#include "strbuf.h"

/*
 * Append S[0..N) to B as one shell word: unchanged when it is made only of
 * safe characters, else in single quotes.
 */
void shquote_append(struct strbuf *b, const char *s, size_t n);

/*
 * Append S[0..N) to B so that sh reads it as those bytes at a point of
 * context CTX (SHLEX_BARE, _DQ, _SQ or _COMMENT; a comment's value holds no
 * newline) inside BQ nested `...`. Unquoted it is always quoted, so that it
 * is never taken for a reserved word, an assignment or an alias.
 */
void shquote_at(struct strbuf *b, const char *s, size_t n,
		    enum shlex_ctx ctx, unsigned bq);

/* Render ARGV as one shell-quoted line, malloc'd. */
char *shquote_argv(char *const *argv);

#endif
