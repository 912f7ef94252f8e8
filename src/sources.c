/*
 * sources.c - input sources, their combinations, columns and the header
 * (see sources.h).
 *
 * A header on the streamed first source is read here, before any thread
 * runs, one byte at a time so that not a byte past it leaves the fd the
 * reader thread goes on with; the template needs the names to be compiled.
 */
#include "sources.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "util.h"

/* The fd of the input file NAME ("-" or NULL: stdin), or exit 2. */
static int open_file(const char *name)
{
	struct stat st;
	int fd;

	if (!name || strcmp(name, "-") == 0) {
		/* Who forgot the input would wait, puzzled: say it (parallel's). */
		if (isatty(0))
			warning("reading records from the terminal (Ctrl-D to end)");
		return 0;
	}
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno(EXIT_USAGE, "cannot open '%s'", name);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		die_errno(EXIT_USAGE, "cannot read '%s'", name);
	}
	return fd;
}

/* The first record of FD into B, read a byte at a time; false at EOF. */
static bool read_first(int fd, int delim, struct strbuf *b)
{
	char c;
	ssize_t n;

	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno(EXIT_USAGE, "cannot read the header");
		if (n == 0)
			return b->len > 0;
		if (c == delim)
			return true;
		strbuf_addch(b, c);
	}
}

/* Add record P[0..N) to H; a NUL in it cuts it there, as input.c does. */
static void hold_rec(struct held *h, const char *name, char *p, size_t n,
		     size_t *cap)
{
	size_t len = strnlen(p, n);

	if (len < n)
		warning("record %zu of '%s' holds a NUL byte: cut there (use -0 "
		      "for NUL-separated input)", h->n + 1, name);
	if (h->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		h->v = xrealloc(h->v, *cap * sizeof *h->v);
	}
	p[len] = '\0';
	h->v[h->n++] = (struct rec){ .s = p, .len = len };
}

/* Read the whole of file source NAME into H, records ending with DELIM. */
static void hold_file(struct held *h, const char *name, int delim)
{
	struct strbuf b;
	char buf[65536], *p, *end, *d;
	int fd = open_file(name);
	size_t cap = 0;
	ssize_t n;

	strbuf_init(&b, 0);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno(EXIT_USAGE, "cannot read '%s'",
				  name ? name : "-");
		strbuf_add(&b, buf, (size_t)n);
	}
	if (fd > 0)
		close(fd);
	h->data = b.buf;        /* the NUL after it ends the last record */
	p = b.buf;
	end = b.buf + b.len;
	while (p < end) {
		d = memchr(p, delim, (size_t)(end - p));
		if (!d)
			d = end;
		hold_rec(h, name ? name : "-", p, (size_t)(d - p), &cap);
		p = d + 1;
	}
	if (b.len == 0) {
		strbuf_release(&b);
		h->data = NULL;
	}
}

static void hold_args(struct held *h, const struct source *src)
{
	h->n = (size_t)src->nargs;
	h->v = xcalloc(h->n + 1, sizeof *h->v);
	for (size_t i = 0; i < h->n; i++)
		h->v[i] = (struct rec){ .s = src->args[i],
					.len = strlen(src->args[i]) };
}

/* Take the first record of held source H as its header. */
static char *held_header(struct held *h)
{
	char *hd;

	if (h->n == 0)
		return NULL;
	hd = xstrdup(h->v[0].s);
	memmove(h->v, h->v + 1, (h->n - 1) * sizeof *h->v);
	h->n--;
	return hd;
}

/* Add the columns' names that header H (cut in place) gives. */
static void add_names(struct sources *s, char *h)
{
	struct row r;
	size_t i, n = s->names.n;

	row_init(&r);
	row_cut(&r, &s->colsep, h, strlen(h));
	s->names.name = xrealloc(s->names.name,
				 (n + r.ncol) * sizeof *s->names.name);
	/* each name ends where its separator began */
	for (i = 0; i < r.ncol; i++) {
		((char *)r.col[i].s)[r.col[i].len] = '\0';
		s->names.name[n + i] = (char *)r.col[i].s;
	}
	s->names.n = n + r.ncol;
	row_release(&r);
}

static void read_headers(struct sources *s, int delim)
{
	for (size_t i = 0; i < s->nsrc; i++) {
		if (i == 0 && s->fd >= 0) {
			struct strbuf b;

			strbuf_init(&b, 64);    /* malloc'd: headers[0] owns it */
			if (read_first(s->fd, delim, &b))
				s->headers[0] = b.buf;
			else
				strbuf_release(&b);
		} else {
			s->headers[i] = held_header(&s->held[i]);
		}
		if (s->headers[i])
			add_names(s, s->headers[i]);
	}
}

/* Refuse standard input as two sources: the first would take it all. */
static void stdin_once(const struct opts *o)
{
	int n = 0;

	for (int i = 0; i < o->nsrc; i++)
		if (!o->src[i].is_args && strcmp(o->src[i].file, "-") == 0)
			n++;
	if (n > 1)
		die(EXIT_USAGE, "'-' (standard input) given as %d input "
		    "sources: it can be read once", n);
}

void sources_open(struct sources *s, const struct opts *o, int delim)
{
	static const struct source std = { .file = "-" };
	const char *why;
	size_t i;

	memset(s, 0, sizeof *s);
	row_init(&s->row);
	strbuf_init(&s->pend, 0);
	s->per = o->per_job;
	stdin_once(o);
	s->nsrc = o->nsrc > 0 ? (size_t)o->nsrc : 1;
	s->held = xcalloc(s->nsrc, sizeof *s->held);
	s->linked = xcalloc(s->nsrc, sizeof *s->linked);
	s->pos = xcalloc(s->nsrc, sizeof *s->pos);
	s->headers = xcalloc(s->nsrc, sizeof *s->headers);
	s->link = o->link && s->nsrc > 1;
	s->fd = -1;
	for (i = 0; i < s->nsrc; i++) {
		const struct source *src = o->nsrc > 0 ? &o->src[i] : &std;

		s->linked[i] = i > 0 && (s->link || src->linked);
		if (src->is_args)
			hold_args(&s->held[i], src);
		else if (i == 0 && !s->link)
			s->fd = open_file(src->file);
		else
			hold_file(&s->held[i], src->file, delim);
	}
	if (o->colsep || o->header) {
		why = colsep_init(&s->colsep, o->colsep ? o->colsep : "\t");
		if (why)
			die(EXIT_USAGE, "--colsep '%s': %s", o->colsep, why);
	}
	if (o->header)
		read_headers(s, delim);
	/* as in GNU parallel, an empty source among several is one empty value */
	for (i = 0; s->nsrc > 1 && i < s->nsrc; i++)
		if (s->held[i].n == 0 && (i > 0 || s->fd < 0)) {
			s->held[i].v = xrealloc(s->held[i].v, sizeof *s->held[i].v);
			s->held[i].v[0] = (struct rec){ .s = "", .len = 0 };
			s->held[i].n = 1;
		}
}

bool sources_plain(const struct sources *s)
{
	return s->nsrc <= 1 && !s->colsep.set && !s->per;
}

bool sources_held(const struct sources *s)
{
	return s->fd < 0;
}

/* Add value V of a source to the record being built: cut, or whole. */
static void put_value(struct sources *s, const struct rec *v)
{
	if (s->colsep.set)
		row_cut(&s->row, &s->colsep, v->s, v->len);
	else
		row_add(&s->row, v->s, v->len);
}

/* The length of the group of linked sources starting at G; *END after it. */
static size_t group_len(const struct sources *s, size_t g, size_t *end)
{
	size_t n = s->held[g].n, k;

	for (k = g + 1; k < s->nsrc && s->linked[k]; k++)
		if (s->held[k].n < n)
			n = s->held[k].n;
	*end = k;
	return n;
}

/*
 * Step the walk over the groups from FROM on, the last varying fastest;
 * false once it has been all the way round. A group is known by its first
 * source, the one not linked to the source before it.
 */
static bool next_combination(struct sources *s, size_t from)
{
	size_t i, end;

	for (i = s->nsrc; i-- > from;) {
		if (s->linked[i] && i > from)
			continue;
		if (++s->pos[i] < group_len(s, i, &end))
			return true;
		s->pos[i] = 0;
	}
	return false;
}

/* Every combination of the sources from FROM on, after the row so far. */
static bool product(struct sources *s, struct batch *b, size_t from,
		    int64_t now)
{
	size_t base = s->row.ncol, i, k, end;
	struct rec r;

	for (i = from; i < s->nsrc; i = end) {
		if (group_len(s, i, &end) == 0)
			return false;   /* no combination at all */
		s->pos[i] = 0;
	}
	do {
		s->row.ncol = base;
		for (i = from; i < s->nsrc; i = end) {
			group_len(s, i, &end);
			for (k = i; k < end; k++)
				put_value(s, &s->held[k].v[s->pos[i]]);
		}
		row_rec(&s->row, &r);
		if (!batch_add_rec(b, &r, now))
			return false;
	} while (next_combination(s, from));
	return true;
}

/* -N: the records held so far make one job's record. */
static bool flush_pending(struct sources *s, struct batch *b, int64_t now)
{
	const char *p = s->pend.buf;
	struct rec r;
	bool ok;

	row_reset(&s->row);
	for (size_t k = 0; k < s->npend; k++) {
		size_t len = strlen(p);

		row_add(&s->row, p, len);
		p += len + 1;
	}
	row_rec(&s->row, &r);
	ok = batch_add_rec(b, &r, now);
	strbuf_reset(&s->pend);
	s->npend = 0;
	return ok;
}

bool sources_emit(struct sources *s, struct batch *b, const char *v,
		  size_t n, int64_t now)
{
	const struct rec first = { .s = v, .len = n };
	uint64_t i = s->first++;
	size_t k;

	if (s->per) {
		strbuf_add(&s->pend, v, n + 1);
		if (++s->npend < s->per)
			return true;
		return flush_pending(s, b, now);
	}

	row_reset(&s->row);
	put_value(s, &first);
	/* the sources linked to the first go with it, record for record */
	for (k = 1; k < s->nsrc && s->linked[k]; k++) {
		if (i >= s->held[k].n)
			return false;
		put_value(s, &s->held[k].v[i]);
	}
	return product(s, b, k, now);
}

/* --link: record i of each source, shorter ones wrapping round. */
static void emit_linked(struct sources *s, struct batch *b)
{
	size_t len = 0, i, k;
	struct rec r;

	for (k = 0; k < s->nsrc; k++) {
		if (s->held[k].n == 0)
			return;
		if (s->held[k].n > len)
			len = s->held[k].n;
	}
	for (i = 0; i < len; i++) {
		row_reset(&s->row);
		for (k = 0; k < s->nsrc; k++)
			put_value(s, &s->held[k].v[i % s->held[k].n]);
		row_rec(&s->row, &r);
		if (!batch_add_rec(b, &r, now_ns()))
			return;
	}
}

void sources_emit_all(struct sources *s, struct batch *b)
{
	const struct held *h = &s->held[0];
	bool ok = true;

	if (s->link) {
		emit_linked(s, b);
		return;
	}
	for (size_t i = 0; i < h->n && ok; i++)
		ok = sources_plain(s) ? batch_add(b, h->v[i].s, h->v[i].len,
						  now_ns())
				      : sources_emit(s, b, h->v[i].s,
						     h->v[i].len, now_ns());
	if (ok)
		sources_end(s, b, now_ns());
}

bool sources_end(struct sources *s, struct batch *b, int64_t now)
{
	if (s->npend > 0)
		return flush_pending(s, b, now);
	if (s->first > 0 || s->nsrc == 1)
		return true;
	return sources_emit(s, b, "", 0, now);
}

void sources_release(struct sources *s)
{
	for (size_t i = 0; i < s->nsrc; i++) {
		free(s->held[i].v);
		free(s->held[i].data);
		free(s->headers[i]);
	}
	free(s->held);
	free(s->linked);
	free(s->pos);
	free(s->headers);
	free(s->names.name);
	colsep_release(&s->colsep);
	row_release(&s->row);
	strbuf_release(&s->pend);
	memset(s, 0, sizeof *s);
}
