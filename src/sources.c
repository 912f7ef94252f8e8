/*
 * sources.c - input sources, columns and the header (see sources.h).
 *
 * --header takes the first record as the columns' names, cut by --colsep,
 * or by a tab when no --colsep is given (as GNU parallel does: then the
 * records are cut by a tab too). It is read here, before any thread runs,
 * one byte at a time so that not a byte past it leaves the fd the reader
 * thread goes on with; the template needs the names to be compiled.
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
			warnx("reading records from the terminal (Ctrl-D to end)");
		return 0;
	}
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_USAGE, "cannot open '%s': %s", name, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		die(EXIT_USAGE, "cannot read '%s': %s", name, strerror(EISDIR));
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
			die(EXIT_USAGE, "cannot read the header: %s",
			    strerror(errno));
		if (n == 0)
			return b->len > 0;
		if (c == delim)
			return true;
		strbuf_addch(b, c);
	}
}

/* Cut the header record H into the columns' names. */
static void set_names(struct sources *s, char *h)
{
	struct row r;

	row_init(&r);
	row_cut(&r, &s->colsep, h, strlen(h));
	s->names.n = r.ncol;
	s->names.name = xcalloc(r.ncol, sizeof *s->names.name);
	/* each name ends where its separator began */
	for (size_t i = 0; i < r.ncol; i++) {
		((char *)r.col[i].s)[r.col[i].len] = '\0';
		s->names.name[i] = (char *)r.col[i].s;
	}
	row_release(&r);
}

static void read_header(struct sources *s, const struct opts *o)
{
	struct strbuf b;

	strbuf_init(&b, 64);    /* b.buf is malloc'd: s->header owns it */
	if (s->fd < 0) {
		if (s->nargs == 0)
			return;
		strbuf_add(&b, s->args[0], strlen(s->args[0]));
		s->args++;
		s->nargs--;
	} else if (!read_first(s->fd, o->delim, &b)) {
		strbuf_release(&b);
		return;
	}
	s->header = b.buf;
	set_names(s, s->header);
}

void sources_open(struct sources *s, const struct opts *o)
{
	const char *why;

	memset(s, 0, sizeof *s);
	row_init(&s->row);
	s->fd = o->have_args ? -1 : open_file(o->arg_file);
	s->args = o->args;
	s->nargs = o->nargs;
	if (o->colsep || o->header) {
		why = colsep_init(&s->colsep, o->colsep ? o->colsep : "\t");
		if (why)
			die(EXIT_USAGE, "--colsep '%s': %s", o->colsep, why);
	}
	if (o->header)
		read_header(s, o);
}

bool sources_plain(const struct sources *s)
{
	return !s->colsep.set;
}

bool sources_emit(struct sources *s, struct batch *b, const char *v,
		  size_t n, int64_t now)
{
	struct rec r;

	row_reset(&s->row);
	if (s->colsep.set)
		row_cut(&s->row, &s->colsep, v, n);
	else
		row_add(&s->row, v, n);
	row_rec(&s->row, &r);
	return batch_add_rec(b, &r, now);
}

void sources_release(struct sources *s)
{
	colsep_release(&s->colsep);
	row_release(&s->row);
	free(s->names.name);
	free(s->header);
	memset(s, 0, sizeof *s);
}
