/*
 * shquote.c - quoting argv for /bin/sh, for display only.
 *
 * A word made only of characters sh never treats specially is left bare;
 * any other word, the empty one included, goes in single quotes, each quote
 * inside becoming '\''. The output is always NUL-terminated and *len is
 * always its length.
 */
#include "shquote.h"

#include <stdbool.h>
#include <string.h>

#include "util.h"

/* The characters sh never treats specially, so they need no quotes. */
static bool is_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c != '\0' && strchr("_@%+=:,./-", c));
}

/* Make room for N more bytes and the NUL. */
static void grow(char **out, size_t len, size_t *cap, size_t n)
{
	if (*cap - len > n && *out)
		return;
	*cap = *cap * 2 > len + n + 1 ? *cap * 2 : len + n + 1;
	if (*cap < 64)
		*cap = 64;
	*out = xrealloc(*out, *cap);
}

void shell_quote_append(char **out, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s), i;
	bool bare = n > 0;

	for (i = 0; i < n && bare; i++)
		bare = is_safe((unsigned char)s[i]);
	if (bare) {
		grow(out, *len, cap, n);
		memcpy(*out + *len, s, n);
		*len += n;
		(*out)[*len] = '\0';
		return;
	}
	/* worst case: every byte a quote, each becoming '\'' */
	grow(out, *len, cap, 4 * n + 2);
	(*out)[(*len)++] = '\'';
	for (i = 0; i < n; i++) {
		if (s[i] == '\'') {
			memcpy(*out + *len, "'\\''", 4);
			*len += 4;
		} else {
			(*out)[(*len)++] = s[i];
		}
	}
	(*out)[(*len)++] = '\'';
	(*out)[*len] = '\0';
}

char *argv_render(char *const *argv)
{
	char *out = NULL;
	size_t len = 0, cap = 0, i;

	grow(&out, len, &cap, 0);
	out[0] = '\0';
	for (i = 0; argv[i]; i++) {
		if (i) {
			grow(&out, len, &cap, 1);
			out[len++] = ' ';
			out[len] = '\0';
		}
		shell_quote_append(&out, &len, &cap, argv[i]);
	}
	return out;
}
