/*
 * shlex.h - the skeleton of a --shell script and the quoting at each point.
 *
 * The skeleton is the template's script with every placeholder cut out. It
 * is built left to right: literal script bytes, then a mark where each
 * placeholder stands. A small sh lexer follows the literal bytes, so each
 * mark learns the context of its point (unquoted, in "...", in '...', in a
 * comment, in a here-document, in ${...}) and how many `...` enclose it,
 * which is all the caller needs to quote what it puts there. A placeholder
 * where no value can stand safely (in $(( )), in a quoted here-document)
 * makes the template unusable.
 */
#ifndef FANOUT_SHLEX_H
#define FANOUT_SHLEX_H

#include <stdbool.h>
#include <stddef.h>

/* Context of a point in a script; SHLEX_BARE is 0. */
enum shlex_ctx {
	SHLEX_BARE,             /* an unquoted word */
	SHLEX_DQ,               /* in "..." */
	SHLEX_SQ,               /* in '...' */
	SHLEX_COMMENT,          /* in a # comment */
	SHLEX_HEREDOC,          /* in the body of an unquoted here-document */
	SHLEX_PARAM,            /* in the word of ${name...} */
};

/* Nesting of $(...), `...`, $((...)) and ${...} the lexer follows. */
#define SHLEX_DEPTH 32
/* Here-documents waiting for their bodies on one line. */
#define SHLEX_HEREDOCS 8

/* One level of nesting; private to shlex.c. */
struct shlex_frame {
	unsigned char kind, q, cstate, wlen;
	unsigned ncase, paren;
	char word[6];
	bool dq, bs, cmd;
};

/* A here-document whose body is pending or being read; private. */
struct shlex_heredoc {
	char *delim;
	size_t len;
	int frame;
	bool quoted, strip;
};

/*
 * A skeleton being built. Only text and len may be read: the skeleton so
 * far, text[0..len), not yet NUL-terminated.
 */
struct shlex {
	char *text;
	size_t len;
	struct shlex_frame f[SHLEX_DEPTH];
	int top;
	struct shlex_heredoc hd[SHLEX_HEREDOCS];
	int nhd;
	bool inbody, tabs;      /* reading hd[0]'s body; at a line's tabs */
	long match;             /* delimiter bytes this body line matches */
	char *dw;               /* a here-document delimiter being read */
	size_t dwlen;
	unsigned char dwq, dollar, lt;
	bool dwon, dwesc, dwquoted, dwstrip;
	bool esc, comment, wordstart, rparen, semi, overflow;
	const char *err;
};

/* Start a skeleton of at most CAP literal bytes plus one per mark. */
void shlex_init(struct shlex *sx, size_t cap);

/* Append the literal script bytes S[0..N), following their syntax. */
void shlex_lit(struct shlex *sx, const char *s, size_t n);

/*
 * Mark the point where a reference to a value of placeholder NAME will be
 * inserted, fixing a backslash just before it; returns the context of the
 * point and stores in *BQ how many `...` enclose it.
 */
enum shlex_ctx shlex_ref(struct shlex *sx, const char *name, unsigned *bq);

/* Mark the point where digits ({#} or {%}, named NAME) will be inserted. */
void shlex_gap(struct shlex *sx, const char *name);

/*
 * NUL-terminate the skeleton and hand it over in *TEXT (malloc'd); returns
 * NULL, or a one-line reason it is unusable, having freed it.
 */
const char *shlex_finish(struct shlex *sx, char **text);

#endif
