/*
 * clivalues.c - the value parsers of cli.c's options (see clivalues.h).
 *
 * Each one checks one option's value and exits 2 with a message that names
 * the option as the user typed it; none of them keeps any state.
 */
#include "clivalues.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpus.h"
#include "ratelimit.h"
#include "util.h"

long long num_arg(const char *name, const char *v, long long min,
			 long long max)
{
	const char *errstr;
	long long n = parse_num(v, min, max, &errstr);

	if (errstr) {
		if (strcmp(errstr, "too small") == 0)
			die(EXIT_USAGE, "%s '%s': must be at least %lld", name, v,
			    min);
		if (strcmp(errstr, "too large") == 0)
			die(EXIT_USAGE, "%s '%s': must be at most %lld", name, v,
			    max);
		die(EXIT_USAGE, "%s '%s': not a whole number", name, v);
	}
	return n;
}

int64_t dur_arg(const char *name, const char *v, int allow_zero)
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
size_t size_arg(const char *name, const char *v)
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

int delim_arg(const char *name, const char *v)
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

void halt_arg(struct opts *o, const char *name, const char *v)
{
	const char *why = halt_parse(v, &o->halt);

	if (why)
		die(EXIT_USAGE, "%s '%s': %s", name, v, why);
}

#define JOBS_MAX 4096

/*
 * Open files a running job holds in fanout, and what fanout needs besides:
 * the figures spawn_reserve_fds() raises the soft limit by.
 */
#define FDS_PER_JOB 6
#define FDS_BASE 64

/*
 * -j 0, GNU parallel's "as many as possible": as many jobs as the hard
 * limit on open files leaves room for, at most JOBS_MAX.
 */
static int jobs_most(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max == RLIM_INFINITY)
		return JOBS_MAX;
	if (rl.rlim_max < FDS_BASE + FDS_PER_JOB)
		return 1;
	n = (rl.rlim_max - FDS_BASE) / FDS_PER_JOB;
	return n < JOBS_MAX ? (int)n : JOBS_MAX;
}

void jobs_arg(struct opts *o, const char *name, const char *v)
{
	size_t n = strlen(v);
	long long k;

	o->adaptive = 0;        /* the last -j wins */
	if (strcmp(v, "auto") == 0) {
		/* The limit finds its level (adaptive.h) up to this MAX. */
		k = 8LL * cpus_available();
		o->adaptive = o->jobs = k < 16 ? 16 : k > JOBS_MAX ? JOBS_MAX
								   : (int)k;
		return;
	}
	if (v[0] == '+' || v[0] == '-') {
		/* GNU parallel's +N and -N: the CPUs plus or minus N. */
		const char *errstr;

		k = parse_num(v + 1, 0, JOBS_MAX, &errstr);
		if (errstr)
			die(EXIT_USAGE, "%s '%s': must be N, N%%, +N or -N, "
			    "N up to %d", name, v, JOBS_MAX);
		k = v[0] == '+' ? cpus_available() + k : cpus_available() - k;
		o->jobs = k < 1 ? 1 : k > JOBS_MAX ? JOBS_MAX : (int)k;
		return;
	}
	if (n > 1 && v[n - 1] == '%') {
		char num[32];

		if (n >= sizeof num)
			die(EXIT_USAGE, "%s '%s': not a whole number", name, v);
		memcpy(num, v, n - 1);
		num[n - 1] = '\0';
		k = num_arg(name, num, 1, 100000);
		o->jobs = (int)(cpus_available() * k / 100);
		if (o->jobs < 1)
			o->jobs = 1;
		return;
	}
	k = num_arg(name, v, 0, JOBS_MAX);
	o->jobs = k == 0 ? jobs_most() : (int)k;
}

/* --load N or N%: the 1-minute load average above which nothing starts. */
double load_arg(const char *name, const char *v)
{
	size_t n = strlen(v);
	bool pct = n > 1 && v[n - 1] == '%';
	char *end;
	double x = strtod(v, &end);

	if (end == v || !(*end == '\0' || (pct && end == v + n - 1)) ||
	    !(x > 0) || x > 1e6 || !(v[0] >= '0' && v[0] <= '9'))
		die(EXIT_USAGE, "%s '%s': must be a number above 0, or N%% "
		    "of the CPUs", name, v);
	return pct ? x / 100 * cpus_available() : x;
}

/* --rlimit NAME=VALUE,...: limits for each job (rlimits.h). */
void rlimit_arg(struct opts *o, const char *name, const char *v)
{
	char bad[64];
	const char *why = rlimits_parse(&o->rlimits, v, bad, sizeof bad);

	if (!why)
		why = rlimits_fit(&o->rlimits, bad, sizeof bad);
	if (why)
		die(EXIT_USAGE, "%s '%s': %s", name, bad, why);
}

/* --adaptive MAX: -j auto with its ceiling. */
void adaptive_arg(struct opts *o, const char *name, const char *v)
{
	o->adaptive = o->jobs = (int)num_arg(name, v, 1, JOBS_MAX);
}

/* --overload-exit 75,429...: exit statuses that mean "too much load". */
void overload_arg(struct opts *o, const char *name, const char *v)
{
	const char *p = v;

	do {
		size_t n = strcspn(p, ",");
		char num[16];
		long long k;

		if (n == 0 || n >= sizeof num)
			die(EXIT_USAGE, "%s '%s': must be exit statuses "
			    "separated by commas", name, v);
		memcpy(num, p, n);
		num[n] = '\0';
		k = num_arg(name, num, 1, 255);
		o->overload_exit[k / 64] |= (uint64_t)1 << (k % 64);
		p += n;
	} while (*p++ == ',');
}

/* --header: GNU parallel's ':' is its '.*\n', the first record. */
void header_arg(struct opts *o, const char *name, const char *v)
{
	if (strcmp(v, ":") == 0 || strcmp(v, ".*\\n") == 0)
		o->header = v;
	else if (*v >= '0' && *v <= '9')
		o->pipe_header = (size_t)num_arg(name, v, 0, 1000000);
	else
		die(EXIT_USAGE, "%s '%s': only ':' (the first record) is "
		    "supported, or N lines with --pipe", name, v);
}

void rate_arg(struct opts *o, const char *name, const char *v)
{
	const char *why = rl_parse(v, &o->rate_count, &o->rate_per_ns);

	if (why)
		die(EXIT_USAGE, "%s '%s': %s", name, v, why);
	o->rate = true;
}

/* --delay DUR: --rate's bucket with one start per DUR and a burst of 1. */
void delay_arg(struct opts *o, const char *name, const char *v)
{
	int64_t ns = dur_arg(name, v, 1);

	o->rate = ns > 0;
	o->rate_count = 1;
	o->rate_per_ns = ns;
}

void shard_arg(struct opts *o, const char *name, const char *v)
{
	const char *slash = strchr(v, '/');
	char k[32];

	if (!slash || (size_t)(slash - v) >= sizeof k)
		die(EXIT_USAGE, "%s '%s': must be K/N, as 0/4", name, v);
	memcpy(k, v, (size_t)(slash - v));
	k[slash - v] = '\0';
	o->shard_n = (uint64_t)num_arg(name, slash + 1, 1, 1000000000);
	o->shard_k = (uint64_t)num_arg(name, k, 0, 1000000000);
	if (o->shard_k >= o->shard_n)
		die(EXIT_USAGE, "%s '%s': K must be below N (K counts from 0)",
		    name, v);
}

void joblog_arg(struct opts *o, const char *name, const char *v)
{
	o->joblog_append = v[0] == '+';
	if (o->joblog_append)
		v++;
	if (!*v)
		die(EXIT_USAGE, "%s: needs a FILE", name);
	o->joblog = v;
}

void tmpdir_arg(const char *name, const char *v)
{
	struct stat st;

	if (stat(v, &st) != 0)
		die(EXIT_USAGE, "%s '%s': %s", name, v, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		die(EXIT_USAGE, "%s '%s': not a directory", name, v);
	/* GNU parallel's --tmpdir sets TMPDIR, for the jobs too. */
	if (setenv("TMPDIR", v, 1) != 0)
		die(EXIT_FATAL, "%s: %s", name, strerror(errno));
}

void list_arg(const char ***l, int *n, const char *v)
{
	*l = xrealloc(*l, (size_t)(*n + 1) * sizeof **l);
	(*l)[(*n)++] = v;
}

void env_arg(struct opts *o, const char *name, const char *v)
{
	size_t n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789_");

	if (!*v || v[n] || (*v >= '0' && *v <= '9'))
		die(EXIT_USAGE, "%s '%s': not a variable name", name, v);
	list_arg(&o->envs, &o->nenvs, v);
}

/* Whether the records come from standard input. */
static bool reads_stdin(const struct opts *o)
{
	if (o->nsrc == 0)
		return true;
	for (int i = 0; i < o->nsrc; i++)
		if (!o->src[i].is_args && strcmp(o->src[i].file, "-") == 0)
			return true;
	return false;
}

void remote_check(const struct opts *o)
{
	bool remote = o->nsshlogins || o->nslfs;

	if (!remote && o->ssh)
		die(EXIT_USAGE, "--ssh needs --sshlogin or --sshloginfile");
	if (!remote && o->ssh_give_up_ns)
		die(EXIT_USAGE, "--ssh-give-up needs --sshlogin or --sshloginfile");
	if (o->workdir && !*o->workdir)
		die(EXIT_USAGE, "--workdir: must not be empty");
	for (int i = 0; i < o->nslfs; i++)
		if (strcmp(o->slfs[i], "-") == 0 && reads_stdin(o))
			die(EXIT_USAGE, "--sshloginfile - reads standard input: "
			    "give the records with ::: or --arg-file");
}
