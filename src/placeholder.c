/*
 * placeholder.c - replacement strings and their values (see placeholder.h).
 *
 * Meanings follow GNU parallel 20221122, checked against it:
 *   {.}  removes the last "." and what follows, if no "/" follows it
 *        (its s:\.[^/.]*$::): "x.tar.gz" -> "x.tar", "a/b.c/d" unchanged,
 *        ".bashrc" -> "" and ".." -> "." as in parallel.
 *   {/}  what follows the last "/" ("a/b/" -> "").
 *   {//} Perl's File::Basename::dirname, like dirname(1): "file" -> ".",
 *        "/file" -> "/", "a/b/" -> "a", "/" -> "/".
 * Every value is a substring of the record or of one of its columns, or
 * ".": nothing is allocated.
 */
#include "placeholder.h"

#include <limits.h>
#include <string.h>

static const char *const names[PH_COUNT] = {
	[PH_REC] = "{}",
	[PH_NOEXT] = "{.}",
	[PH_BASE] = "{/}",
	[PH_DIR] = "{//}",
	[PH_BASENOEXT] = "{/.}",
	[PH_SEQ] = "{#}",
	[PH_SLOT] = "{%}",
};

/* What may follow a column's number or name, and the form it gives. */
static const struct {
	const char *s;
	int kind;
} forms[] = {
	{ "}", PH_REC }, { ".}", PH_NOEXT }, { "/}", PH_BASE },
	{ "//}", PH_DIR }, { "/.}", PH_BASENOEXT },
};

const char *ph_name(int kind)
{
	return kind > PH_LIT && kind < PH_COUNT ? names[kind] : "";
}

/* The form at S (after a column's number or name), or PH_LIT. */
static int match_form(const char *s, size_t *len)
{
	for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
		size_t n = strlen(forms[k].s);

		if (strncmp(s, forms[k].s, n) == 0) {
			*len = n;
			return forms[k].kind;
		}
	}
	return PH_LIT;
}

/* {N...} or {-N...} at S: its kind, column and length, or PH_LIT. */
static int match_positional(const char *s, int *col, size_t *len)
{
	const char *p = s + 1;
	int sign = 1, kind;
	long n = 0;
	size_t flen;

	if (*p == '-') {
		sign = -1;
		p++;
	}
	if (!(*p >= '1' && *p <= '9'))
		return PH_LIT;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > INT_MAX / 10)
			return PH_LIT;  /* no record has that many columns */
	}
	kind = match_form(p, &flen);
	if (kind == PH_LIT)
		return PH_LIT;
	*col = sign * (int)n;
	*len = (size_t)(p - s) + flen;
	return kind;
}

/* {NAME...} at S, NAME one of NAMES: its kind, column and length. */
static int match_named(const char *s, const struct ph_names *nm, int *col,
		       size_t *len)
{
	int best = PH_LIT;
	size_t bestlen = 0;

	for (size_t i = 0; nm && i < nm->n && i < INT_MAX; i++) {
		size_t n = strlen(nm->name[i]), flen;
		int kind;

		if (n == 0 || strncmp(s + 1, nm->name[i], n) != 0)
			continue;
		kind = match_form(s + 1 + n, &flen);
		if (kind != PH_LIT && 1 + n + flen > bestlen) {
			best = kind;
			bestlen = 1 + n + flen;
			*col = (int)i + 1;
		}
	}
	*len = bestlen;
	return best;
}

int ph_match(const char *text, size_t i, const char *repl,
	     const struct ph_names *nm, int *col, size_t *len)
{
	const char *s = text + i;
	size_t repllen = strlen(repl), n = 0;
	int best = PH_LIT, k, c = 0;

	*col = 0;
	*len = 0;
	/* longest match first, so that -I {/ cannot hide {//}; REPL wins a tie */
	if (strncmp(s, repl, repllen) == 0) {
		best = PH_REC;
		*len = repllen;
	}
	if (*s != '{')
		return best;
	for (k = PH_NOEXT; k <= PH_SLOT; k++) {
		n = strlen(names[k]);
		if (n > *len && strncmp(s, names[k], n) == 0) {
			best = k;
			*len = n;
		}
	}
	/* ${1} in a script is the shell's own parameter */
	if (i > 0 && text[i - 1] == '$')
		return best;
	k = match_positional(s, &c, &n);
	if (k == PH_LIT)
		k = match_named(s, nm, &c, &n);
	if (k != PH_LIT && n > *len) {
		best = k;
		*len = n;
		*col = c;
	}
	return best;
}

/* Length of S[0..N) without its extension (GNU parallel's {.}). */
static size_t strip_ext(const char *s, size_t n)
{
	size_t i;

	for (i = n; i > 0; i--) {
		if (s[i - 1] == '/')
			break;
		if (s[i - 1] == '.')
			return i - 1;
	}
	return n;
}

/* Offset of the basename: just after the last slash. */
static size_t base_off(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] != '/')
		n--;
	return n;
}

/* Drop trailing slashes but keep one character (File::Basename). */
static size_t strip_slashes(const char *s, size_t n)
{
	while (n > 1 && s[n - 1] == '/')
		n--;
	return n;
}

/*
 * Perl's dirname(): split after the last slash, strip the trailing slashes;
 * if the basename was empty ("a/b/"), do it once more. The result is always
 * a prefix of S or ".".
 */
static size_t dir_value(const char *s, size_t n, const char **out)
{
	size_t p = base_off(s, n), d;

	*out = s;
	if (p == 0)
		goto dot;
	d = strip_slashes(s, p);
	if (p == n) {
		p = base_off(s, d);
		if (p == 0)
			goto dot;
		d = strip_slashes(s, p);
	}
	return d;
dot:
	*out = ".";
	return 1;
}

const struct rec *ph_column(const struct rec *r, int col)
{
	size_t n = r->ncol ? r->ncol : 1;
	const struct rec *cols = r->ncol ? r->col : r;

	if (col == 0)
		return r;
	if (col > 0)
		return (size_t)col <= n ? &cols[col - 1] : NULL;
	return (size_t)-(long)col <= n ? &cols[n - (size_t)-(long)col] : NULL;
}

size_t ph_value(const struct rec *r, int kind, int col, const char **out)
{
	size_t b;

	r = ph_column(r, col);
	if (!r) {
		*out = "";
		return 0;
	}
	switch (kind) {
	case PH_NOEXT:
		*out = r->s;
		return strip_ext(r->s, r->len);
	case PH_BASE:
		b = base_off(r->s, r->len);
		*out = r->s + b;
		return r->len - b;
	case PH_BASENOEXT:
		b = base_off(r->s, r->len);
		*out = r->s + b;
		return strip_ext(r->s + b, r->len - b);
	case PH_DIR:
		return dir_value(r->s, r->len, out);
	}
	*out = r->s;
	return r->len;
}
