/*
 * cliapply.c - what each option stores in struct opts (see cliapply.h).
 *
 * One small function a family of options: each takes the options of its
 * family and returns false for any other. The checks that need the whole
 * command line (conflicts, one option needing another) are cli.c's
 * validate(); the values are parsed by clivalues.c.
 */
#include "cliapply.h"

#include <stdbool.h>

#include "clipipe.h"
#include "clivalues.h"
#include "cliwords.h"
#include "util.h"

/* -X, -m: as many records a command as fit (the largest --batch). */
#define BATCH_MANY 1000000

static const char *nonempty(const char *name, const char *v)
{
	if (!*v)
		die(EXIT_USAGE, "%s: must not be empty", name);
	return v;
}

/* The records: where they come from, how they end and how many a command. */
static bool apply_input(struct opts *o, enum opt_id id, const char *name,
			const char *v)
{
	switch (id) {
	/* GNU parallel takes each -a FILE as one more input source */
	case O_ARG_FILE: cliwords_add_file(o, v, false); break;
	/* A line is a record, so -L's N lines are a batch of N. */
	case O_BATCH: case O_LINES:
		o->records = o->batch = (size_t)num_arg(name, v, 1, 1000000);
		break;
	case O_BATCH_TIMEOUT: o->batch_timeout_ns = dur_arg(name, v, 0); break;
	case O_COLSEP: o->colsep = nonempty(name, v); break;
	case O_DELIM: o->delim = delim_arg(name, v); break;
	case O_HEADER: header_arg(o, name, v); break;
	case O_REPL: o->repl = nonempty(name, v); break;
	case O_LINK: o->link = true; break;
	/* -X and -m are --batch with as many records as fit */
	case O_CONTEXT: o->batch = BATCH_MANY; break;
	case O_MULTI: o->batch = BATCH_MANY; o->multi = true; break;
	case O_PER_JOB: o->per_job = (size_t)num_arg(name, v, 1, 1000000); break;
	case O_NO_RUN_IF_EMPTY: break;  /* empty input never runs anything */
	case O_NULL: o->delim = '\0'; break;
	case O_SHARD: shard_arg(o, name, v); break;
	case O_SHELL: o->shell = true; break;
	default: return false;
	}
	return true;
}

/* --pipe: stdin cut into blocks (the checks are clipipe.c's). */
static bool apply_pipe(struct opts *o, enum opt_id id, const char *name,
		       const char *v)
{
	switch (id) {
	case O_BLOCK: o->block_size = size_arg(name, v); break;
	case O_PIPE: o->pipe = true; break;
	case O_RECEND: o->recend = clipipe_string(name, v, &o->recendlen); break;
	case O_RECSTART:
		o->recstart = clipipe_string(name, v, &o->recstartlen);
		break;
	case O_ROUND_ROBIN: o->round_robin = o->pipe = true; break;
	default: return false;
	}
	return true;
}

/* How many jobs at once, when the next may start, what each may use. */
static bool apply_limits(struct opts *o, enum opt_id id, const char *name,
			 const char *v)
{
	switch (id) {
	case O_ADAPTIVE: adaptive_arg(o, name, v); break;
	case O_BURST: o->burst = num_arg(name, v, 1, 1000000000); break;
	case O_DELAY: delay_arg(o, name, v); break;
	case O_JOBS: jobs_arg(o, name, v); o->jobs_given = true; break;
	case O_LOAD: o->load = load_arg(name, v); break;
	case O_MEMFREE: o->memfree = size_arg(name, v); break;
	case O_NICE:
		o->nice = (int)num_arg(name, v, -20, 19);
		o->nice_set = true;
		break;
	case O_OVERLOAD_EXIT: overload_arg(o, name, v); break;
	case O_RATE: rate_arg(o, name, v); break;
	case O_RLIMIT: rlimit_arg(o, name, v); break;
	default: return false;
	}
	return true;
}

/* When a job is stopped or run again, and when failures stop the run. */
static bool apply_failures(struct opts *o, enum opt_id id, const char *name,
			   const char *v)
{
	switch (id) {
	case O_BREAKER: o->breaker = (int)num_arg(name, v, 1, 1000000000); break;
	case O_BREAKER_COOLDOWN: o->breaker_cooldown_ns = dur_arg(name, v, 0); break;
	case O_HALT: halt_arg(o, name, v); break;
	case O_KILL_AFTER: o->kill_after_ns = dur_arg(name, v, 0); break;
	case O_RETRIES: o->retries = (int)num_arg(name, v, 0, 1000000); break;
	case O_RETRY_DELAY: o->retry_delay_ns = dur_arg(name, v, 1); break;
	case O_TIMEOUT: o->timeout_ns = dur_arg(name, v, 0); break;
	default: return false;
	}
	return true;
}

/* The jobs' output: how it is held, ordered, tagged and kept. */
static bool apply_output(struct opts *o, enum opt_id id, const char *name,
			 const char *v)
{
	switch (id) {
	case O_BUFFER_SIZE: o->buffer_size = size_arg(name, v); break;
	case O_FILES: o->files = true; break;
	case O_GROUP: break;            /* the default; conflicts checked later */
	case O_KEEP_ORDER: o->keep_order = true; break;
	case O_LINE_BUFFER: o->out = OUT_LINE; break;
	case O_RESULTS: o->results = nonempty(name, v); break;
	case O_TAG: o->tag = true; break;
	case O_TAGSTRING:
		o->tagstring = v;
		o->tag = true;
		break;
	case O_TMPDIR: tmpdir_arg(name, v); break;
	case O_UNGROUP: o->out = OUT_UNGROUP; break;
	default: return false;
	}
	return true;
}

/* Where the jobs run: the hosts, ssh, and what a job takes along. */
static bool apply_remote(struct opts *o, enum opt_id id, const char *name,
			 const char *v)
{
	switch (id) {
	case O_CONTROLMASTER: case O_FILTER_HOSTS: break;  /* always so */
	case O_ENV: env_arg(o, name, v); break;
	case O_SSH: o->ssh = v; break;
	case O_SSH_GIVE_UP: o->ssh_give_up_ns = dur_arg(name, v, 0); break;
	case O_SSHLOGIN: list_arg(&o->sshlogins, &o->nsshlogins, v); break;
	case O_SSHLOGINFILE: list_arg(&o->slfs, &o->nslfs, v); break;
	case O_WORKDIR: o->workdir = v; break;
	default: return false;
	}
	return true;
}

/* What fanout says about the run, and the log that --resume reads. */
static bool apply_report(struct opts *o, enum opt_id id, const char *name,
			 const char *v)
{
	switch (id) {
	case O_DRY_RUN: o->dry_run = true; break;
	case O_JOBLOG: joblog_arg(o, name, v); break;
	case O_JSON_LOG: o->json_log = v; break;
	case O_PROGRESS: o->progress = true; break;
	case O_QUIET_FAILURES: o->quiet_failures = true; break;
	case O_RESUME: o->resume = true; break;
	case O_RESUME_FAILED: o->resume_failed = true; break;
	case O_STATS: o->stats = true; break;
	case O_VERBOSE: o->verbose = true; break;
	default: return false;
	}
	return true;
}

void cliapply_option(struct opts *o, enum opt_id id, const char *name,
		     const char *v)
{
	if (!apply_input(o, id, name, v) && !apply_pipe(o, id, name, v) &&
	    !apply_limits(o, id, name, v) && !apply_failures(o, id, name, v) &&
	    !apply_output(o, id, name, v) && !apply_remote(o, id, name, v) &&
	    !apply_report(o, id, name, v))
		bug("option '%s' is in no family of cliapply.c", name);
}
