/*
 * jobfail.h - the one line on stderr that names a job that failed.
 *
 * GNU parallel and xargs say nothing when a job fails; under --halt in CI
 * nothing then tells which job it was. fanout names each failed job once,
 * in its message form (xe's job identity, git's wording):
 *
 *   fanout: job 3 [pid 4242]: 'sh -n bad.sh' exited with status 2
 *   fanout: job 4 [pid 4250]: 'sleep 30' timed out after 1s
 *   fanout: job 5 [pid 4251]: 'kill -9 $$' killed by signal 9 (SIGKILL)
 *   fanout: job 6 [pid 4260]: 'crunch' killed by signal 24 (SIGXCPU, --rlimit cpu=60)
 *   fanout: job 7 [pid 4270]: 'oom' lost its host on 2 hosts ('h1' and 'h3'); not run again
 *   fanout: job 8 [pid 4280]: 'pkill sshd' lost its host 3 times (on 'h1'); not run again
 *
 * The command is shown as --dry-run shows it, cut short when long or when
 * it holds a line break, so the message stays one line. Pure formatting:
 * attempt.c decides which attempts are named and writes the line.
 */
#ifndef FANOUT_JOBFAIL_H
#define FANOUT_JOBFAIL_H

#include <stdint.h>
#include <sys/types.h>

#include "strbuf.h"

/* The longest command shown, in bytes, before it is cut with "...". */
#define JOBFAIL_CMD_MAX 80

/* What the line says about a failed job. */
struct jobfail {
	uint64_t seq;
	pid_t pid;                      /* 0: it never started */
	const char *cmd;                /* as --dry-run shows it, or NULL */
	int exit_code;                  /* when it exited */
	int signal;                     /* 0, or the signal that killed it */
	int64_t timeout_ns;             /* > 0: it timed out after this */
	const char *rlimit;             /* the --rlimit that killed it
					   ("cpu=60"), or NULL */
	int attempts;                   /* attempts it had; > 1 is said */
	const char *lost[2];            /* the hosts it lost under it when
					   that failed it (hostloss.h): two,
					   or one and NULL; else NULL */
	int lost_times;                 /* with lost[0] alone: how often */
};

/* Append F's line to SB, without "fanout: " and the newline. */
void jobfail_format(struct strbuf *sb, const struct jobfail *f);

/* Append CMD to SB as the line shows it: at most MAX bytes, one line. */
void jobfail_cmd(struct strbuf *sb, const char *cmd, size_t max);

/* "SIGKILL" for 9, NULL for a signal without a name here. */
const char *jobfail_signame(int sig);

#endif
