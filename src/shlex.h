/*
 * shlex.h - the skeleton of a --shell script and the quoting at each point.
 *
 * The skeleton is the template's script with every placeholder cut out. It
 * is built left to right: literal script bytes, then a mark where each
 * placeholder stands. A small sh lexer follows the literal bytes, so each
 * mark learns whether its point is unquoted, in "..." or in '...', which is
 * all the caller needs to quote the reference it will put there.
 */
#ifndef FANOUT_SHLEX_H
#define FANOUT_SHLEX_H

#include <stdbool.h>
#include <stddef.h>

/* Quoting context of a point in a script; SHLEX_BARE is 0. */
enum shlex_ctx {
	SHLEX_BARE,
	SHLEX_DQ,
	SHLEX_SQ,
};

/* Nesting of $(...) and `...` the lexer follows. */
#define SHLEX_DEPTH 32

/*
 * A skeleton being built. Only text and len may be read: the skeleton so
 * far, text[0..len), not yet NUL-terminated.
 */
struct shlex {
	char *text;
	size_t len;
	struct {
		unsigned char q, kind;
		unsigned paren;
	} f[SHLEX_DEPTH];
	int top;
	bool esc, comment, wordstart, overflow;
};

/* Start a skeleton of at most CAP literal bytes plus one per mark. */
void shlex_init(struct shlex *sx, size_t cap);

/* Append the literal script bytes S[0..N), following their quoting. */
void shlex_lit(struct shlex *sx, const char *s, size_t n);

/*
 * Mark the point where a reference to a value will be inserted, fixing a
 * backslash just before it; returns the quoting the reference needs.
 */
enum shlex_ctx shlex_ref(struct shlex *sx);

/* Mark the point where plain text (no reference) will be inserted. */
void shlex_gap(struct shlex *sx);

/*
 * NUL-terminate the skeleton and hand it over in *TEXT (malloc'd); returns
 * NULL, or a one-line reason it is unusable, having freed it.
 */
const char *shlex_finish(struct shlex *sx, char **text);

#endif
