/*
 * opts.h - the options as parsed: what cli.c fills and the rest of fanout
 * reads. A header of its own, apart from the parser, so that the parser's
 * helpers (clivalues, cliwords, clipipe, sources) can fill it without
 * including cli.h, which includes theirs: no include circle.
 */
#ifndef FANOUT_OPTS_H
#define FANOUT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rlimits.h"

#include "halt.h"

enum out_mode {
	OUT_GROUP,      /* default: each job's stdout whole, then its stderr */
	OUT_LINE,       /* --line-buffer: whole lines interleave */
	OUT_UNGROUP,    /* -u: jobs write straight to fanout's stdout/stderr */
};

/* An input source: ::: ARGS, or a FILE (-a, ::::; "-" is stdin). */
struct source {
	const char *file;
	char **args;
	int nargs;
	bool is_args;
	bool linked;                    /* :::+, ::::+: to the one before */
};

struct opts {
	int jobs;                       /* -j: workers (per host with -S) */
	int adaptive;                   /* -j auto, --adaptive: MAX; 0: off */
	struct rlimits rlimits;         /* --rlimit: set in each job */
	uint64_t memfree;               /* --memfree: bytes; 0: off */
	double load;                    /* --load: 0: off */
	uint64_t overload_exit[4];      /* --overload-exit: a bit per status */
	bool jobs_given;                /* -j was given */
	bool keep_order;                /* -k */
	bool shell;                     /* -s: COMMAND is a shell template */
	const char *repl;               /* -I: "{}" by default */
	struct source *src;             /* the input sources, in order; */
	int nsrc;                       /* none: stdin */
	bool link;                      /* --link: all sources linked */
	size_t per_job;                 /* -N: records a job as {1}..{N} */
	bool multi;                     /* -m: {} is all a batch's records */
	int delim;                      /* record separator byte */
	char **cmd;                     /* COMMAND [ARG...], NULL-terminated */
	int ncmd;
	const char *colsep;             /* --colsep REGEX, NULL: none */
	const char *header;             /* --header :, NULL: none */

	size_t batch;                   /* -n: records per command */
	bool pipe;                      /* --pipe: blocks of stdin (pipein.h) */
	size_t block_size;              /* --block; 0 until checked */
	bool block_auto;                /* --pipe without --block */
	const char *recend, *recstart;  /* --recend, --recstart; NULL: none */
	size_t recendlen, recstartlen;  /*     (they may hold NUL bytes) */
	size_t pipe_header;             /* --pipe --header N: lines */
	size_t records;                 /* --pipe -N/-L: records a block; 0 */
	bool round_robin;
	int64_t batch_timeout_ns;       /* 0: wait for a full batch or EOF */
	bool rate;
	double rate_count;
	int64_t rate_per_ns;
	int64_t burst;
	int breaker;                    /* 0: off */
	int64_t breaker_cooldown_ns;
	int retries;
	int64_t retry_delay_ns;
	uint64_t shard_k, shard_n;      /* --shard K/N; shard_n 0: all jobs */
	struct halt halt;               /* --halt */

	int64_t timeout_ns;             /* 0: none */
	int64_t kill_after_ns;

	enum out_mode out;
	bool tag;
	const char *tagstring;          /* --tagstring STR (implies tag) */
	const char *results;            /* --results DIR */
	bool files;                     /* --files: print file names */
	size_t buffer_size;             /* in-memory output budget, bytes */

	const char **sshlogins;         /* -S values, as given */
	int nsshlogins;
	const char **slfs;              /* --sshloginfile names */
	int nslfs;
	const char *ssh;                /* --ssh CMD, NULL: ssh */
	int64_t ssh_give_up_ns;         /* 0: the default, 5 minutes */
	const char *workdir;            /* --workdir DIR */
	const char **envs;              /* --env NAME... */
	int nenvs;

	const char *joblog;
	bool joblog_append;             /* --joblog +FILE */
	int nice;                       /* --nice N: the jobs' niceness */
	bool nice_set;
	const char *json_log;
	bool resume, resume_failed;
	bool progress, stats, dry_run, verbose;
	bool quiet_failures;            /* no line naming each failed job */
};

#endif
