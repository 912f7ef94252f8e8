/*
 * cliwords.c - COMMAND, its input source, and the GNU parallel forms that
 * are refused (see cliwords.h).
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

void cliwords_split(struct opts *o, int argc, char **argv, int i)
{
	int s = i, j;
	const char *sep;

	while (s < argc && !is_sep(argv[s]))
		s++;
	o->cmd = argv + i;
	o->ncmd = s - i;
	if (s == argc)
		return;
	sep = argv[s];
	argv[s] = NULL;
	if (is_linked(sep))
		die(EXIT_USAGE, "'%s': linked input sources are not supported yet",
		    sep);
	for (j = s + 1; j < argc; j++) {
		if (!is_sep(argv[j]))
			continue;
		if (is_linked(argv[j]))
			die(EXIT_USAGE, "'%s': linked input sources are not "
			    "supported yet", argv[j]);
		die(EXIT_USAGE, "'%s' after '%s': several input sources are not "
		    "supported yet", argv[j], sep);
	}
	if (strcmp(sep, ":::") == 0) {
		o->have_args = true;
		o->args = argv + s + 1;
		o->nargs = argc - (s + 1);
		return;
	}
	/* ":::: FILE" is GNU parallel's other spelling of --arg-file FILE. */
	if (s + 1 == argc)
		die(EXIT_USAGE, "'::::' needs a FILE");
	if (s + 2 < argc)
		die(EXIT_USAGE, "'::::' with %d files: several input sources are "
		    "not supported yet", argc - (s + 1));
	if (o->arg_file)
		die(EXIT_USAGE, ":::: and --arg-file cannot be used together");
	o->arg_file = argv[s + 1];
}
