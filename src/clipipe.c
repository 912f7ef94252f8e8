/*
 * clipipe.c - checks of the --pipe options (see clipipe.h).
 */
#include "clipipe.h"

#include <string.h>

#include "util.h"

char *clipipe_string(const char *name, const char *v, size_t *len)
{
	char *s = xmalloc(strlen(v) + 1);
	size_t n = 0;

	if (!*v)
		die(EXIT_USAGE, "%s: must not be empty", name);
	for (; *v; v++) {
		if (*v == '\\' && v[1] && strchr("ntr0\\", v[1])) {
			v++;
			s[n++] = *v == 'n' ? '\n' : *v == 't' ? '\t'
			       : *v == 'r' ? '\r' : *v == '0' ? '\0' : '\\';
		} else {
			s[n++] = *v;
		}
	}
	*len = n;
	return s;
}

/* A replacement string for the record: there is none with --pipe. */
static const char *record_placeholder(const struct opts *o, const char *w)
{
	static const char *const others[] = { "{.}", "{/}", "{//}", "{/.}" };

	if (strstr(w, o->repl))
		return o->repl;
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (strstr(w, others[i]))
			return others[i];
	return NULL;
}

void clipipe_check(struct opts *o)
{
	if (!o->pipe) {
		/* (--round-robin sets --pipe: it cannot be here.) */
		if (o->block_size || o->recend || o->recstart ||
		    o->pipe_header)
			die(EXIT_USAGE, "--%s needs --pipe%s",
			    o->block_size ? "block" : o->recend ? "recend"
			    : o->recstart ? "recstart" : "header N",
			    o->pipe_header ? " (without it, only ':')" : "");
		return;
	}
	/* GNU parallel's --pipe --header : is the first line. */
	if (o->header) {
		o->pipe_header = 1;
		o->header = NULL;
	}
	if (o->nsrc > 1 || (o->nsrc == 1 && o->src[0].is_args))
		die(EXIT_USAGE, "--pipe cannot be used with ::: (the blocks "
		    "come from stdin or --arg-file)");
	/* -N N: N records a block (no {1}..{N}: there are no records). */
	if (o->per_job) {
		o->records = o->per_job;
		o->per_job = 0;
	}
	if (o->ncmd == 0)
		die(EXIT_USAGE, "--pipe needs a COMMAND to read each block");
	for (int i = 0; i < o->ncmd; i++) {
		const char *ph = record_placeholder(o, o->cmd[i]);

		if (ph)
			die(EXIT_USAGE, "'%s' has no meaning with --pipe: each "
			    "job reads its block on stdin ({#} numbers it)", ph);
	}
	if (!o->block_size) {
		o->block_size = 1u << 20;
		o->block_auto = true;   /* -a FILE: see main.c's pipe_conf() */
	}
	if (!o->recend && !o->recstart) {
		o->recend = "\n";
		o->recendlen = 1;
	}
}
