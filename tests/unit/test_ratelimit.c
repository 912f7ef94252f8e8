/*
 * test_ratelimit.c - GCRA rate limiter on exact timelines, no sleeping.
 *
 * The limiter takes the time as an argument, so every case below replays a
 * timeline to the nanosecond: evenly spaced starts, bursts, fractional
 * rates, idle gaps, saturation at extreme values, a brute-force check of the
 * window bound on random arrivals, and the "N/UNIT" parser.
 */
#include "ratelimit.h"
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>

#define MS NS_PER_MS

static void test_even_spacing(void)
{
	struct ratelimit rl;
	int64_t t0 = 500000000000000000LL;  /* a monotonic clock far in */
	int bad = 0;

	rl_init(&rl, 10, NS_PER_SEC, 1);
	is_int(rl.interval_ns, 100 * MS, "10/s: interval 100 ms");
	is_int(rl_take(&rl, 0), 0, "burst 1: first take at 0 granted");
	is_int(rl_take(&rl, 0), 100 * MS, "second take at 0 waits 100 ms");
	is_int(rl_take(&rl, 50 * MS), 50 * MS, "take at 50 ms waits 50 ms");
	is_int(rl_take(&rl, 100 * MS - 1), 1, "take at 100 ms - 1 ns waits 1 ns");
	is_int(rl_take(&rl, 100 * MS), 0, "take at 100 ms granted");
	is_int(rl_take(&rl, 100 * MS), 100 * MS, "again at 100 ms waits 100 ms");
	is_int(rl_take(&rl, 150 * MS), 50 * MS, "take at 150 ms waits 50 ms");
	is_int(rl_take(&rl, 200 * MS), 0, "take at 200 ms granted");

	/* Ten seconds of one request every 10 ms: grants exactly on 100 ms. */
	rl_init(&rl, 10, NS_PER_SEC, 1);
	for (int64_t t = 0; t <= 10 * NS_PER_SEC; t += 10 * MS) {
		int64_t w = rl_take(&rl, t0 + t);
		int64_t want = t % (100 * MS) == 0 ? 0 :
			100 * MS - t % (100 * MS);

		if (w != want) {
			if (!bad)
				printf("# t=%lld got %lld want %lld\n",
				       (long long)t, (long long)w,
				       (long long)want);
			bad++;
		}
	}
	is_int(bad, 0, "10 s of 10 ms requests: grants every 100 ms exactly");

	/* A late take does not let the next one come early. */
	rl_init(&rl, 10, NS_PER_SEC, 1);
	is_int(rl_take(&rl, 0), 0, "late: grant at 0");
	is_int(rl_take(&rl, 130 * MS), 0, "late: grant at 130 ms");
	is_int(rl_take(&rl, 200 * MS), 30 * MS, "late: next one at 230 ms");
	is_int(rl_take(&rl, 230 * MS), 0, "late: grant at 230 ms");
}

static void test_burst(void)
{
	struct ratelimit rl;
	int granted = 0;

	rl_init(&rl, 10, NS_PER_SEC, 5);
	for (int i = 0; i < 5; i++)
		granted += rl_take(&rl, 1000) == 0;
	is_int(granted, 5, "burst 5: five grants at once");
	is_int(rl_take(&rl, 1000), 100 * MS, "sixth waits one interval");
	is_int(rl_take(&rl, 1000 + 100 * MS), 0, "one token after 100 ms");
	is_int(rl_take(&rl, 1000 + 100 * MS), 100 * MS, "and only one");
	is_int(rl_take(&rl, 1000 + 250 * MS), 0, "one at 250 ms");
	is_int(rl_take(&rl, 1000 + 250 * MS), 50 * MS, "next at 300 ms");

	/* After a pause of 2.5 intervals, 2 tokens refilled (not 3). */
	rl_init(&rl, 10, NS_PER_SEC, 5);
	for (int i = 0; i < 5; i++)
		rl_take(&rl, 0);
	granted = 0;
	while (granted < 100 && rl_take(&rl, 250 * MS) == 0)
		granted++;
	is_int(granted, 2, "burst 5: 2 refilled after 250 ms");

	rl_init(&rl, 10, NS_PER_SEC, 0);
	is_int(rl.burst, 1, "burst 0 is clamped to 1");
}

static void test_fractional(void)
{
	struct ratelimit rl;
	double c;
	int64_t per;

	rl_init(&rl, 0.5, NS_PER_SEC, 1);
	is_int(rl.interval_ns, 2 * NS_PER_SEC, "0.5/s: interval 2 s");
	is_int(rl_take(&rl, 0), 0, "0.5/s: grant at 0");
	is_int(rl_take(&rl, NS_PER_SEC), NS_PER_SEC, "0.5/s: at 1 s wait 1 s");
	is_int(rl_take(&rl, 2 * NS_PER_SEC), 0, "0.5/s: grant at 2 s");

	ok(rl_parse("5/100ms", &c, &per) == NULL, "parse 5/100ms");
	rl_init(&rl, c, per, 1);
	is_int(rl.interval_ns, 20 * MS, "5/100ms: interval 20 ms");
	is_int(rl_take(&rl, 0), 0, "5/100ms: grant at 0");
	is_int(rl_take(&rl, 15 * MS), 5 * MS, "5/100ms: at 15 ms wait 5 ms");
	is_int(rl_take(&rl, 20 * MS), 0, "5/100ms: grant at 20 ms");

	rl_init(&rl, 3, 1000, 1);
	is_int(rl.interval_ns, 333, "3/us: 333.3 ns rounds to 333");
	rl_init(&rl, 6, 1000, 1);
	is_int(rl.interval_ns, 167, "6/us: 166.7 ns rounds to 167");
	rl_init(&rl, 1e12, NS_PER_SEC, 1);
	is_int(rl.interval_ns, 1, "faster than 1/ns: interval clamped to 1");
}

static void test_idle(void)
{
	struct ratelimit rl;
	int granted = 0;
	int64_t t = 3600 * NS_PER_SEC;

	rl_init(&rl, 10, NS_PER_SEC, 3);
	for (int i = 0; i < 3; i++)
		rl_take(&rl, 0);
	while (granted < 100 && rl_take(&rl, t) == 0)
		granted++;
	is_int(granted, 3, "an hour idle: still only burst (3) at once");
	is_int(rl_take(&rl, t), 100 * MS, "then spaced again");

	rl_init(&rl, 10, NS_PER_SEC, 1);
	rl_take(&rl, 0);
	is_int(rl_take(&rl, 9000000000000000000LL), 0,
	       "gap of 9e18 ns: granted");
	is_int(rl_take(&rl, 9000000000000000000LL), 100 * MS,
	       "gap of 9e18 ns: then one interval");
}

static void test_extremes(void)
{
	struct ratelimit rl;
	int64_t t0 = 1000000000000000000LL; /* 1e18 ns: ~31 years of uptime */
	int granted = 0;
	int64_t w;

	/* 1/h, burst 1000000: tolerance 3.6e18 ns, near the int64_t top. */
	rl_init(&rl, 1, 3600 * NS_PER_SEC, 1000000);
	while (granted <= 1000000 && rl_take(&rl, t0) == 0)
		granted++;
	is_int(granted, 1000000, "1/h burst 1e6 at 1e18: a million at once");
	is_int(rl_take(&rl, t0), 3600 * NS_PER_SEC, "then one hour");

	/* 1/day, burst 1e9: the tolerance saturates; no overflow. */
	rl_init(&rl, 1, 86400 * NS_PER_SEC, 1000000000);
	granted = 0;
	for (int i = 0; i < 1000; i++)
		granted += rl_take(&rl, t0) == 0;
	is_int(granted, 1000, "1/day burst 1e9: tolerance clamps, grants");

	/* An interval beyond int64_t: one start, then a clamped wait. */
	rl_init(&rl, 1e-12, 3600 * NS_PER_SEC, 1);
	is_int(rl.interval_ns, INT64_MAX, "1e-12/h: interval clamped");
	is_int(rl_take(&rl, t0), 0, "huge interval: first take granted");
	w = rl_take(&rl, t0);
	ok(w > 0 && w == INT64_MAX - t0, "huge interval: wait saturates (%lld)",
	   (long long)w);

	/* Near the top of the clock: saturate, stay positive. */
	rl_init(&rl, 10, NS_PER_SEC, 1);
	is_int(rl_take(&rl, INT64_MAX - 50 * MS), 0, "near INT64_MAX: grant");
	w = rl_take(&rl, INT64_MAX - 50 * MS);
	ok(w > 0 && w <= 100 * MS, "near INT64_MAX: wait %lld in (0, 100 ms]",
	   (long long)w);

	/* From the bottom of the clock to the top. */
	rl_init(&rl, 10, NS_PER_SEC, 1000);
	is_int(rl_take(&rl, INT64_MIN + 1), 0, "at INT64_MIN + 1: grant");
	is_int(rl_take(&rl, INT64_MAX - NS_PER_SEC), 0, "then at the top: grant");
	rl_init(&rl, 1, 3600 * NS_PER_SEC, 1);
	rl_take(&rl, INT64_MAX - 1);
	w = rl_take(&rl, INT64_MIN + 1);
	ok(w > 0, "time going back across the range: positive wait");
}

static uint64_t lcg_state = 0x2545f4914f6cdd1dULL;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(lcg_state >> 33);
}

/*
 * Random arrivals, taking whenever granted. For GCRA the bound over a closed
 * window of length W is exact: burst + floor(W / interval). Each grant pushes
 * TAT up by at least one interval, and a grant needs now >= TAT - (burst-1) *
 * interval, so the k-th grant after one at s is at >= s + (k - burst) *
 * interval. Also every wait must be exact: denied at now + wait - 1, granted
 * at now + wait.
 */
static void test_property(int64_t interval, int64_t burst, int n)
{
	struct ratelimit rl;
	int64_t *g = calloc((size_t)n, sizeof *g);
	int64_t t = 123456789, worst = INT64_MIN;
	int ng = 0, bad_wait = 0, bad_win = 0;

	rl_init(&rl, 1, interval, burst);
	for (int i = 0; i < n; i++) {
		uint32_t r = lcg();
		int64_t w;

		switch (r % 8) {
		case 0:                     /* same instant */
			break;
		case 1:                     /* long idle */
			t += (int64_t)(lcg() % 20) * interval;
			break;
		default:
			t += (int64_t)(lcg() % (uint32_t)(2 * interval + 1)) /
				(burst > 1 ? 2 : 1);
			break;
		}
		w = rl_take(&rl, t);
		if (w == 0) {
			g[ng++] = t;
			continue;
		}
		{
			struct ratelimit a = rl, b = rl;

			if (w < 0 || (w > 1 && rl_take(&a, t + w - 1) == 0) ||
			    rl_take(&b, t + w) != 0)
				bad_wait++;
		}
	}
	for (int i = 0; i < ng; i++) {
		for (int j = i; j < ng; j++) {
			int64_t cnt = j - i + 1;
			int64_t lim = burst + (g[j] - g[i]) / interval;

			if (cnt - (lim - burst) > worst)
				worst = cnt - (lim - burst);
			if (cnt > lim)
				bad_win++;
		}
	}
	ok(ng > n / 4, "random (interval %lld, burst %lld): %d of %d granted",
	   (long long)interval, (long long)burst, ng, n);
	is_int(bad_wait, 0, "random (interval %lld, burst %lld): waits exact",
	       (long long)interval, (long long)burst);
	is_int(bad_win, 0, "random (interval %lld, burst %lld): every window "
	       "<= burst + floor(W/interval)", (long long)interval,
	       (long long)burst);
	printf("# largest count - floor(W/interval) over windows: %lld\n",
	       (long long)worst);
	free(g);
}

/*
 * The bound is tight: a greedy caller that asks again exactly when told gets
 * burst + floor(W / interval) starts in [t0, t0 + W] for every W.
 */
static void test_tight(int64_t interval, int64_t burst)
{
	struct ratelimit rl;
	int64_t t0 = 777, t = t0, cnt = 0;
	int bad = 0;

	rl_init(&rl, 1, interval, burst);
	while (t <= t0 + 50 * interval && cnt < burst + 1000) {
		int64_t w = rl_take(&rl, t);

		if (w) {
			t += w;
			continue;
		}
		cnt++;
		/* All grants so far lie in [t0, t]; the next is later. */
		{
			struct ratelimit c = rl;
			int64_t next = rl_take(&c, t);
			int64_t end = next ? t + next - 1 : t;

			if (next && cnt != burst + (end - t0) / interval)
				bad++;
		}
	}
	is_int(bad, 0, "greedy (interval %lld, burst %lld): exactly burst + "
	       "floor(W/interval) in every window from the start",
	       (long long)interval, (long long)burst);
	is_int(cnt, burst + 50, "greedy: %lld starts in 50 intervals",
	       (long long)(burst + 50));
}

static void parse_ok(const char *s, double count, int64_t per)
{
	double c = -1;
	int64_t p = -1;
	const char *err = rl_parse(s, &c, &p);

	ok(err == NULL && c == count && p == per, "parse '%s' = %g per %lld ns%s%s",
	   s, count, (long long)per, err ? ": " : "", err ? err : "");
}

static void parse_bad(const char *s, const char *want)
{
	double c = -1;
	int64_t p = -1;
	const char *err = rl_parse(s, &c, &p);

	if (want)
		is_str(err, want, "reject '%s'", s);
	else
		ok(err != NULL, "reject '%s' (%s)", s, err ? err : "accepted");
}

static void test_parse(void)
{
	static const char usage[] = "must be N/UNIT, e.g. 10/s";

	parse_ok("10/s", 10, NS_PER_SEC);
	parse_ok("600/m", 600, 60 * NS_PER_SEC);
	parse_ok("5/100ms", 5, 100 * MS);
	parse_ok("2/h", 2, 3600 * NS_PER_SEC);
	parse_ok("0.5/s", 0.5, NS_PER_SEC);
	parse_ok("100", 100, NS_PER_SEC);
	parse_ok("1.5", 1.5, NS_PER_SEC);
	parse_ok("3/ms", 3, MS);
	parse_ok("7/us", 7, 1000);
	parse_ok("1/1.5s", 1, 1500 * MS);
	parse_ok("1/2m", 1, 120 * NS_PER_SEC);
	parse_ok("10/10", 10, 10 * NS_PER_SEC);
	parse_ok(".5/s", 0.5, NS_PER_SEC);

	parse_bad("", usage);
	parse_bad("/s", usage);
	parse_bad("10/", usage);
	parse_bad("10/x", usage);
	parse_bad("abc", usage);
	parse_bad("10/s/s", usage);
	parse_bad("10/S", usage);
	parse_bad("nan/s", usage);
	parse_bad("inf/s", usage);
	parse_bad("NaN", usage);
	parse_bad("1e3/s", usage);
	parse_bad("0x10/s", usage);
	parse_bad(" 10/s", usage);
	parse_bad("10/s ", usage);
	parse_bad("+10/s", usage);
	parse_bad("1..2/s", usage);
	parse_bad(".", usage);
	parse_bad("10/-1s", usage);
	parse_bad("0/s", "rate must be above 0");
	parse_bad("0.0/s", "rate must be above 0");
	parse_bad("-1/s", "rate must be above 0");
	parse_bad("-0.5", "rate must be above 0");
	parse_bad("10/0s", "period must be above 0");
	parse_bad("10/0ms", "period must be above 0");
	parse_bad("10/0", "period must be above 0");
	parse_bad("0.0000000001/h", "rate is too low");
	parse_bad("1/99999999999h", "period is too large");
}

int main(void)
{
	test_even_spacing();
	test_burst();
	test_fractional();
	test_idle();
	test_extremes();
	test_property(100 * MS, 1, 3000);
	test_property(100 * MS, 4, 3000);
	test_property(37, 7, 3000);
	test_property(1000, 32, 3000);
	test_tight(100 * MS, 1);
	test_tight(100 * MS, 5);
	test_tight(37, 64);
	test_parse();
	return tap_done();
}
