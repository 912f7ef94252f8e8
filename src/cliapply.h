/*
 * cliapply.h - the options' ids, and what each option stores in struct opts.
 *
 * Only cli.c includes this: its table names the options and gives their
 * ids, it reads the words and checks the whole command line; cliapply.c
 * stores one option's value. A new option gets an id here, a case in the
 * family of its concern in cliapply.c and a row in cli.c's table.
 */
#ifndef FANOUT_CLIAPPLY_H
#define FANOUT_CLIAPPLY_H

#include "opts.h"

enum opt_id {
	O_ADAPTIVE = 1, O_BATCH, O_BATCH_TIMEOUT, O_BREAKER, O_BREAKER_COOLDOWN,
	O_BUFFER_SIZE, O_BURST, O_ARG_FILE, O_COLSEP, O_CONTROLMASTER, O_DELAY, O_DELIM,
	O_DRY_RUN, O_ENV, O_FILES, O_FILTER_HOSTS, O_GROUP, O_HALT, O_HEADER, O_HELP,
	O_REPL, O_JOBS, O_JOBLOG, O_JSON_LOG, O_KEEP_ORDER, O_KILL_AFTER, O_LINES,
	O_LINE_BUFFER, O_LINK, O_MULTI, O_NICE, O_PER_JOB, O_NO_RUN_IF_EMPTY, O_NULL,
	O_OVERLOAD_EXIT, O_PROGRESS, O_QUIET_FAILURES, O_RATE, O_RESULTS, O_RESUME,
	O_RLIMIT, O_MEMFREE, O_LOAD,
	O_RESUME_FAILED, O_RETRIES, O_RETRY_DELAY, O_SHARD, O_SHELL, O_SSH, O_SSH_GIVE_UP,
	O_SSHLOGIN, O_SSHLOGINFILE, O_STATS, O_TAG, O_TAGSTRING, O_TIMEOUT, O_TMPDIR, O_UNGROUP,
	O_VERBOSE, O_VERSION, O_WORKDIR, O_CONTEXT,
	O_BLOCK, O_PIPE, O_RECEND, O_RECSTART, O_ROUND_ROBIN, O_END
};

/*
 * Store option ID's value V (NULL for a flag) in O, or exit 2 naming NAME,
 * the option as the user typed it. --help and --version are not stored:
 * cli.c acts on them.
 */
void cliapply_option(struct opts *o, enum opt_id id, const char *name,
		     const char *v);

#endif
