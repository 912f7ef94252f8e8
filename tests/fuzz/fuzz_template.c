/*
 * fuzz_template.c - libFuzzer target: the template compiler and expander
 * (template.c, shlex.c, shquote.c), all three modes.
 *
 * Input: byte 0 picks the mode, byte 1 the replacement string (-I), bytes
 * 2-9 the sequence number; then the COMMAND words separated by NUL up to a
 * 0xff byte; then the records separated by NUL (at most 16).
 *
 * Beyond "no crash, no leak, no undefined behaviour", it checks what the
 * rest of fanout relies on: argv is NULL-terminated with argv[0] set, the
 * --shell script gets the same number of parameters for each record, and
 * the command line never costs more than tmpl_costs() promised (batch.c
 * cuts batches by those bounds; an underestimate is an "argument list too
 * long" at run time).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "template.h"

#define MAX_WORDS 32
#define MAX_RECS 16

static const char *const repls[] = { "{}", "%", "{x}", "@@" };

/* Split DATA[0..N) at SEP into at most MAX pieces, each NUL-terminated. */
static size_t pieces(char *data, size_t n, char **out, size_t max)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= n && k < max; i++)
		if (i == n || data[i] == '\0') {
			data[i] = '\0';
			out[k++] = data + start;
			start = i + 1;
		}
	return k;
}

static void check_costs(const struct tmpl *t, char **argv,
			const struct rec *recs, size_t nrec)
{
	struct batch_costs c;
	size_t used = 0, bound;

	tmpl_costs(t, &c);
	for (char **a = argv; *a; a++)
		used += strlen(*a) + 1 + sizeof(char *);
	used += sizeof(char *);
	bound = c.line_base;
	for (size_t i = 0; i < nrec; i++)
		bound += c.line_byte * recs[i].len + c.line_rec +
			 c.line_col * (recs[i].ncol ? recs[i].ncol : 1);
	if (used > bound) {
		fprintf(stderr, "command line costs %zu, bound %zu\n", used,
			bound);
		abort();
	}
}

/*
 * --shell: /bin/sh -c SCRIPT sh, then the same number of values (the kinds
 * of replacement string the script uses) for each record.
 */
static void check_shell(char **argv, size_t nrec)
{
	size_t argc = 0;

	while (argv[argc])
		argc++;
	if (argc < 4 || strcmp(argv[0], "/bin/sh") != 0 ||
	    strcmp(argv[1], "-c") != 0 || strcmp(argv[3], "sh") != 0 ||
	    (argc - 4) % nrec != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	enum tmpl_mode mode;
	const char *repl;
	uint64_t seq = 0;
	char *data, *words[MAX_WORDS], *recv[MAX_RECS];
	const uint8_t *sep;
	size_t nwords = 0, nrec, wlen;
	struct rec recs[MAX_RECS] = { { 0 } };
	struct tmpl t;
	struct argvbuf ab;
	char **argv;

	if (n < 10)
		return 0;
	mode = (enum tmpl_mode)(in[0] % 3);
	repl = repls[in[1] % 4];
	memcpy(&seq, in + 2, sizeof seq);
	in += 10;
	n -= 10;
	sep = memchr(in, 0xff, n);
	wlen = sep ? (size_t)(sep - in) : n;

	data = malloc(n + 1);
	memcpy(data, in, n);
	data[n] = '\0';
	if (mode != TMPL_LINE && wlen > 0)
		nwords = pieces(data, wlen, words, MAX_WORDS);
	if (mode != TMPL_LINE && nwords == 0) {
		free(data);
		return 0;
	}
	nrec = sep ? pieces(data + wlen + 1, n - wlen - 1, recv, MAX_RECS) : 0;
	for (size_t i = 0; i < nrec; i++) {
		recs[i].s = recv[i];
		recs[i].len = strlen(recv[i]);
	}
	if (nrec == 0) {
		recs[0].s = "";
		recs[0].len = 0;
		nrec = 1;
	}

	if (tmpl_compile(&t, mode, words, (int)nwords, repl) != NULL) {
		free(data);
		return 0;
	}
	argvbuf_init(&ab);
	argv = tmpl_expand(&t, &ab, recs, nrec, seq, 1);
	if (!argv || !argv[0])
		abort();
	check_costs(&t, argv, recs, nrec);
	if (mode == TMPL_SHELL)
		check_shell(argv, nrec);
	free(tmpl_describe(&t, argv, recs, nrec, seq, 1));
	if (mode == TMPL_SHELL)
		free(tmpl_shell_display(&t, recs, nrec, seq, 1));
	argvbuf_release(&ab);
	tmpl_release(&t);
	free(data);
	return 0;
}
