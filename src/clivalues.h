/*
 * clivalues.h - the value parsers of cli.c's options.
 *
 * Only cli.c includes this. NAME is the option as the user typed it ("-j",
 * "--timeout"); a bad value ends fanout with "fanout: NAME 'VALUE': what is
 * wrong" and exit status 2. The names are short because they read as the
 * verbs of cli.c's apply_ functions, one per line.
 */
#ifndef FANOUT_CLIVALUES_H
#define FANOUT_CLIVALUES_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"

/* A whole number in [MIN, MAX]. */
long long num_arg(const char *name, const char *v, long long min,
		  long long max);

/* A duration ("1.5s", "200ms") in ns; 0 only if ALLOW_ZERO. */
int64_t dur_arg(const char *name, const char *v, int allow_zero);

/* A size in bytes: "64M", "1G", "512K", "1000". */
size_t size_arg(const char *name, const char *v);

/* One record separator byte: one character, \n, \t, \0 or \\. */
int delim_arg(const char *name, const char *v);

/* --halt: GNU parallel's WHEN,WHY=N[%] and its older forms (halt.h). */
void halt_arg(struct opts *o, const char *name, const char *v);

/*
 * -j: N, N%, +N, -N (of the CPUs), 0 for as many as the fd limit allows,
 * auto for an adaptive limit (adaptive.h) up to 8 times the CPUs, at least 16.
 */
void jobs_arg(struct opts *o, const char *name, const char *v);

/* --load N or N%: the load average above which no job starts. */
double load_arg(const char *name, const char *v);

/* --rlimit NAME=VALUE,...: limits set in each job (rlimits.h). */
void rlimit_arg(struct opts *o, const char *name, const char *v);

/* --adaptive MAX: -j auto with its ceiling. */
void adaptive_arg(struct opts *o, const char *name, const char *v);

/* --overload-exit LIST: exit statuses (1-255) that mean overload. */
void overload_arg(struct opts *o, const char *name, const char *v);

/* --header : (the first record names the columns) or, for --pipe, N lines. */
void header_arg(struct opts *o, const char *name, const char *v);

/* --rate N/UNIT: at most N starts per UNIT (ratelimit.h's rl_parse()). */
void rate_arg(struct opts *o, const char *name, const char *v);

/* --delay DUR: --rate's bucket with one start per DUR and a burst of 1. */
void delay_arg(struct opts *o, const char *name, const char *v);

/* --joblog FILE, or +FILE: GNU parallel's "append to FILE". */
void joblog_arg(struct opts *o, const char *name, const char *v);

/* --tmpdir DIR: a directory, which becomes TMPDIR (as in GNU parallel). */
void tmpdir_arg(const char *name, const char *v);

/* --shard K/N: this process runs the jobs numbered K+1, K+1+N, ... */
void shard_arg(struct opts *o, const char *name, const char *v);

/* Append V to the list *L of *N values (a repeatable option). */
void list_arg(const char ***l, int *n, const char *v);

/* --env NAME: a variable's name. */
void env_arg(struct opts *o, const char *name, const char *v);

/* The remote options make sense together (-S or --slf for the others). */
void remote_check(const struct opts *o);

#endif
