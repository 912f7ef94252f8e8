/*
 * test_halt.c - GNU parallel's --halt grammar, its older forms, what is
 * refused, and when each kind of condition is met (counts and percents,
 * a percentage waiting for the total).
 */
#include "halt.h"

#include "tap.h"

static struct halt h;

static int parses(const char *v, enum halt_when when, enum halt_why why,
		  uint64_t n, bool pct)
{
	return halt_parse(v, &h) == NULL && h.when == when && h.why == why &&
	       h.n == n && h.pct == pct;
}

int main(void)
{
	ok(parses("soon,fail=3", HALT_SOON, HALT_FAIL, 3, false), "soon,fail=3");
	ok(parses("now,success=1", HALT_NOW, HALT_SUCCESS, 1, false), "now,success=1");
	ok(parses("soon,fail=20%", HALT_SOON, HALT_FAIL, 20, true), "soon,fail=20%%");
	ok(parses("now,done=100%", HALT_NOW, HALT_DONE, 100, true), "now,done=100%%");
	ok(parses("0", HALT_NEVER, HALT_FAIL, 0, false), "0 is never");
	ok(parses("never", HALT_NEVER, HALT_FAIL, 0, false), "never");
	ok(parses("1", HALT_SOON, HALT_FAIL, 1, false), "1 is soon,fail=1");
	ok(parses("2", HALT_NOW, HALT_FAIL, 1, false), "2 is now,fail=1");
	ok(parses("-1", HALT_SOON, HALT_SUCCESS, 1, false), "-1 is soon,success=1");
	ok(parses("-2", HALT_NOW, HALT_SUCCESS, 1, false), "-2 is now,success=1");
	ok(parses("25%", HALT_SOON, HALT_FAIL, 25, true), "25%% is soon,fail=25%%");
	{
		static const char *const bad[] = {
			"3", "sometimes", "soon", "soon,", "soon,fail", "soon,fail=",
			"soon,fail=0", "soon,fail=x", "soon,fail=101%", "soon,fail=0%",
			"later,fail=1", "soon,oops=1", "soon,fail=1,", "100%", "%",
			"soon,fail=-1", "now,done=1x",
		};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			ok(halt_parse(bad[i], &h) != NULL, "refused: '%s'", bad[i]);
	}

	halt_parse("soon,fail=2", &h);
	ok(!halt_reached(&h, 1, 9, 0), "fail=2: one failure is not enough");
	ok(halt_reached(&h, 2, 0, 0), "fail=2: two are");
	halt_parse("now,success=1", &h);
	ok(!halt_reached(&h, 5, 0, 0), "success=1: failures do not count");
	ok(halt_reached(&h, 0, 1, 0), "success=1: one success");
	halt_parse("soon,done=3", &h);
	ok(halt_reached(&h, 1, 2, 0), "done=3: failures and successes");
	halt_parse("soon,fail=20%", &h);
	ok(!halt_reached(&h, 5, 0, 0), "a percentage waits for the total");
	ok(!halt_reached(&h, 1, 0, 10), "fail=20%%: 1 of 10 is not enough");
	ok(halt_reached(&h, 2, 0, 10), "fail=20%%: 2 of 10 is");
	ok(!halt_reached(&h, 1, 0, 7), "fail=20%%: 1 of 7 is not (1.4 needed)");
	ok(halt_reached(&h, 2, 0, 7), "fail=20%%: 2 of 7 is");
	halt_parse("never", &h);
	ok(!halt_reached(&h, 100, 100, 200), "never: never");
	return tap_done();
}
