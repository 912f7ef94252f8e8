/*
 * columns.c - --colsep and records with columns (see columns.h).
 */
#include "columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *colsep_init(struct colsep *c, const char *pattern)
{
	static char why[160];
	struct strbuf b;
	int e;

	memset(c, 0, sizeof *c);
	if (!*pattern)
		return "empty column separator";
	/* Perl's \t, which POSIX leaves undefined */
	strbuf_init(&b, strlen(pattern));
	for (const char *p = pattern; *p; p++) {
		if (p[0] == '\\' && p[1] == 't') {
			strbuf_addch(&b, '\t');
			p++;
		} else {
			strbuf_addch(&b, *p);
		}
	}
	e = regcomp(&c->re, b.buf, REG_EXTENDED);
	strbuf_release(&b);
	if (e) {
		char msg[100];

		regerror(e, &c->re, msg, sizeof msg);
		snprintf(why, sizeof why, "not a regular expression: %s", msg);
		return why;
	}
	c->set = true;
	return NULL;
}

void colsep_release(struct colsep *c)
{
	if (c->set)
		regfree(&c->re);
	c->set = false;
}

void row_init(struct row *r)
{
	memset(r, 0, sizeof *r);
	strbuf_init(&r->joined, 0);
}

void row_release(struct row *r)
{
	free(r->col);
	strbuf_release(&r->joined);
	memset(r, 0, sizeof *r);
}

void row_reset(struct row *r)
{
	r->ncol = 0;
}

void row_add(struct row *r, const char *s, size_t n)
{
	r->col = grow_array(r->col, &r->cap, r->ncol + 1, sizeof *r->col, 8);
	r->col[r->ncol++] = (struct rec){ .s = s, .len = n };
}

void row_cut(struct row *r, const struct colsep *c, const char *s, size_t n)
{
	size_t start = 0, from = 0;
	regmatch_t m;

	while (from < n) {
		if (regexec(&c->re, s + from, 1, &m,
			    from > 0 ? REG_NOTBOL : 0) != 0)
			break;
		if (m.rm_eo == m.rm_so) {
			/* an empty match cuts nothing: look one byte on */
			from += (size_t)m.rm_so + 1;
			continue;
		}
		row_add(r, s + start, from + (size_t)m.rm_so - start);
		start = from = from + (size_t)m.rm_eo;
	}
	row_add(r, s + start, n - start);
}

void row_rec(struct row *r, struct rec *out)
{
	size_t i;

	if (r->ncol == 1) {
		*out = (struct rec){ .s = r->col[0].s, .len = r->col[0].len };
		return;
	}
	strbuf_reset(&r->joined);
	for (i = 0; i < r->ncol; i++) {
		strbuf_add(&r->joined, " ", i > 0);
		strbuf_add(&r->joined, r->col[i].s, r->col[i].len);
	}
	*out = (struct rec){ .s = r->joined.buf, .len = r->joined.len,
			     .col = r->col, .ncol = r->ncol };
}
