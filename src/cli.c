/*
 * cli.c - option table, parsing and validation (see cli.h); what each
 * option stores is in cliapply.c, the parsers of option values in
 * clivalues.c.
 *
 * A small hand-written parser rather than getopt_long: options stop at the
 * first word that is not an option (the COMMAND, as in xargs), clusters such
 * as -kj4 work, and each error names the option the user typed.
 *
 * What GNU parallel and xargs users type by habit (issue 12) is either an
 * alias with exactly its option's meaning, listed under that option in
 * --help, or refused with exit status 2 and a hint. Options that contradict
 * each other are refused too: the last one never silently wins.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliapply.h"
#include "clipipe.h"
#include "clivalues.h"
#include "cliwords.h"
#include "cpus.h"
#include "util.h"

#ifndef FANOUT_VERSION
#define FANOUT_VERSION "0.1.0"
#endif

/* Which options were given, a bit per opt_id (cliapply.h): for conflicts. */
struct optset {
	uint64_t w[4];
};
_Static_assert(O_END <= 4 * 64, "opt_id must fit struct optset");

static int has(const struct optset *s, enum opt_id id)
{
	return (s->w[id / 64] >> (id % 64)) & 1;
}

static void add(struct optset *s, enum opt_id id)
{
	s->w[id / 64] |= (uint64_t)1 << (id % 64);
}

struct optdef {
	const char *lng;        /* long name without "--", NULL if none */
	char shrt;              /* short letter, 0 if none */
	enum opt_id id;
	const char *arg;        /* value's name in --help, NULL: a flag */
	const char *help;       /* a '\n' continues it on the next line */
};

/* Sorted as --help prints them; the aliases below are listed under them. */
static const struct optdef optdefs[] = {
	{ "adaptive", 0, O_ADAPTIVE, "MAX", "as -j auto, with at most MAX jobs at once" },
	{ "arg-file", 'a', O_ARG_FILE, "FILE", "read records from FILE instead of stdin" },
	{ "batch", 'n', O_BATCH, "N", "up to N records per command (--pipe: a block)" },
	{ "batch-timeout", 0, O_BATCH_TIMEOUT, "DUR", "flush a partial batch after DUR" },
	{ "block", 0, O_BLOCK, "SIZE", "--pipe: blocks of about SIZE bytes (default 1M,\n"
						"or 10 a job slot of an -a FILE)" },
	{ "breaker", 0, O_BREAKER, "N", "stop starting jobs after N failures in a row" },
	{ "breaker-cooldown", 0, O_BREAKER_COOLDOWN, "DUR", "wait DUR before a probe job (default 30s)" },
	{ "buffer-size", 0, O_BUFFER_SIZE, "SIZE", "held output in memory, the rest in TMPDIR (16M)" },
	{ "burst", 0, O_BURST, "B", "with --rate, up to B starts at once (default 1)" },
	{ "colsep", 'C', O_COLSEP, "REGEX", "cut each record into columns {1} {2} ... at REGEX" },
	{ "controlmaster", 'M', O_CONTROLMASTER, NULL, "accepted: ssh connections are always shared" },
	{ "delay", 0, O_DELAY, "DUR", "at least DUR between two job starts" },
	{ "delimiter", 'd', O_DELIM, "DELIM", "records end with DELIM: a byte, \\n, \\t or \\0" },
	{ "dry-run", 0, O_DRY_RUN, NULL, "print each command instead of running it" },
	{ "env", 0, O_ENV, "NAME", "copy variable NAME to remote jobs (local ones have all)" },
	{ "files", 0, O_FILES, NULL, "print the name of a file in TMPDIR holding\n"
				    "each job's stdout, not the stdout" },
	{ "filter-hosts", 0, O_FILTER_HOSTS, NULL, "accepted: hosts are always checked" },
	{ "group", 0, O_GROUP, NULL, "each job's output in one piece (the default)" },
	{ "halt", 0, O_HALT, "WHEN,WHY=N", "stop soon, or now (kill), after N (or N%)\n"
				   "jobs fail, succeed or are done" },
	{ "header", 0, O_HEADER, ":|N", "the first record names the columns: {name};\n"
				       "with --pipe: N lines head every block" },
	{ "help", 'h', O_HELP, NULL, "show this help and exit" },
	{ NULL, 'I', O_REPL, "STR", "use STR instead of {} for the record" },
	{ "jobs", 'j', O_JOBS, "N", "N at once (default: CPUs), N% or +N/-N of\n"
				     "CPUs, 0: as many as open files allow, or\n"
				     "auto: as many as keep latency near its best" },
	{ "joblog", 0, O_JOBLOG, "FILE", "log each job to FILE (GNU parallel's columns);\n"
					 "+FILE appends" },
	{ "json-log", 0, O_JSON_LOG, "FILE", "log each job attempt to FILE as JSON lines" },
	{ "keep-order", 'k', O_KEEP_ORDER, NULL, "write outputs in input order" },
	{ "kill-after", 0, O_KILL_AFTER, "DUR", "SIGKILL a job DUR after SIGTERM (default 2s)" },
	{ "load", 0, O_LOAD, "N", "start no job while the load average is above N\n"
				"(or N% of the CPUs)" },
	{ NULL, 'L', O_LINES, "N", "up to N input lines per command (as --batch)" },
	{ "line-buffer", 0, O_LINE_BUFFER, NULL, "pass output on a whole line at a time" },
	{ "link", 0, O_LINK, NULL, "link all input sources: n-th with n-th" },
	{ NULL, 'm', O_MULTI, NULL, "as many records a command as fit; {} is\n"
				    "all of them: pre-{}-post is pre-a b c-post" },
	{ NULL, 'N', O_PER_JOB, "N", "N records a command, named {1} .. {N}" },
	{ "memfree", 0, O_MEMFREE, "SIZE", "start no job while less memory is available;\nbelow half, stop the youngest and run it later" },
	{ "nice", 0, O_NICE, "N", "run the jobs at niceness N (19: lowest priority)" },
	{ "no-run-if-empty", 'r', O_NO_RUN_IF_EMPTY, NULL, "accepted: empty input never runs a job" },
	{ "null", '0', O_NULL, NULL, "records end with NUL, not newline" },
	{ "overload-exit", 0, O_OVERLOAD_EXIT, "LIST", "with -j auto, exit statuses that mean overload:\n"
							  "75,99 (timeouts always do)" },
	{ "pipe", 0, O_PIPE, NULL, "cut stdin into blocks of records, each block\n"
				    "the stdin of one job" },
	{ "progress", 0, O_PROGRESS, NULL, "progress line with ETA on stderr (a tty)" },
	{ "quiet-failures", 0, O_QUIET_FAILURES, NULL, "do not name each failed job on stderr" },
	{ "rate", 0, O_RATE, "N/UNIT", "at most N starts per UNIT: 10/s, 600/m, 5/100ms" },
	{ "recend", 0, O_RECEND, "STR", "--pipe: records end with STR (default \\n)" },
	{ "recstart", 0, O_RECSTART, "STR", "--pipe: records start with STR" },
	{ "results", 0, O_RESULTS, "DIR", "also keep each job's output in DIR/SEQ/stdout\n"
					 "and DIR/SEQ/stderr" },
	{ "resume", 0, O_RESUME, NULL, "with --joblog, skip jobs the log has as done" },
	{ "resume-failed", 0, O_RESUME_FAILED, NULL, "like --resume, but run failed jobs again" },
	{ "retries", 0, O_RETRIES, "N", "run a failed job up to N more times" },
	{ "retry-delay", 0, O_RETRY_DELAY, "DUR", "backoff before a retry, doubling (default 1s)" },
	{ "rlimit", 0, O_RLIMIT, "LIMITS", "limits in each job: as, cpu, fsize, nofile,\n"
						"nproc, core, stack, data (cpu=10,as=2G)" },
	{ "round-robin", 0, O_ROUND_ROBIN, NULL, "--pipe with only -j jobs, each reading block\n"
					      "after block (implies --pipe)" },
	{ "shard", 0, O_SHARD, "K/N", "run only jobs K, K+N, K+2N, ... (K from 0), one\n"
				   "part of N: one fanout per node (Slurm)" },
	{ "shell", 's', O_SHELL, NULL, "COMMAND is one sh script, records quoted in" },
	{ "ssh", 0, O_SSH, "CMD", "ssh command for remote jobs (default: ssh)" },
	{ "ssh-give-up", 0, O_SSH_GIVE_UP, "DUR", "end the run when every host is down for DUR (5m)" },
	{ "sshlogin", 'S', O_SSHLOGIN, "LOGINS", "run jobs on [N/][user@]host[:port],...; ':'\n"
					     "is this machine (repeatable)" },
	{ "sshloginfile", 0, O_SSHLOGINFILE, "FILE", "sshlogins from FILE, one a line; '-': stdin" },
	{ "stats", 0, O_STATS, NULL, "print a summary of the run on stderr at the end" },
	{ "tag", 0, O_TAG, NULL, "prefix output lines with the record and a tab" },
	{ "tagstring", 0, O_TAGSTRING, "STR", "as --tag, with STR and its replacement\n"
					      "strings ({#}, {1}, ...) as the tag" },
	{ "timeout", 0, O_TIMEOUT, "DUR", "SIGTERM a job's process group after DUR" },
	{ "tmpdir", 0, O_TMPDIR, "DIR", "held output spills to DIR (sets TMPDIR)" },
	{ "ungroup", 'u', O_UNGROUP, NULL, "jobs write straight to stdout and stderr" },
	{ "verbose", 'v', O_VERBOSE, NULL, "print each command on stderr as it starts" },
	{ "version", 'V', O_VERSION, NULL, "show the version and exit" },
	{ "workdir", 0, O_WORKDIR, "DIR", "jobs run in DIR; '.': this one (remote: under $HOME)" },
	{ NULL, 'X', O_CONTEXT, NULL, "as many records a command as fit; a word\n"
				      "with {} repeats: x{}y is xay xby xcy" },
};

/*
 * Other spellings of the options above, as GNU parallel and xargs users
 * type them by habit; each means exactly what its option means.
 */
static const struct alias {
	const char *lng;
	char shrt;
	enum opt_id id;
} aliases[] = {
	{ "max-args", 0, O_BATCH },
	{ "slf", 0, O_SSHLOGINFILE },
	{ "wd", 0, O_WORKDIR },
	{ "block-size", 0, O_BLOCK },
	{ "spreadstdin", 0, O_PIPE },
	{ "round", 0, O_ROUND_ROBIN },
	{ "dryrun", 0, O_DRY_RUN },
	{ "halt-on-error", 0, O_HALT },
	{ NULL, 'P', O_JOBS },
	{ "max-procs", 0, O_JOBS },
	{ "lb", 0, O_LINE_BUFFER },
	{ "xapply", 0, O_LINK },
	{ "xargs", 0, O_MULTI },
	{ "max-replace-args", 0, O_PER_JOB },
	{ "bar", 0, O_PROGRESS },
	{ "eta", 0, O_PROGRESS },
	{ NULL, 't', O_VERBOSE },
};

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

static const char usage_line[] =
	"usage: fanout [OPTIONS] [--] [COMMAND [ARG...]] [::: ARG... | :::: FILE...]...\n";

/* The width of --help's option column, with its indent and a space. */
#define HELP_COL 33

/* Print TEXT in the help column; each '\n' in it starts a new line. */
static void help_text(const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		printf("%.*s\n%*s", (int)(nl - text), text, HELP_COL, "");
		text = nl + 1;
	}
	printf("%s\n", text);
}

/* The other spellings of option ID, "also -P, --max-procs", if it has any. */
static void help_aliases(enum opt_id id)
{
	int n = 0;

	for (size_t i = 0; i < NELEM(aliases); i++) {
		const struct alias *a = &aliases[i];

		if (a->id != id)
			continue;
		if (n++ == 0)
			printf("%*salso ", HELP_COL, "");
		else
			fputs(", ", stdout);
		if (a->lng)
			printf("--%s", a->lng);
		else
			printf("-%c", a->shrt);
	}
	if (n)
		putchar('\n');
}

static void help(void)
{
	char buf[64];

	fputs(usage_line, stdout);
	fputs("Run COMMAND once per input record, N at a time; with no COMMAND,\n"
	      "each record is a shell command line.\n\n"
	      "Replacement strings: {} record, {.} without extension, {/} basename,\n"
	      "{//} dirname, {/.} basename without extension, {#} sequence number,\n"
	      "{%} worker slot; {1} {2} ... the columns (--colsep, several input\n"
	      "sources), also as {1.} {1/} {1//} {1/.}. Durations: 250ms, 1.5s,\n"
	      "2m, 1h (bare: seconds).\n\n"
	      "Options:\n", stdout);
	for (size_t i = 0; i < NELEM(optdefs); i++) {
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
		printf("  %-*s ", HELP_COL - 3, buf);
		help_text(d->help);
		help_aliases(d->id);
	}
	fputs("\nExit status: 0 all jobs succeeded, 1 some job failed, 2 usage error,\n"
	      "3 fanout could not go on, 128+N stopped by signal N.\n"
	      "See fanout(1) for more.\n", stdout);
}

/* --help and --version end fanout here; cliapply.c stores all the others. */
static void apply(struct opts *o, const struct optdef *d, const char *name,
		  const char *v)
{
	if (d->id == O_HELP) {
		help();
		fanout_exit(EXIT_OK);
	}
	if (d->id == O_VERSION) {
		printf("fanout %s\n", FANOUT_VERSION);
		fanout_exit(EXIT_OK);
	}
	cliapply_option(o, d->id, name, v);
}

static const struct optdef *find_id(enum opt_id id)
{
	for (size_t i = 0; i < NELEM(optdefs); i++)
		if (optdefs[i].id == id)
			return &optdefs[i];
	return NULL;
}

/* The option named S (N bytes, no "--"), aliases included. */
static const struct optdef *find_long(const char *s, size_t n)
{
	for (size_t i = 0; i < NELEM(optdefs); i++)
		if (optdefs[i].lng && strlen(optdefs[i].lng) == n &&
		    strncmp(optdefs[i].lng, s, n) == 0)
			return &optdefs[i];
	for (size_t i = 0; i < NELEM(aliases); i++)
		if (aliases[i].lng && strlen(aliases[i].lng) == n &&
		    strncmp(aliases[i].lng, s, n) == 0)
			return find_id(aliases[i].id);
	return NULL;
}

static const struct optdef *find_short(char c)
{
	for (size_t i = 0; i < NELEM(optdefs); i++)
		if (optdefs[i].shrt == c)
			return &optdefs[i];
	for (size_t i = 0; i < NELEM(aliases); i++)
		if (aliases[i].shrt == c)
			return find_id(aliases[i].id);
	return NULL;
}

/* xargs' "-s 100" (max-chars) would be a script named "100" here. */
static _Noreturn void shell_number(const char *num)
{
	die(EXIT_USAGE, "-s %s: fanout's -s is --shell, not a size; argument "
	    "size limits are automatic, so leave it out", num);
}

/* Options that cannot be given together, not even the last one winning. */
static const struct {
	enum opt_id a, b;
	const char *msg;
} conflicts[] = {
	{ O_TAG, O_UNGROUP, "--tag cannot be used with --ungroup" },
	{ O_TAGSTRING, O_UNGROUP, "--tagstring cannot be used with --ungroup" },
	{ O_FILES, O_UNGROUP, "--files cannot be used with --ungroup "
			      "(its output does not pass through fanout)" },
	{ O_RESULTS, O_UNGROUP, "--results cannot be used with --ungroup "
				"(its output does not pass through fanout)" },
	{ O_KEEP_ORDER, O_UNGROUP, "--keep-order cannot be used with --ungroup" },
	{ O_LINE_BUFFER, O_UNGROUP, "--line-buffer cannot be used with --ungroup" },
	{ O_GROUP, O_UNGROUP, "--group cannot be used with --ungroup" },
	{ O_GROUP, O_LINE_BUFFER, "--group cannot be used with --line-buffer" },
	{ O_NULL, O_DELIM, "--null cannot be used with --delimiter" },
	{ O_ADAPTIVE, O_JOBS, "--adaptive cannot be used with --jobs "
			      "(--adaptive MAX is -j auto with its MAX)" },
	{ O_PROGRESS, O_UNGROUP, "--progress cannot be used with --ungroup "
				 "(the jobs would write over the bar)" },
	{ O_RESUME, O_RESUME_FAILED, "--resume cannot be used with --resume-failed" },
	{ O_DELAY, O_RATE, "--delay cannot be used with --rate "
			   "(--delay DUR is --rate 1/DUR)" },
	{ O_LINES, O_BATCH, "-L cannot be used with --batch" },
	{ O_CONTEXT, O_MULTI, "-X cannot be used with -m" },
	{ O_CONTEXT, O_BATCH, "-X cannot be used with --batch (-X is as many as fit)" },
	{ O_MULTI, O_BATCH, "-m cannot be used with --batch (-m is as many as fit)" },
	{ O_CONTEXT, O_LINES, "-X cannot be used with -L" },
	{ O_MULTI, O_LINES, "-m cannot be used with -L" },
	{ O_PER_JOB, O_BATCH, "-N cannot be used with --batch" },
	{ O_PER_JOB, O_LINES, "-N cannot be used with -L" },
	{ O_PER_JOB, O_CONTEXT, "-N cannot be used with -X" },
	{ O_PER_JOB, O_MULTI, "-N cannot be used with -m" },
	{ O_PER_JOB, O_COLSEP, "-N cannot be used with --colsep" },
	{ O_LINES, O_NULL, "-L counts lines: it cannot be used with --null "
			   "(write --batch N)" },
	{ O_LINES, O_DELIM, "-L counts lines: it cannot be used with --delimiter "
			    "(write --batch N)" },
	{ O_LINES, O_RECEND, "-L counts lines: it cannot be used with --recend "
			     "(write --batch N)" },
	{ O_LINES, O_RECSTART, "-L counts lines: it cannot be used with "
			       "--recstart (write --batch N)" },
	{ O_PIPE, O_NULL, "--pipe cuts at --recend: write --recend '\\0', "
			  "not --null" },
	{ O_PIPE, O_DELIM, "--pipe cuts at --recend: write --recend, not "
			   "--delimiter" },
	{ O_PIPE, O_BATCH_TIMEOUT, "--batch-timeout cannot be used with --pipe" },
	{ O_ROUND_ROBIN, O_RETRIES, "--round-robin cannot be used with --retries "
				    "(a job's blocks are not kept)" },
};

/* Checks that need the whole command line; SEEN has a bit per option. */
static void validate(struct opts *o, const struct optset *seen)
{
	/* First: --pipe gives -N and --header their --pipe meaning. */
	clipipe_check(o);
	for (size_t i = 0; i < NELEM(conflicts); i++)
		if (has(seen, conflicts[i].a) && has(seen, conflicts[i].b))
			die(EXIT_USAGE, "%s", conflicts[i].msg);
	if (has(seen, O_BURST) && !has(seen, O_RATE))
		die(EXIT_USAGE, "--burst needs --rate");
	if (!o->burst)
		o->burst = 1;
	if (o->batch_timeout_ns && o->batch <= 1)
		die(EXIT_USAGE, "--batch-timeout needs --batch N with N above 1");
	if (o->breaker_cooldown_ns && !o->breaker)
		die(EXIT_USAGE, "--breaker-cooldown needs --breaker");
	if (has(seen, O_OVERLOAD_EXIT) && !o->adaptive)
		die(EXIT_USAGE, "--overload-exit needs -j auto or --adaptive");
	if (o->retry_delay_ns && !o->retries)
		die(EXIT_USAGE, "--retry-delay needs --retries");
	if (o->per_job && (o->nsrc > 1 || o->header))
		die(EXIT_USAGE, "-N cannot be used with several input sources "
		    "or --header");
	if ((o->resume || o->resume_failed) && !o->joblog)
		die(EXIT_USAGE, "--resume needs --joblog FILE");
	if (o->shell && o->ncmd == 0)
		die(EXIT_USAGE, "--shell needs a COMMAND");
	if (o->shell && o->cmd[0][0] &&
	    strspn(o->cmd[0], "0123456789") == strlen(o->cmd[0]))
		shell_number(o->cmd[0]);
	remote_check(o);
}

/* A long option at ARGV[*I], "--name" or "--name=value"; SEEN gets its bit. */
static void long_option(struct opts *o, int argc, char **argv, int *i,
			struct optset *seen)
{
	const char *a = argv[*i];
	const char *eq = strchr(a + 2, '=');
	size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	const struct optdef *d = find_long(a + 2, n);
	char name[64];
	const char *v = NULL;

	if (!d)
		die(EXIT_USAGE, "unknown option '%.*s' (see --help)",
		    (int)(n + 2), a);
	/* The name the user typed, for messages: an alias is its own. */
	snprintf(name, sizeof name, "%.*s", (int)(n + 2), a);
	if (d->arg) {
		if (eq)
			v = eq + 1;
		else if (*i + 1 < argc)
			v = argv[++*i];
		else
			die(EXIT_USAGE, "%s needs a value (%s)", name, d->arg);
	} else if (eq) {
		die(EXIT_USAGE, "%s takes no value", name);
	}
	apply(o, d, name, v);
	add(seen, d->id);
	if (d->id == O_ROUND_ROBIN)
		add(seen, O_PIPE);      /* it implies --pipe */
}

/* A cluster of short options at ARGV[*I]: -kj4, -j 4, -0k. */
static void short_options(struct opts *o, int argc, char **argv, int *i,
			  struct optset *seen)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct optdef *d = find_short(*p);
		char name[8];

		if (!d)
			die(EXIT_USAGE, "unknown option '-%c' (see --help)", *p);
		if (*p == 's' && p[1] >= '0' && p[1] <= '9')
			shell_number(p + 1);
		snprintf(name, sizeof name, "-%c", *p);
		add(seen, d->id);
		if (d->arg) {
			const char *v;

			if (p[1])
				v = p + 1;
			else if (*i + 1 < argc)
				v = argv[++*i];
			else
				die(EXIT_USAGE, "%s needs a value (%s)", name, d->arg);
			apply(o, d, name, v);
			return;
		}
		apply(o, d, name, NULL);
	}
}

void cli_parse(struct opts *o, int argc, char **argv)
{
	struct optset seen = { { 0 } };
	int i;

	memset(o, 0, sizeof *o);
	o->jobs = cpus_available();
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
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (a[1] == '-')
			long_option(o, argc, argv, &i, &seen);
		else
			short_options(o, argc, argv, &i, &seen);
	}
	cliwords_split(o, argc, argv, i);
	validate(o, &seen);
}
