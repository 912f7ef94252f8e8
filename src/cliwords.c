/*
 * cliwords.c - COMMAND and the input sources after it (see cliwords.h).
 *
 * The separators are whole words, as in GNU parallel: ":::" inside a word
 * is plain text. argv is changed in one place: the separator after COMMAND
 * becomes NULL, which terminates COMMAND's argv for exec.
 */
#include "cliwords.h"

#include <string.h>

#include "util.h"

/* GNU parallel's separators: ::: ARGS, :::: FILES, and the linked forms. */
static int is_sep(const char *w)
{
	return strcmp(w, ":::") == 0 || strcmp(w, "::::") == 0 ||
	       strcmp(w, ":::+") == 0 || strcmp(w, "::::+") == 0;
}

static int is_linked(const char *sep)
{
	return sep[strlen(sep) - 1] == '+';
}

/*
 * The sources live in one array for the run, reused if the options are
 * parsed again (the fuzzer does): it stays reachable, never leaks.
 */
static struct source *pool;
static size_t poolcap;

static struct source *add_source(struct opts *o)
{
	if ((size_t)o->nsrc == poolcap) {
		poolcap = poolcap ? 2 * poolcap : 8;
		pool = xrealloc(pool, poolcap * sizeof *pool);
	}
	o->src = pool;
	memset(&o->src[o->nsrc], 0, sizeof o->src[0]);
	return &o->src[o->nsrc++];
}

void cliwords_add_file(struct opts *o, const char *file, bool linked)
{
	struct source *s = add_source(o);

	s->file = file;
	s->linked = linked;
}

/* The words ARGV[S + 1 .. E) after separator ARGV[S], as source(s). */
static void take_source(struct opts *o, char **argv, int s, int e)
{
	const char *sep = argv[s];
	bool linked = is_linked(sep);
	struct source *src;

	if (linked && o->nsrc == 0)
		die(EXIT_USAGE, "'%s' links to the input source before it, "
		    "and there is none", sep);
	if (sep[3] == ':') {
		if (e == s + 1)
			die(EXIT_USAGE, "'%s' needs a FILE", sep);
		/* each file is a source; "::::+ A B" links A only */
		for (int j = s + 1; j < e; j++)
			cliwords_add_file(o, argv[j], linked && j == s + 1);
		return;
	}
	src = add_source(o);
	src->args = argv + s + 1;
	src->nargs = e - (s + 1);
	src->is_args = true;
	src->linked = linked;
}

void cliwords_split(struct opts *o, int argc, char **argv, int i)
{
	int s = i, e;

	while (s < argc && !is_sep(argv[s]))
		s++;
	o->cmd = argv + i;
	o->ncmd = s - i;
	while (s < argc) {
		for (e = s + 1; e < argc && !is_sep(argv[e]); e++)
			;
		take_source(o, argv, s, e);
		argv[s] = NULL;
		s = e;
	}
}
