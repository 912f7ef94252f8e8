/*
 * test_cost.c - the run's cost summary: totals, quantiles, top lists, the
 * conversion from struct rusage and the size formatter.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cost.h"
#include "tap.h"
#include "util.h"

static struct cost mk(int64_t cpu_ms, uint64_t rss_kib)
{
	struct cost c = { .known = true, .user_ns = cpu_ms * NS_PER_MS,
			  .maxrss_kib = rss_kib, .vcsw = 2, .ivcsw = 1 };
	return c;
}

static void test_rusage(void)
{
	struct rusage ru;
	struct cost c;

	memset(&ru, 0, sizeof ru);
	ru.ru_utime.tv_sec = 1;
	ru.ru_utime.tv_usec = 250000;
	ru.ru_stime.tv_usec = 5;
	ru.ru_maxrss = 65536;
	ru.ru_nvcsw = 7;
	ru.ru_nivcsw = 3;
	cost_from_rusage(&c, &ru);
	ok(c.known, "a reaped job's cost is known");
	is_int(c.user_ns, 1250000000, "user CPU in ns");
	is_int(c.sys_ns, 5000, "system CPU in ns");
	is_int(cost_cpu_ns(&c), 1250005000, "CPU is user + system");
	is_int(c.maxrss_kib, 65536, "peak RSS in KiB as the kernel says");
	is_int(c.vcsw, 7, "voluntary switches");
	is_int(c.ivcsw, 3, "involuntary switches");
}

static void test_top(void)
{
	struct costsum s;
	/* CPU ms and RSS KiB of jobs 1..8, in the order they end. */
	static const int64_t cpu[] = { 30, 10, 500, 20, 500, 5, 40, 600 };
	static const uint64_t rss[] = { 100, 9000, 50, 9000, 70000, 1, 2, 3 };
	char cmd[32];

	costsum_init(&s);
	for (int i = 0; i < 8; i++) {
		struct cost c = mk(cpu[i], rss[i]);

		snprintf(cmd, sizeof cmd, "job %d", i + 1);
		costsum_add(&s, (uint64_t)i + 1, 1, &c, 10, 1, cmd);
	}
	is_int(s.n, 8, "eight attempts counted");
	is_int(s.user_ns, 1705 * NS_PER_MS, "user CPU adds up");
	is_int(s.vcsw, 16, "voluntary switches add up");
	is_int(s.bytes_out, 80, "stdout bytes add up");
	is_int(s.bytes_err, 8, "stderr bytes add up");
	is_int(s.nby_cpu, COST_TOP, "the CPU top list holds three");
	is_int(s.by_cpu[0].seq, 8, "most CPU: job 8");
	is_int(s.by_cpu[1].seq, 3, "a tie keeps the earlier job first");
	is_int(s.by_cpu[2].seq, 5, "third: the later of the tie");
	is_str(s.by_cpu[0].cmdline, "job 8", "the record comes with its command");
	ok(s.by_cpu[0].cmdline != cmd, "the command is a copy");
	is_int(s.by_rss[0].seq, 5, "most memory: job 5");
	is_int(s.by_rss[1].seq, 2, "then job 2 (tie with 4, earlier)");
	is_int(s.by_rss[2].seq, 4, "then job 4");
	is_int(s.by_rss[0].cost.maxrss_kib, 70000, "its peak RSS");
	is_int(costsum_rss_quantile(&s, 1.0), 70000, "max RSS exact");
	is_int(costsum_cpu_quantile(&s, 1.0), 600 * NS_PER_MS, "max CPU exact");
	costsum_release(&s);
}

/* A quantile within the histogram's 1/32 of the true value. */
static int near(double got, double want)
{
	return got >= want * (1 - 1.0 / 32) && got <= want * (1 + 1.0 / 32);
}

static void test_quantiles(void)
{
	struct costsum s;

	costsum_init(&s);
	/* 1..100 ms of CPU, 1..100 MiB: p50 is 50, p90 is 90. */
	for (int i = 100; i >= 1; i--) {
		struct cost c = mk(i, (uint64_t)i * 1024);

		costsum_add(&s, (uint64_t)i, 1, &c, 0, 0, NULL);
	}
	ok(near((double)costsum_cpu_quantile(&s, 0.5), 50e6), "CPU p50 ~ 50ms");
	ok(near((double)costsum_cpu_quantile(&s, 0.9), 90e6), "CPU p90 ~ 90ms");
	ok(near((double)costsum_rss_quantile(&s, 0.5), 50 * 1024.0),
	   "RSS p50 ~ 50MiB");
	ok(near((double)costsum_rss_quantile(&s, 0.9), 90 * 1024.0),
	   "RSS p90 ~ 90MiB");
	is_int(s.by_cpu[0].seq, 100, "top CPU of a descending run");
	ok(s.by_cpu[0].cmdline == NULL, "no command: none kept");
	costsum_release(&s);
}

static void test_unknown(void)
{
	struct costsum s;
	struct cost none = { 0 };

	costsum_init(&s);
	costsum_add(&s, 1, 1, &none, 5, 6, "never ran");
	is_int(s.n, 0, "a job that never started has no cost");
	is_int(s.nby_cpu + s.nby_rss, 0, "and is in no top list");
	is_int(s.bytes_out + s.bytes_err, 11, "its bytes still count");
	is_int(costsum_rss_quantile(&s, 0.5), 0, "no quantile without jobs");
	costsum_release(&s);
}

static void test_fmt(void)
{
	char b[32];

	is_str(cost_fmt_bytes(b, sizeof b, 0), "0B", "0 bytes");
	is_str(cost_fmt_bytes(b, sizeof b, 1023), "1023B", "under a KiB");
	is_str(cost_fmt_bytes(b, sizeof b, 4096), "4.00KiB", "4 KiB");
	is_str(cost_fmt_kib(b, sizeof b, 65536), "64.0MiB", "64 MiB");
	is_str(cost_fmt_kib(b, sizeof b, 512), "512KiB", "512 KiB");
	is_str(cost_fmt_kib(b, sizeof b, 1310720), "1.25GiB", "1.25 GiB");
}

int main(void)
{
	test_rusage();
	test_top();
	test_quantiles();
	test_unknown();
	test_fmt();
	return tap_done();
}
