/*
 * fuzz_options.c - libFuzzer target: the option parser (cli.c, cliwords.c).
 *
 * Input: the command-line words after "fanout", separated by NUL. Every
 * refusal ends in die(); set_exit_routine() brings it back here with
 * longjmp, so one process tries millions of command lines. A parse that
 * succeeds must leave options the rest of fanout can trust.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

#include "quiet.h"

#define MAX_WORDS 64

static jmp_buf back;

static _Noreturn void jump(int status)
{
	longjmp(back, status + 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int null = open("/dev/null", O_WRONLY);

	(void)argc, (void)argv;
	dup2(null, STDOUT_FILENO);      /* --help and --version print here */
	close(null);
	set_std_writer(&quiet);
	set_exit_routine(jump);
	return 0;
}

static void check(const struct opts *o)
{
	if (o->jobs < 1 || o->ncmd < 0 || o->nsrc < 0 || o->burst < 1 ||
	    o->batch < 1 || o->delim < 0 || o->delim > 255 || !o->repl ||
	    !o->repl[0] || o->buffer_size == 0)
		abort();
	for (int i = 0; i < o->ncmd; i++)
		if (!o->cmd[i])
			abort();
	if (o->ncmd > 0 && o->cmd[o->ncmd] != NULL)
		abort();
	for (int i = 0; i < o->nsrc; i++)
		for (int j = 0; o->src[i].is_args && j < o->src[i].nargs; j++)
			if (!o->src[i].args[j])
				abort();
	if (o->batch_timeout_ns < 0 || o->timeout_ns < 0 ||
	    o->kill_after_ns < 0 || o->retries < 0 || o->breaker < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	static char name[] = "fanout";
	char *data = malloc(n + 1), *argv[MAX_WORDS + 2];
	volatile int argc = 1;
	size_t start = 0;
	struct opts o;

	memcpy(data, in, n);
	data[n] = '\0';
	argv[0] = name;
	for (size_t i = 0; i <= n && argc <= MAX_WORDS; i++)
		if (i == n || data[i] == '\0') {
			data[i] = '\0';
			argv[argc++] = data + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	if (setjmp(back) == 0) {
		cli_parse(&o, argc, argv);
		check(&o);
	}
	free(data);
	return 0;
}
