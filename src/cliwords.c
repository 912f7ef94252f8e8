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

/*
 * The length of the positional replacement string at S ({N}, {-N}, {N.},
 * {N/}, {N//}, {N/.}), 0 if there is none; *SFX points after the number.
 */
static size_t positional(const char *s, const char **sfx)
{
	static const char *const ends[] = { "}", ".}", "/}", "//}", "/.}" };
	const char *p = s + 1;

	if (*s != '{')
		return 0;
	if (*p == '-')
		p++;
	if (!(*p >= '1' && *p <= '9'))
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	*sfx = p;
	for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++)
		if (strncmp(p, ends[k], strlen(ends[k])) == 0)
			return (size_t)(p - s) + strlen(ends[k]);
	return 0;
}

void cliwords_check(const struct opts *o)
{
	size_t rlen = strlen(o->repl);

	for (int i = 0; i < o->ncmd; i++) {
		const char *w = o->cmd[i];

		for (size_t k = 0; w[k]; k++) {
			const char *sfx;
			size_t n;

			if (strncmp(w + k, o->repl, rlen) == 0) {
				k += rlen - 1;
				continue;
			}
			/* ${1} is the shell's, in a script for sh -c. */
			if (k > 0 && w[k - 1] == '$')
				continue;
			n = positional(w + k, &sfx);
			if (!n)
				continue;
			/* With one input source, {1.} is {.}, {1} is {}. */
			if (*sfx == '}')
				die(EXIT_USAGE, "'%.*s': positional replacement "
				    "strings are not supported yet; with one "
				    "input source write '%s'", (int)n, w + k,
				    o->repl);
			die(EXIT_USAGE, "'%.*s': positional replacement strings "
			    "are not supported yet; with one input source "
			    "write '{%.*s'", (int)n, w + k,
			    (int)(n - (size_t)(sfx - (w + k))), sfx);
		}
	}
}
