/*
 * rlimits.c - parsing and fitting --rlimit (see rlimits.h). The child's
 * side, setrlimit(2) between vfork and exec, is in spawn.c: everything is
 * computed here, before any fork.
 */
#include "rlimits.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int resource;
	bool size;              /* takes K, M, G, T */
	unsigned long long min;
} names[] = {
	{ "as", RLIMIT_AS, true, 1 },
	{ "core", RLIMIT_CORE, true, 0 },
	{ "cpu", RLIMIT_CPU, false, 1 },
	{ "data", RLIMIT_DATA, true, 1 },
	{ "fsize", RLIMIT_FSIZE, true, 0 },
	{ "nofile", RLIMIT_NOFILE, false, 1 },
	{ "nproc", RLIMIT_NPROC, false, 1 },
	{ "stack", RLIMIT_STACK, true, 1 },
};

#define NNAMES (sizeof names / sizeof names[0])

/* The value V of a limit; false if it is not one. */
static bool value(const char *v, size_t n, bool size, rlim_t *out)
{
	unsigned long long x = 0, mul = 1;
	size_t i = 0;

	if (n == 9 && strncmp(v, "unlimited", 9) == 0) {
		*out = RLIM_INFINITY;
		return true;
	}
	if (n == 0 || n > 20)
		return false;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
		if (x > (~0ULL - 9) / 10)
			return false;
		x = x * 10 + (unsigned long long)(v[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < n && size) {
		switch (v[i]) {
		case 'k': case 'K': mul = 1ULL << 10; break;
		case 'm': case 'M': mul = 1ULL << 20; break;
		case 'g': case 'G': mul = 1ULL << 30; break;
		case 't': case 'T': mul = 1ULL << 40; break;
		default: return false;
		}
		i++;
	}
	if (i != n || x > (1ULL << 62) / mul)
		return false;
	*out = (rlim_t)(x * mul);
	return true;
}

/* Put limit K with value X into R, replacing an earlier one. */
static void put(struct rlimits *r, size_t k, rlim_t x)
{
	int i = 0;

	while (i < r->n && r->v[i].resource != names[k].resource)
		i++;
	if (i == r->n)
		r->n++;
	r->v[i].resource = names[k].resource;
	r->v[i].name = names[k].name;
	r->v[i].rl.rlim_cur = x;
	/* cpu: SIGXCPU at the soft limit, SIGKILL a second later. */
	r->v[i].rl.rlim_max = x != RLIM_INFINITY &&
			      names[k].resource == RLIMIT_CPU ? x + 1 : x;
}

const char *rlimits_parse(struct rlimits *r, const char *spec, char *bad,
			  size_t badsz)
{
	const char *p = spec;

	do {
		size_t n = strcspn(p, ","), k;
		const char *eq = memchr(p, '=', n);
		rlim_t x;

		snprintf(bad, badsz, "%.*s", (int)n, p);
		if (!eq)
			return "must be NAME=VALUE";
		for (k = 0; k < NNAMES; k++)
			if (strlen(names[k].name) == (size_t)(eq - p) &&
			    strncmp(names[k].name, p, (size_t)(eq - p)) == 0)
				break;
		if (k == NNAMES)
			return "unknown limit (as, core, cpu, data, fsize, "
			       "nofile, nproc, stack)";
		if (!value(eq + 1, n - (size_t)(eq + 1 - p), names[k].size,
			   &x))
			return names[k].size ? "not a size (try 512M or unlimited)"
					     : "not a whole number (or unlimited)";
		if (x != RLIM_INFINITY && x < names[k].min)
			return "must be at least 1";
		put(r, k, x);
		p += n;
	} while (*p++ == ',');
	return NULL;
}

const char *rlimits_fit(struct rlimits *r, char *bad, size_t badsz)
{
	bool root = geteuid() == 0;

	for (int i = 0; i < r->n; i++) {
		struct rlimit now;
		struct rlimit *want = &r->v[i].rl;

		if (getrlimit(r->v[i].resource, &now) != 0 || root ||
		    now.rlim_max == RLIM_INFINITY)
			continue;
		if (want->rlim_cur == RLIM_INFINITY) {
			/* unlimited: as far as the hard limit goes. */
			want->rlim_cur = want->rlim_max = now.rlim_max;
			continue;
		}
		if (want->rlim_cur > now.rlim_max) {
			snprintf(bad, badsz, "%s", r->v[i].name);
			return "above the hard limit fanout was started with";
		}
		if (want->rlim_max > now.rlim_max)
			want->rlim_max = now.rlim_max;
	}
	return NULL;
}

/* The soft limit of RESOURCE in R, or RLIM_INFINITY if R has none. */
static rlim_t soft(const struct rlimits *r, int resource)
{
	for (int i = 0; i < r->n; i++)
		if (r->v[i].resource == resource)
			return r->v[i].rl.rlim_cur;
	return RLIM_INFINITY;
}

const char *rlimits_cause(const struct rlimits *r, int sig, int64_t cpu_ns,
			  char *buf, size_t n)
{
	static const char units[] = "KMGT";
	rlim_t x;
	int u = -1;

	if (sig == SIGXCPU || sig == SIGKILL) {
		x = soft(r, RLIMIT_CPU);
		if (x == RLIM_INFINITY ||
		    (sig == SIGKILL && cpu_ns / 1000000000 < (int64_t)x))
			return NULL;
		snprintf(buf, n, "cpu=%llu", (unsigned long long)x);
		return buf;
	}
	if (sig != SIGXFSZ || (x = soft(r, RLIMIT_FSIZE)) == RLIM_INFINITY)
		return NULL;
	/* As it was likely written: 1K, not 1024. */
	while (x >= 1024 && x % 1024 == 0 && u < 3) {
		x /= 1024;
		u++;
	}
	snprintf(buf, n, "fsize=%llu%.*s", (unsigned long long)x, u >= 0,
		 u >= 0 ? units + u : "");
	return buf;
}
