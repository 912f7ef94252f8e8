/*
 * halt.c - parsing and deciding GNU parallel's --halt (see halt.h).
 */
#include "halt.h"

#include <string.h>

#include "util.h"

static const char bad[] = "must be soon or now, then fail, success or done "
			  "=N or =N% (e.g. soon,fail=1); or 0, 1, 2, -1, -2";

/* "N" or "N%" at S into H; false if it is neither. */
static bool count(const char *s, struct halt *h)
{
	const char *errstr;
	size_t n = strlen(s);
	char num[24];

	h->pct = n > 1 && s[n - 1] == '%';
	if (h->pct) {
		if (n - 1 >= sizeof num)
			return false;
		memcpy(num, s, n - 1);
		num[n - 1] = '\0';
		s = num;
	}
	h->n = (uint64_t)parse_num(s, 1, h->pct ? 100 : 1000000000, &errstr);
	return errstr == NULL;
}

const char *halt_parse(const char *v, struct halt *h)
{
	/* parallel's older forms, which its --halt still takes. */
	static const struct {
		const char *old, *now;
	} compat[] = {
		{ "1", "soon,fail=1" }, { "2", "now,fail=1" },
		{ "-1", "soon,success=1" }, { "-2", "now,success=1" },
	};
	static const char *const whys[] = { "fail=", "success=", "done=" };
	const char *p;

	memset(h, 0, sizeof *h);
	if (strcmp(v, "0") == 0 || strcmp(v, "never") == 0)
		return NULL;
	for (size_t i = 0; i < sizeof compat / sizeof compat[0]; i++)
		if (strcmp(v, compat[i].old) == 0)
			v = compat[i].now;
	if (v[0] >= '0' && v[0] <= '9' && v[strlen(v) - 1] == '%') {
		/* "20%" is soon,fail=20%. */
		h->when = HALT_SOON;
		return count(v, h) && h->n < 100 ? NULL : bad;
	}
	if (strncmp(v, "soon,", 5) == 0) {
		h->when = HALT_SOON;
		p = v + 5;
	} else if (strncmp(v, "now,", 4) == 0) {
		h->when = HALT_NOW;
		p = v + 4;
	} else {
		return bad;
	}
	for (size_t i = 0; i < sizeof whys / sizeof whys[0]; i++)
		if (strncmp(p, whys[i], strlen(whys[i])) == 0) {
			h->why = (enum halt_why)i;
			return count(p + strlen(whys[i]), h) ? NULL : bad;
		}
	return bad;
}

bool halt_reached(const struct halt *h, uint64_t failed, uint64_t succeeded,
		  uint64_t total)
{
	uint64_t k = h->why == HALT_FAIL ? failed
		   : h->why == HALT_SUCCESS ? succeeded : failed + succeeded;

	if (h->when == HALT_NEVER || k == 0)
		return false;
	if (!h->pct)
		return k >= h->n;
	/* N% of TOTAL, as parallel: at least TOTAL * N / 100 of them. */
	return total > 0 && k * 100 >= h->n * total;
}
