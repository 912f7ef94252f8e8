/*
 * ratelimit.c - token bucket on job starts, as GCRA.
 *
 * GCRA keeps one integer, the theoretical arrival time (TAT) of the next
 * start, instead of a token count: no timer thread refills anything, a take
 * is one comparison, and the bound is exact (at most burst + floor(W /
 * interval) starts over any closed window of length W). The tolerance
 * tau = (burst - 1) * interval is how far TAT may run ahead of now.
 *
 * All time arithmetic saturates at the int64_t bounds, so a huge interval
 * (1/h with a burst of a million), a long idle gap or a clock near the top
 * of its range clamps instead of overflowing.
 */
#include "ratelimit.h"

#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* (burst - 1) * interval, clamped to INT64_MAX; both are >= 1 here. */
static int64_t tolerance(const struct ratelimit *rl)
{
	int64_t n = rl->burst - 1;

	if (n > 0 && n > INT64_MAX / rl->interval_ns)
		return INT64_MAX;
	return n * rl->interval_ns;
}

void rl_init(struct ratelimit *rl, double count, int64_t per_ns,
	     int64_t burst)
{
	double iv = (double)per_ns / count;

	/* rl_parse() ensures count > 0 and per_ns > 0; clamp anything else. */
	if (isnan(iv) || iv < 1.0)
		rl->interval_ns = 1;
	else if (iv >= 9.2e18)
		rl->interval_ns = INT64_MAX;
	else
		rl->interval_ns = (int64_t)(iv + 0.5);
	rl->burst = burst < 1 ? 1 : burst;
	rl->tat_ns = 0;
	rl->primed = 0;
}

int64_t rl_take(struct ratelimit *rl, int64_t now_ns)
{
	int64_t allow_at;

	if (!rl->primed) {
		rl->tat_ns = now_ns;
		rl->primed = 1;
	}
	/* The earliest time a start is allowed: TAT minus the tolerance. */
	allow_at = sat_sub(rl->tat_ns, tolerance(rl));
	if (now_ns < allow_at)
		return sat_sub(allow_at, now_ns);
	/* An idle gap earns nothing beyond the full bucket: restart at now. */
	rl->tat_ns = sat_add(rl->tat_ns > now_ns ? rl->tat_ns : now_ns,
			     rl->interval_ns);
	return 0;
}

const char *rl_parse(const char *s, double *count, int64_t *per_ns)
{
	static const char usage[] = "must be N/UNIT, e.g. 10/s";
	const char *slash = strchr(s, '/');
	const char *cend = slash ? slash : s + strlen(s);
	const char *unit;
	char buf[64];
	char *end;
	const char *err;
	int64_t ns;
	double v;

	if (cend == s)
		return usage;
	if (*s == '-')
		return "rate must be above 0";
	/* strtod() also takes "inf", "nan", hex and exponents: refuse them. */
	if (!is_plain_decimal(s, cend))
		return usage;
	errno = 0;
	v = strtod(s, &end);
	if (end != cend)
		return usage;
	if (!isfinite(v) || (errno == ERANGE && v > 1.0))
		return "rate is too large";
	if (!(v > 0.0))
		return "rate must be above 0";

	if (!slash) {
		ns = NS_PER_SEC;
	} else {
		unit = slash + 1;
		if (!*unit || strlen(unit) >= sizeof buf - 1)
			return usage;
		/* A unit alone means one of it: "s" is "1s". */
		if (*unit >= 'a' && *unit <= 'z')
			snprintf(buf, sizeof buf, "1%s", unit);
		else
			snprintf(buf, sizeof buf, "%s", unit);
		err = parse_duration(buf, &ns);
		if (err)
			return strcmp(err, "too large") == 0 ?
				"period is too large" : usage;
		if (ns <= 0)
			return "period must be above 0";
	}
	/* Over ~292 years per start: nothing would ever start again. */
	if ((double)ns / v >= 9.2e18)
		return "rate is too low";
	*count = v;
	*per_ns = ns;
	return NULL;
}
