/*
 * shquote.c - quoting for /bin/sh, for display only.
 *
 * A word made only of characters sh never treats specially is left bare;
 * any other word, the empty one included, goes in single quotes, each quote
 * inside becoming '\''. Inside "..." only $ ` " \ take a backslash. Inside
 * `...` sh first removes the backslash of \\ and \`, so each enclosing
 * backquote doubles the backslashes and escapes the backquotes of what is
 * put there. The output is always NUL-terminated and len is its length.
 */
#include "shquote.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The characters sh never treats specially, so they need no quotes. */
static bool is_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c != '\0' && strchr("_@%+=:,./-", c));
}

/* Make room for N more bytes and the NUL. */
static void grow(struct shbuf *b, size_t n)
{
	if (b->s && b->cap - b->len > n)
		return;
	b->cap = b->cap * 2 > b->len + n + 1 ? b->cap * 2 : b->len + n + 1;
	if (b->cap < 64)
		b->cap = 64;
	b->s = xrealloc(b->s, b->cap);
}

void shbuf_put(struct shbuf *b, const char *s, size_t n)
{
	grow(b, n);
	if (n)  /* S may be NULL then */
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* S[0..N) with each byte of SPECIAL preceded by ESC (NULL: '\'' form). */
static void put_escaped(struct shbuf *b, const char *s, size_t n,
			const char *special, const char *esc)
{
	size_t i, j;

	for (i = 0; i < n; i = j) {
		for (j = i; j < n && !(s[j] && strchr(special, s[j])); j++)
			;
		shbuf_put(b, s + i, j - i);
		if (j == n)
			break;
		if (esc) {
			shbuf_put(b, esc, strlen(esc));
			shbuf_put(b, s + j++, 1);
		} else {
			shbuf_put(b, "'\\''", 4);
			j++;
		}
	}
}

/* S[0..N) in single quotes. */
static void put_sq(struct shbuf *b, const char *s, size_t n)
{
	shbuf_put(b, "'", 1);
	put_escaped(b, s, n, "'", NULL);
	shbuf_put(b, "'", 1);
}

void shell_quote_append(struct shbuf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && is_safe((unsigned char)s[i]); i++)
		;
	if (n > 0 && i == n)
		shbuf_put(b, s, n);
	else
		put_sq(b, s, n);
}

void shell_quote_at(struct shbuf *b, const char *s, size_t n,
		    enum shlex_ctx ctx, unsigned bq)
{
	size_t start = b->len;
	struct shbuf tmp = { NULL, 0, 0 };

	switch (ctx) {
	case SHLEX_DQ:
		put_escaped(b, s, n, "$`\"\\", "\\");
		break;
	case SHLEX_SQ:
		/* the template's quotes stand around it */
		put_escaped(b, s, n, "'", NULL);
		break;
	default:
		put_sq(b, s, n);
		break;
	}
	while (bq-- > 0) {
		tmp.len = 0;
		put_escaped(&tmp, b->s + start, b->len - start, "\\`", "\\");
		b->len = start;
		shbuf_put(b, tmp.s, tmp.len);
	}
	free(tmp.s);
}

char *argv_render(char *const *argv)
{
	struct shbuf b = { NULL, 0, 0 };
	size_t i;

	shbuf_put(&b, "", 0);
	for (i = 0; argv[i]; i++) {
		if (i)
			shbuf_put(&b, " ", 1);
		shell_quote_append(&b, argv[i], strlen(argv[i]));
	}
	return b.s;
}
