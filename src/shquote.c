/*
 * shquote.c - quoting for /bin/sh, for display only.
 *
 * A word made only of characters sh never treats specially is left bare;
 * any other word, the empty one included, goes in single quotes, each quote
 * inside becoming '\''. Inside "..." only $ ` " \ take a backslash. Inside
 * `...` sh first removes the backslash of \\ and \`, so each enclosing
 * backquote doubles the backslashes and escapes the backquotes of what is
 * put there.
 */
#include "shquote.h"

#include <stdbool.h>
#include <string.h>

/* The characters sh never treats specially, so they need no quotes. */
static bool is_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c != '\0' && strchr("_@%+=:,./-", c));
}

/* S[0..N) with each byte of SPECIAL preceded by ESC (NULL: '\'' form). */
static void put_escaped(struct strbuf *b, const char *s, size_t n,
			const char *special, const char *esc)
{
	size_t i, j;

	for (i = 0; i < n; i = j) {
		for (j = i; j < n && !(s[j] && strchr(special, s[j])); j++)
			;
		strbuf_add(b, s + i, j - i);
		if (j == n)
			break;
		if (esc) {
			strbuf_add(b, esc, strlen(esc));
			strbuf_add(b, s + j++, 1);
		} else {
			strbuf_add(b, "'\\''", 4);
			j++;
		}
	}
}

/* S[0..N) in single quotes. */
static void put_sq(struct strbuf *b, const char *s, size_t n)
{
	strbuf_add(b, "'", 1);
	put_escaped(b, s, n, "'", NULL);
	strbuf_add(b, "'", 1);
}

void shquote_append(struct strbuf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && is_safe((unsigned char)s[i]); i++)
		;
	if (n > 0 && i == n)
		strbuf_add(b, s, n);
	else
		put_sq(b, s, n);
}

void shquote_at(struct strbuf *b, const char *s, size_t n,
		    enum shlex_ctx ctx, unsigned bq)
{
	size_t start = b->len;
	struct strbuf tmp = STRBUF_INIT;

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
		strbuf_reset(&tmp);
		put_escaped(&tmp, b->buf + start, b->len - start, "\\`", "\\");
		strbuf_setlen(b, start);
		strbuf_add(b, tmp.buf, tmp.len);
	}
	strbuf_release(&tmp);
}

char *shquote_argv(char *const *argv)
{
	struct strbuf b;
	size_t i;

	/* always malloc'd, even for an empty argv */
	strbuf_init(&b, 64);
	for (i = 0; argv[i]; i++) {
		if (i)
			strbuf_add(&b, " ", 1);
		shquote_append(&b, argv[i], strlen(argv[i]));
	}
	return b.buf;
}
