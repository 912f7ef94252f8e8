/*
 * cli.c - option table, parsing and validation (see cli.h).
 *
 * A small hand-written parser rather than getopt_long: options stop at the
 * first word that is not an option (the COMMAND, as in xargs), clusters such
 * as -kj4 work, and each error names the option the user typed.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratelimit.h"
#include "util.h"

#ifndef FANOUT_VERSION
#define FANOUT_VERSION "0.1.0"
#endif

enum opt_id {
	O_BATCH = 1, O_BATCH_TIMEOUT, O_BREAKER, O_BREAKER_COOLDOWN, O_BUFFER_SIZE,
	O_BURST, O_ARG_FILE, O_DELIM, O_DRY_RUN, O_HALT, O_HELP, O_REPL, O_JOBS,
	O_JOBLOG, O_JSON_LOG, O_KEEP_ORDER, O_KILL_AFTER, O_LINE_BUFFER, O_NULL,
	O_PROGRESS, O_RATE, O_RESUME, O_RESUME_FAILED, O_RETRIES, O_RETRY_DELAY,
	O_SHELL, O_STATS, O_TAG, O_TIMEOUT, O_UNGROUP, O_VERBOSE, O_VERSION,
};

struct optdef {
	const char *lng;        /* long name without "--", NULL if none */
	char shrt;              /* short letter, 0 if none */
	enum opt_id id;
	const char *arg;        /* value's name in --help, NULL: a flag */
	const char *help;
};

/* Sorted as --help prints them; -P and --bar are aliases, not listed. */
static const struct optdef optdefs[] = {
	{ "arg-file", 'a', O_ARG_FILE, "FILE", "read records from FILE instead of stdin" },
	{ "batch", 'n', O_BATCH, "N", "up to N records per command" },
	{ "batch-timeout", 0, O_BATCH_TIMEOUT, "DUR", "flush a partial batch after DUR" },
	{ "breaker", 0, O_BREAKER, "N", "stop starting jobs after N failures in a row" },
	{ "breaker-cooldown", 0, O_BREAKER_COOLDOWN, "DUR", "wait DUR before a probe job (default 30s)" },
	{ "buffer-size", 0, O_BUFFER_SIZE, "SIZE", "held output in memory, the rest in TMPDIR (16M)" },
	{ "burst", 0, O_BURST, "B", "with --rate, up to B starts at once (default 1)" },
	{ "delimiter", 'd', O_DELIM, "DELIM", "records end with DELIM: a byte, \\n, \\t or \\0" },
	{ "dry-run", 0, O_DRY_RUN, NULL, "print each command instead of running it" },
	{ "halt", 0, O_HALT, "WHEN,fail=N", "stop after N failures: soon, or now (kill)" },
	{ "help", 'h', O_HELP, NULL, "show this help and exit" },
	{ NULL, 'I', O_REPL, "STR", "use STR instead of {} for the record" },
	{ "jobs", 'j', O_JOBS, "N", "N at once, or N% of CPUs (default: all; -P too)" },
	{ "joblog", 0, O_JOBLOG, "FILE", "log each job to FILE (GNU parallel's columns)" },
	{ "json-log", 0, O_JSON_LOG, "FILE", "log each job attempt to FILE as JSON lines" },
	{ "keep-order", 'k', O_KEEP_ORDER, NULL, "write outputs in input order" },
	{ "kill-after", 0, O_KILL_AFTER, "DUR", "SIGKILL a job DUR after SIGTERM (default 2s)" },
	{ "line-buffer", 0, O_LINE_BUFFER, NULL, "pass output on a whole line at a time" },
	{ "null", '0', O_NULL, NULL, "records end with NUL, not newline" },
	{ "progress", 0, O_PROGRESS, NULL, "progress line on stderr (a tty; --bar too)" },
	{ "rate", 0, O_RATE, "N/UNIT", "at most N starts per UNIT: 10/s, 600/m, 5/100ms" },
	{ "resume", 0, O_RESUME, NULL, "with --joblog, skip jobs the log has as done" },
	{ "resume-failed", 0, O_RESUME_FAILED, NULL, "like --resume, but run failed jobs again" },
	{ "retries", 0, O_RETRIES, "N", "run a failed job up to N more times" },
	{ "retry-delay", 0, O_RETRY_DELAY, "DUR", "backoff before a retry, doubling (default 1s)" },
	{ "shell", 's', O_SHELL, NULL, "COMMAND is one sh script, records quoted in" },
	{ "stats", 0, O_STATS, NULL, "print a summary of the run on stderr at the end" },
	{ "tag", 0, O_TAG, NULL, "prefix output lines with the record and a tab" },
	{ "timeout", 0, O_TIMEOUT, "DUR", "SIGTERM a job's process group after DUR" },
	{ "ungroup", 'u', O_UNGROUP, NULL, "jobs write straight to stdout and stderr" },
	{ "verbose", 'v', O_VERBOSE, NULL, "print each command on stderr as it starts" },
	{ "version", 'V', O_VERSION, NULL, "show the version and exit" },
};

static const char usage_line[] =
	"usage: fanout [OPTIONS] [--] [COMMAND [ARG...]] [::: ARG...]\n";

static void help(void)
{
	char buf[64];

	fputs(usage_line, stdout);
	fputs("Run COMMAND once per input record, N at a time; with no COMMAND,\n"
	      "each record is a shell command line.\n\n"
	      "Replacement strings: {} record, {.} without extension, {/} basename,\n"
	      "{//} dirname, {/.} basename without extension, {#} sequence number,\n"
	      "{%} worker slot. Durations: 250ms, 1.5s, 2m, 1h (bare: seconds).\n\n"
	      "Options:\n", stdout);
	for (size_t i = 0; i < sizeof optdefs / sizeof optdefs[0]; i++) {
		const struct optdef *d = &optdefs[i];
		int n = 0;

		if (d->shrt && d->lng)
			n = snprintf(buf, sizeof buf, "-%c, --%s", d->shrt, d->lng);
		else if (d->shrt)
			n = snprintf(buf, sizeof buf, "-%c", d->shrt);
		else
			n = snprintf(buf, sizeof buf, "    --%s", d->lng);
		if (d->arg)
			snprintf(buf + n, sizeof buf - n, " %s", d->arg);
		printf("  %-30s %s\n", buf, d->help);
	}
	fputs("\nExit status: 0 all jobs succeeded, 1 some job failed, 2 usage error,\n"
	      "3 fanout could not go on, 128+N stopped by signal N.\n"
	      "See fanout(1) for more.\n", stdout);
}

int cli_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* The name the user typed, for messages: "-j" or "--jobs". */
static void optname(char *buf, size_t n, const struct optdef *d, int is_long)
{
	if (is_long)
		snprintf(buf, n, "--%s", d->lng);
	else
		snprintf(buf, n, "-%c", d->shrt);
}

static long long num_arg(const char *name, const char *v, long long min,
			 long long max)
{
	const char *errstr;
	long long n = parse_num(v, min, max, &errstr);

	if (errstr) {
		if (strcmp(errstr, "too small") == 0)
			die(EXIT_USAGE, "%s %s: must be at least %lld", name, v, min);
		if (strcmp(errstr, "too large") == 0)
			die(EXIT_USAGE, "%s %s: must be at most %lld", name, v, max);
		die(EXIT_USAGE, "%s '%s': not a whole number", name, v);
	}
	return n;
}

static int64_t dur_arg(const char *name, const char *v, int allow_zero)
{
	int64_t ns;
	const char *why = parse_duration(v, &ns);

	if (why)
		die(EXIT_USAGE, "%s '%s': %s", name, v, why);
	if (!allow_zero && ns == 0)
		die(EXIT_USAGE, "%s '%s': must be more than 0", name, v);
	return ns;
}

/* "64M", "1G", "512K", "1000" (bytes). */
static size_t size_arg(const char *name, const char *v)
{
	char *end;
	unsigned long long n;
	unsigned long long mul = 1;

	if (!(*v >= '0' && *v <= '9'))
		die(EXIT_USAGE, "%s '%s': not a size (try 64M)", name, v);
	n = strtoull(v, &end, 10);
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' && end[1] == 'B' ? 2 : 1;
	if (*end || n == 0 || n > (1ULL << 50) / mul)
		die(EXIT_USAGE, "%s '%s': not a size (try 64M)", name, v);
	return (size_t)(n * mul);
}

static int delim_arg(const char *name, const char *v)
{
	if (v[0] && !v[1])
		return (unsigned char)v[0];
	if (v[0] == '\\' && v[2] == '\0') {
		switch (v[1]) {
		case 'n': return '\n';
		case 't': return '\t';
		case '0': return '\0';
		case '\\': return '\\';
		}
	}
	die(EXIT_USAGE, "%s '%s': must be one character, \\n, \\t, \\0 or \\\\",
	    name, v);
}

static void halt_arg(struct opts *o, const char *name, const char *v)
{
	const char *rest;

	if (strncmp(v, "soon,fail=", 10) == 0) {
		o->halt = HALT_SOON;
		rest = v + 10;
	} else if (strncmp(v, "now,fail=", 9) == 0) {
		o->halt = HALT_NOW;
		rest = v + 9;
	} else {
		die(EXIT_USAGE, "%s '%s': must be soon,fail=N or now,fail=N",
		    name, v);
	}
	o->halt_fail = (int)num_arg(name, rest, 1, 1000000000);
}

static void jobs_arg(struct opts *o, const char *name, const char *v)
{
	size_t n = strlen(v);

	if (n > 1 && v[n - 1] == '%') {
		char num[32];
		long long pct;

		if (n >= sizeof num)
			die(EXIT_USAGE, "%s '%s': not a whole number", name, v);
		memcpy(num, v, n - 1);
		num[n - 1] = '\0';
		pct = num_arg(name, num, 1, 100000);
		o->jobs = (int)(cli_ncpus() * pct / 100);
		if (o->jobs < 1)
			o->jobs = 1;
		return;
	}
	o->jobs = (int)num_arg(name, v, 1, 4096);
}

static void apply(struct opts *o, const struct optdef *d, const char *name,
		  const char *v)
{
	switch (d->id) {
	case O_ARG_FILE: o->arg_file = v; break;
	case O_BATCH: o->batch = (size_t)num_arg(name, v, 1, 1000000); break;
	case O_BATCH_TIMEOUT: o->batch_timeout_ns = dur_arg(name, v, 0); break;
	case O_BREAKER: o->breaker = (int)num_arg(name, v, 1, 1000000000); break;
	case O_BREAKER_COOLDOWN: o->breaker_cooldown_ns = dur_arg(name, v, 0); break;
	case O_BUFFER_SIZE: o->buffer_size = size_arg(name, v); break;
	case O_BURST: o->burst = num_arg(name, v, 1, 1000000000); break;
	case O_DELIM: o->delim = delim_arg(name, v); break;
	case O_DRY_RUN: o->dry_run = true; break;
	case O_HALT: halt_arg(o, name, v); break;
	case O_HELP: help(); exit(EXIT_OK);
	case O_REPL:
		if (!*v)
			die(EXIT_USAGE, "%s: must not be empty", name);
		o->repl = v;
		break;
	case O_JOBS: jobs_arg(o, name, v); break;
	case O_JOBLOG: o->joblog = v; break;
	case O_JSON_LOG: o->json_log = v; break;
	case O_KEEP_ORDER: o->keep_order = true; break;
	case O_KILL_AFTER: o->kill_after_ns = dur_arg(name, v, 0); break;
	case O_LINE_BUFFER: o->out = OUT_LINE; break;
	case O_NULL: o->delim = '\0'; break;
	case O_PROGRESS: o->progress = true; break;
	case O_RATE: {
		const char *why = rl_parse(v, &o->rate_count, &o->rate_per_ns);

		if (why)
			die(EXIT_USAGE, "%s '%s': %s", name, v, why);
		o->rate = true;
		break;
	}
	case O_RESUME: o->resume = true; break;
	case O_RESUME_FAILED: o->resume_failed = true; break;
	case O_RETRIES: o->retries = (int)num_arg(name, v, 0, 1000000); break;
	case O_RETRY_DELAY: o->retry_delay_ns = dur_arg(name, v, 1); break;
	case O_SHELL: o->shell = true; break;
	case O_STATS: o->stats = true; break;
	case O_TAG: o->tag = true; break;
	case O_TIMEOUT: o->timeout_ns = dur_arg(name, v, 0); break;
	case O_UNGROUP: o->out = OUT_UNGROUP; break;
	case O_VERBOSE: o->verbose = true; break;
	case O_VERSION: printf("fanout %s\n", FANOUT_VERSION); exit(EXIT_OK);
	}
}

static const struct optdef *find_long(const char *s, size_t n)
{
	static const struct optdef alias_bar = { "bar", 0, O_PROGRESS, NULL, NULL };

	if (n == 3 && strncmp(s, "bar", 3) == 0)
		return &alias_bar;
	for (size_t i = 0; i < sizeof optdefs / sizeof optdefs[0]; i++)
		if (optdefs[i].lng && strlen(optdefs[i].lng) == n &&
		    strncmp(optdefs[i].lng, s, n) == 0)
			return &optdefs[i];
	return NULL;
}

static const struct optdef *find_short(char c)
{
	if (c == 'P')
		c = 'j';
	for (size_t i = 0; i < sizeof optdefs / sizeof optdefs[0]; i++)
		if (optdefs[i].shrt == c)
			return &optdefs[i];
	return NULL;
}

/* Checks that need the whole command line. */
static void validate(struct opts *o)
{
	if (o->burst && !o->rate)
		die(EXIT_USAGE, "--burst needs --rate");
	if (!o->burst)
		o->burst = 1;
	if (o->batch_timeout_ns && o->batch <= 1)
		die(EXIT_USAGE, "--batch-timeout needs --batch N with N above 1");
	if (o->breaker_cooldown_ns && !o->breaker)
		die(EXIT_USAGE, "--breaker-cooldown needs --breaker");
	if (o->retry_delay_ns && !o->retries)
		die(EXIT_USAGE, "--retry-delay needs --retries");
	if ((o->resume || o->resume_failed) && !o->joblog)
		die(EXIT_USAGE, "--resume needs --joblog FILE");
	if (o->shell && o->ncmd == 0)
		die(EXIT_USAGE, "--shell needs a COMMAND");
	if (o->tag && o->out == OUT_UNGROUP)
		die(EXIT_USAGE, "--tag cannot be used with --ungroup");
	if (o->keep_order && o->out == OUT_UNGROUP)
		die(EXIT_USAGE, "--keep-order cannot be used with --ungroup");
	if (o->have_args && o->arg_file)
		die(EXIT_USAGE, "::: and --arg-file cannot be used together");
}

void cli_parse(struct opts *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof *o);
	o->jobs = cli_ncpus();
	o->repl = "{}";
	o->delim = '\n';
	o->batch = 1;
	o->kill_after_ns = 2 * NS_PER_SEC;
	o->buffer_size = 16u << 20;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, ":::") == 0 || a[0] != '-' || a[1] == '\0')
			break;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct optdef *d = find_long(a + 2, n);
			char name[64];
			const char *v = NULL;

			if (!d)
				die(EXIT_USAGE, "unknown option '%.*s' (see --help)",
				    (int)(n + 2), a);
			optname(name, sizeof name, d, 1);
			if (d->arg) {
				if (eq)
					v = eq + 1;
				else if (i + 1 < argc)
					v = argv[++i];
				else
					die(EXIT_USAGE, "%s needs a value (%s)", name, d->arg);
			} else if (eq) {
				die(EXIT_USAGE, "%s takes no value", name);
			}
			apply(o, d, name, v);
			continue;
		}
		/* A cluster of short options: -kj4, -j 4, -0k. */
		for (const char *p = a + 1; *p; p++) {
			const struct optdef *d = find_short(*p);
			char name[8];

			if (!d)
				die(EXIT_USAGE, "unknown option '-%c' (see --help)", *p);
			snprintf(name, sizeof name, "-%c", *p);
			if (d->arg) {
				const char *v;

				if (p[1])
					v = p + 1;
				else if (i + 1 < argc)
					v = argv[++i];
				else
					die(EXIT_USAGE, "%s needs a value (%s)", name, d->arg);
				apply(o, d, name, v);
				break;
			}
			apply(o, d, name, NULL);
		}
	}

	/* COMMAND [ARG...] up to an optional ":::", then the records. */
	o->cmd = argv + i;
	o->ncmd = 0;
	while (i + o->ncmd < argc && strcmp(argv[i + o->ncmd], ":::") != 0)
		o->ncmd++;
	if (i + o->ncmd < argc) {
		o->have_args = true;
		o->args = argv + i + o->ncmd + 1;
		o->nargs = argc - (i + o->ncmd + 1);
		argv[i + o->ncmd] = NULL;      /* terminate COMMAND's argv */
	}
	validate(o);
}
