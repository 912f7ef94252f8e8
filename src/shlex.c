/*
 * shlex.c - the skeleton of a --shell script and the quoting at each point.
 *
 * A minimal sh lexer: enough to know whether a point of the script is
 * unquoted, in '...' or in "...". It follows backslashes, '...', "...",
 * $(...), `...` and comments; command substitutions open a new quoting
 * level, hence the stack of frames. Where it would misjudge (here-documents,
 * case patterns inside $(...)) a value referenced there still cannot run as
 * code (see template.c): it may only come out split or with quotes shown.
 *
 * Invariants: the skeleton holds the literal bytes in order, less a dropped
 * or plus a doubled backslash per reference, so it never outgrows the CAP
 * given to shlex_init(); f[0] is the top level and is never popped.
 */
#include "shlex.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { Q_NONE, Q_SQ, Q_DQ };
enum { F_TOP, F_PAREN, F_BQ };

static void lex_push(struct shlex *L, int kind)
{
	if (L->top == SHLEX_DEPTH - 1) {
		L->overflow = true;
		return;
	}
	L->top++;
	L->f[L->top].q = Q_NONE;
	L->f[L->top].kind = (unsigned char)kind;
	L->f[L->top].paren = 0;
	L->wordstart = true;
}

static void lex_pop(struct shlex *L)
{
	if (L->top > 0)
		L->top--;
	L->wordstart = false;
}

/* Consume the character(s) at S (N left); returns how many. */
static size_t lex_step(struct shlex *L, const char *s, size_t n)
{
	unsigned char *q = &L->f[L->top].q;
	int kind = L->f[L->top].kind;
	char c = s[0];

	if (L->esc) {
		L->esc = false;
		L->wordstart = false;
		return 1;
	}
	if (L->comment) {
		if (c == '\n') {
			L->comment = false;
			L->wordstart = true;
		}
		return 1;
	}
	/* A backquote ends at the next one whatever quotes lie between. */
	if (c == '`' && kind == F_BQ) {
		lex_pop(L);
		return 1;
	}
	if (*q == Q_SQ) {
		if (c == '\'')
			*q = Q_NONE;
		return 1;
	}
	if (c == '\\') {
		L->esc = true;
		return 1;
	}
	if (c == '`') {
		lex_push(L, F_BQ);
		return 1;
	}
	if (c == '$' && n > 1 && s[1] == '(') {
		lex_push(L, F_PAREN);
		return 2;
	}
	if (*q == Q_DQ) {
		if (c == '"')
			*q = Q_NONE;
		return 1;
	}
	switch (c) {
	case '\'':
		*q = Q_SQ;
		break;
	case '"':
		*q = Q_DQ;
		break;
	case '(':
		if (kind == F_PAREN)
			L->f[L->top].paren++;
		break;
	case ')':
		if (kind == F_PAREN) {
			if (L->f[L->top].paren == 0) {
				lex_pop(L);
				return 1;
			}
			L->f[L->top].paren--;
		}
		break;
	case '#':
		if (L->wordstart) {
			L->comment = true;
			return 1;
		}
		break;
	}
	L->wordstart = c != '\0' && strchr(" \t\n;&|()<>", c) != NULL;
	return 1;
}

/* The quoting a reference needs at the lexer's current point. */
static enum shlex_ctx lex_ctx(const struct shlex *L)
{
	if (L->comment)
		return SHLEX_BARE;
	switch (L->f[L->top].q) {
	case Q_SQ:
		return SHLEX_SQ;
	case Q_DQ:
		return SHLEX_DQ;
	}
	return SHLEX_BARE;
}

void shlex_init(struct shlex *sx, size_t cap)
{
	memset(sx, 0, sizeof *sx);
	sx->wordstart = true;
	/* one more byte for the NUL */
	sx->text = xmalloc(cap + 1);
}

void shlex_lit(struct shlex *sx, const char *s, size_t n)
{
	size_t j;

	for (j = 0; j < n; )
		j += lex_step(sx, s + j, n - j);
	memcpy(sx->text + sx->len, s, n);
	sx->len += n;
}

enum shlex_ctx shlex_ref(struct shlex *sx)
{
	enum shlex_ctx ctx = lex_ctx(sx);

	if (sx->esc) {
		/*
		 * A backslash would escape the reference's first
		 * character. Unquoted, \{} meant a quoted "{", which
		 * the reference already is: drop it. In "...", \{
		 * keeps its backslash: double it so it stays one.
		 */
		if (ctx == SHLEX_DQ)
			sx->text[sx->len++] = '\\';
		else
			sx->len--;
	}
	shlex_gap(sx);
	return ctx;
}

void shlex_gap(struct shlex *sx)
{
	/* the inserted text is not script the lexer has seen */
	sx->esc = false;
	sx->wordstart = false;
}

const char *shlex_finish(struct shlex *sx, char **text)
{
	if (sx->overflow) {
		free(sx->text);
		sx->text = NULL;
		return "shell template nests too deeply";
	}
	sx->text[sx->len] = '\0';
	*text = sx->text;
	sx->text = NULL;
	return NULL;
}
