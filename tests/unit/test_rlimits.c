/*
 * test_rlimits.c - --rlimit's parser and the --memfree / --load gate's
 * pure parts: the decision and the /proc readings.
 */
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "loadgate.h"
#include "rlimits.h"
#include "tap.h"

static void test_parse(void)
{
	struct rlimits r = { 0 };
	char bad[64];
	const char *why;

	why = rlimits_parse(&r, "as=2G,cpu=10,nofile=64,core=0,stack=8m,"
			    "data=unlimited,fsize=1k,nproc=100", bad, sizeof bad);
	ok(why == NULL, "eight limits parse");
	is_int(r.n, 8, "eight limits kept");
	is_str(r.v[0].name, "as", "as first");
	is_int(r.v[0].resource, RLIMIT_AS, "as is RLIMIT_AS");
	is_int(r.v[0].rl.rlim_cur, 2LL << 30, "2G is 2 GiB");
	is_int(r.v[0].rl.rlim_max, 2LL << 30, "and the hard limit too");
	is_int(r.v[1].rl.rlim_cur, 10, "cpu 10 s soft");
	is_int(r.v[1].rl.rlim_max, 11, "cpu hard one second later (SIGKILL)");
	is_int(r.v[3].rl.rlim_cur, 0, "core=0 is allowed");
	is_int(r.v[4].rl.rlim_cur, 8 << 20, "8m is 8 MiB");
	ok(r.v[5].rl.rlim_cur == RLIM_INFINITY, "unlimited");
	is_int(r.v[6].rl.rlim_cur, 1024, "1k");
	why = rlimits_parse(&r, "cpu=5", bad, sizeof bad);
	ok(why == NULL && r.n == 8, "a later limit replaces an earlier one");
	is_int(r.v[1].rl.rlim_cur, 5, "cpu now 5");

	memset(&r, 0, sizeof r);
	why = rlimits_parse(&r, "as=1G,wat=3", bad, sizeof bad);
	ok(why && strstr(why, "unknown limit"), "unknown name refused");
	is_str(bad, "wat=3", "the item at fault is named");
	why = rlimits_parse(&r, "nofile=10k", bad, sizeof bad);
	ok(why && strstr(why, "whole number"), "nofile takes no suffix");
	why = rlimits_parse(&r, "as=", bad, sizeof bad);
	ok(why != NULL, "empty value refused");
	why = rlimits_parse(&r, "as", bad, sizeof bad);
	is_str(why, "must be NAME=VALUE", "no '=' refused");
	why = rlimits_parse(&r, "cpu=0", bad, sizeof bad);
	is_str(why, "must be at least 1", "cpu=0 refused");
	why = rlimits_parse(&r, "as=1G,", bad, sizeof bad);
	ok(why != NULL, "a trailing comma refused");
	why = rlimits_parse(&r, "as=99999999999999999999999", bad, sizeof bad);
	ok(why != NULL, "an overflowing value refused");
	why = rlimits_parse(&r, "fsize=9000000T", bad, sizeof bad);
	ok(why != NULL, "a size past 2^62 refused");
}

static void test_gate(void)
{
	struct loadgate_conf c = { .memfree = 1 << 30, .load = 2.5 };
	const char *mi = "MemTotal:       16318040 kB\n"
			 "MemFree:          917520 kB\n"
			 "MemAvailable:    8159020 kB\n";

	is_int(loadgate_meminfo(mi), 8159020LL * 1024, "MemAvailable in bytes");
	is_int(loadgate_meminfo("MemFree: 5 kB\n"), -1, "no MemAvailable: -1");
	is_int(loadgate_meminfo("XMemAvailable: 5 kB\n"), -1,
	       "only a whole field name");
	ok(loadgate_loadavg("0.52 0.58 0.59 1/467 12345\n") == 0.52,
	   "the 1-minute load average");
	ok(loadgate_loadavg("") < 0, "nothing to read: -1");
	ok(loadgate_why(&c, 2LL << 30, 1.0) == NULL, "plenty: a job may start");
	ok(loadgate_why(&c, 512LL << 20, 1.0) != NULL, "memory low: wait");
	ok(loadgate_why(&c, 2LL << 30, 3.0) != NULL, "load high: wait");
	ok(loadgate_why(&c, 2LL << 30, 2.5) == NULL, "load at N: may start");
	ok(loadgate_why(&c, -1, -1) == NULL, "unknown readings let it start");
	c.memfree = 0;
	ok(loadgate_why(&c, 1, 1.0) == NULL, "no --memfree: memory ignored");
}

/* --memfree's stop: which running job, if any (loadgate_victim). */
static void test_victim(void)
{
	const uint64_t G = 1ULL << 30;
	/* Slots 0..4: idle, 3rd start, 7th (the youngest), idle, 5th. */
	uint64_t started[5] = { 0, 3, 7, 0, 5 };
	uint64_t one[3] = { 0, 9, 0 };

	is_int(loadgate_victim(4 * G, G, started, 5, false), 2,
	       "below half: the youngest, the one started last");
	is_int(loadgate_victim(4 * G, 2 * G - 1, started, 5, false), 2,
	       "just below half: stop");
	is_int(loadgate_victim(4 * G, 2 * G, started, 5, false), -1,
	       "at half: none");
	is_int(loadgate_victim(4 * G, 3 * G, started, 5, false), -1,
	       "below SIZE but above half: the gate holds starts, none stops");
	is_int(loadgate_victim(3, 1, started, 5, false), 2,
	       "half of an odd SIZE is not rounded down");
	is_int(loadgate_victim(4 * G, G, started, 5, true), -1,
	       "one at a time: none while a stopped job is still ending");
	is_int(loadgate_victim(4 * G, 0, one, 3, false), -1,
	       "a lone job is never stopped, however low");
	started[2] = 0;
	is_int(loadgate_victim(4 * G, G, started, 5, false), 4,
	       "the youngest ended: the next youngest");
	started[4] = 0;
	is_int(loadgate_victim(4 * G, G, started, 5, false), -1,
	       "down to one job: none");
	is_int(loadgate_victim(4 * G, -1, started, 5, false), -1,
	       "memory unknown: none");
	is_int(loadgate_victim(0, 0, started, 5, false), -1,
	       "no --memfree: none");
	is_int(loadgate_victim(4 * G, G, started, 0, false), -1, "no slots");
}

/* Which --rlimit ended a job, for its failure line (rlimits_cause). */
static void test_cause(void)
{
	struct rlimits r = { 0 }, none = { 0 };
	char bad[64], buf[32];
	const int64_t S = 1000000000;

	ok(rlimits_parse(&r, "cpu=60,fsize=1k,as=2G", bad, sizeof bad) == NULL,
	   "parsed");
	is_str(rlimits_cause(&r, SIGXCPU, 60 * S, buf, sizeof buf), "cpu=60",
	       "SIGXCPU: cpu");
	is_str(rlimits_cause(&r, SIGKILL, 61 * S, buf, sizeof buf), "cpu=60",
	       "SIGKILL past the CPU limit: cpu's hard limit");
	ok(rlimits_cause(&r, SIGKILL, 59 * S, buf, sizeof buf) == NULL,
	   "SIGKILL short of it: something else");
	is_str(rlimits_cause(&r, SIGXFSZ, 0, buf, sizeof buf), "fsize=1K",
	       "SIGXFSZ: fsize, as written");
	ok(rlimits_cause(&r, SIGSEGV, 99 * S, buf, sizeof buf) == NULL,
	   "other signals: none");
	ok(rlimits_cause(&none, SIGXCPU, 99 * S, buf, sizeof buf) == NULL,
	   "no cpu limit: none");
	ok(rlimits_parse(&r, "fsize=1536,cpu=unlimited", bad, sizeof bad) ==
	   NULL, "parsed again");
	is_str(rlimits_cause(&r, SIGXFSZ, 0, buf, sizeof buf), "fsize=1536",
	       "not a whole K: bytes");
	ok(rlimits_cause(&r, SIGXCPU, 99 * S, buf, sizeof buf) == NULL,
	   "cpu unlimited: none");
	ok(rlimits_parse(&r, "fsize=3T", bad, sizeof bad) == NULL, "parsed");
	is_str(rlimits_cause(&r, SIGXFSZ, 0, buf, sizeof buf), "fsize=3T",
	       "terabytes");
}

int main(void)
{
	test_parse();
	test_gate();
	test_victim();
	test_cause();
	return tap_done();
}
