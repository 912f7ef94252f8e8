/*
 * test_util.c - util's parsers and the one duration formatter: what a
 * user types is read back exactly, strtod's extras are refused, and each
 * form of fmt_duration() prints what messages and --stats quote.
 */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "util.h"

static void test_decimal(void)
{
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "1", 1 }, { "0.5", 1 }, { ".5", 1 }, { "5.", 1 }, { "", 0 },
		{ ".", 0 }, { "1.2.3", 0 }, { "-1", 0 }, { "+1", 0 },
		{ "1e3", 0 }, { "0x10", 0 }, { "inf", 0 }, { "nan", 0 },
		{ " 1", 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *s = cases[i].s;

		is_int(is_plain_decimal(s, s + strlen(s)), cases[i].want,
		       "is_plain_decimal('%s')", s);
	}
}

static void test_parse_duration(void)
{
	static const struct {
		const char *s;
		int64_t ns;     /* -1: refused */
	} cases[] = {
		{ "1", NS_PER_SEC }, { "1.5s", 1500 * NS_PER_MS },
		{ "250ms", 250 * NS_PER_MS }, { "2m", 120 * NS_PER_SEC },
		{ "1h", 3600 * NS_PER_SEC }, { "10us", 10000 }, { "5ns", 5 },
		{ "0", 0 }, { "-1", -1 }, { "1e3", -1 }, { "inf", -1 },
		{ "0x10", -1 }, { "1.2.3s", -1 }, { "5 s", -1 }, { "", -1 },
		{ "1d", -1 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t ns = -1;
		const char *why = parse_duration(cases[i].s, &ns);

		if (cases[i].ns < 0)
			ok(why != NULL, "parse_duration('%s') refused",
			   cases[i].s);
		else
			ok(!why && ns == cases[i].ns, "parse_duration('%s')",
			   cases[i].s);
	}
}

static void test_fmt_duration(void)
{
	static const struct {
		int64_t ns;
		enum dur_form form;
		const char *want;
	} cases[] = {
		/* Exact: what the user gave comes back as written. */
		{ NS_PER_SEC, DUR_EXACT, "1s" },
		{ 500 * NS_PER_MS, DUR_EXACT, "0.5s" },
		{ 300 * NS_PER_MS, DUR_EXACT, "0.3s" },
		{ 30 * NS_PER_SEC, DUR_EXACT, "30s" },
		{ 10000, DUR_EXACT, "0.00001s" },
		{ 0, DUR_EXACT, "0s" },
		/* Rough: a measurement, about three digits. */
		{ 0, DUR_ROUGH, "0s" },
		{ 850000, DUR_ROUGH, "850us" },
		{ 12500000, DUR_ROUGH, "12.5ms" },
		{ 101 * NS_PER_MS, DUR_ROUGH, "101ms" },
		{ 2500 * NS_PER_MS, DUR_ROUGH, "2.50s" },
		{ 187 * NS_PER_SEC, DUR_ROUGH, "3m07s" },
		{ 7500 * NS_PER_SEC, DUR_ROUGH, "2h05m" },
		/* Past INT_MAX seconds (found by fuzzing under UBSan). */
		{ INT64_MAX, DUR_ROUGH, "2562047h47m" },
	};
	char b[32];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_str(fmt_duration(b, sizeof b, cases[i].ns, cases[i].form),
		       cases[i].want, "fmt_duration %s '%s'",
		       cases[i].form == DUR_EXACT ? "exact" : "rough",
		       cases[i].want);
}

int main(void)
{
	test_decimal();
	test_parse_duration();
	test_fmt_duration();
	return tap_done();
}
