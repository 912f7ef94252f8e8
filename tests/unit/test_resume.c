/*
 * test_resume.c - the --resume scanner: what it counts as done, what it
 * refuses (with the line and the reason), that any split of the bytes gives
 * the same answer, and that a last line cut short is left out.
 */
#include <string.h>

#include "resume.h"
#include "tap.h"

#define HDR "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\t" \
	"Signal\tCommand\n"
#define ROW(seq, exitval, sig, cmd) \
	seq "\t:\t1700000000.123\t     0.004\t0\t12\t" exitval "\t" sig "\t" \
	cmd "\n"

/* Feed TEXT in pieces of STEP bytes (0: all at once); true if accepted. */
static bool scan(struct resume *s, const char *text, size_t step, bool only_ok)
{
	size_t n = strlen(text);

	resume_init(s, only_ok);
	if (!step)
		step = n ? n : 1;
	for (size_t i = 0; i < n; i += step)
		if (!resume_feed(s, text + i, n - i < step ? n - i : step))
			return false;
	seqset_seal(&s->done);
	return true;
}

/* TEXT is refused at LINE because WHY, however it is split. */
static void refused(const char *text, unsigned line, const char *why)
{
	static const size_t steps[] = { 0, 1, 3, 7 };
	int good = 1;

	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct resume s;

		good &= !scan(&s, text, steps[i], false) && s.line == line &&
			strcmp(s.why, why) == 0;
		if (!good && i == 0)
			printf("#   line %llu: '%s'\n",
			       (unsigned long long)s.line, s.why);
		resume_release(&s);
	}
	ok(good, "refused at line %u: %s", line, why);
}

static void test_good(void)
{
	const char *log = HDR
		ROW("1", "0", "0", "echo a")
		ROW("3", "1", "0", "exit 1")
		ROW("2", "0", "9", "kill\tme")       /* a tab in the Command */
		ROW("4", "-1", "15", "")             /* timeout, empty Command */
		ROW("3", "0", "0", "exit 1")         /* retried, then ok */
		ROW("9223372036854775807", "-2", "0", "skipped")
		"5\tuser@host\t1.5\t-0.001\t100\t0\t255\t127\tx\0y\n";
	static const size_t steps[] = { 0, 1, 2, 5, 64 };
	int all = 1, okonly = 1;

	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct resume s;
		/* The NUL inside the last Command: feed by length. */
		size_t n = strlen(log) + strlen(log + strlen(log) + 1) + 1;

		resume_init(&s, false);
		for (size_t k = 0, st = steps[i] ? steps[i] : n; k < n; k += st)
			all &= resume_feed(&s, log + k, n - k < st ? n - k : st);
		seqset_seal(&s.done);
		for (uint64_t q = 1; q <= 5; q++)
			all &= seqset_has(&s.done, q);
		all &= seqset_has(&s.done, 9223372036854775807ULL) &&
		       !seqset_has(&s.done, 6) && s.end_ok == n && s.nread == n;
		resume_release(&s);

		resume_init(&s, true);
		for (size_t k = 0, st = steps[i] ? steps[i] : n; k < n; k += st)
			okonly &= resume_feed(&s, log + k, n - k < st ? n - k : st);
		seqset_seal(&s.done);
		okonly &= seqset_has(&s.done, 1) && !seqset_has(&s.done, 2) &&
			  seqset_has(&s.done, 3) && !seqset_has(&s.done, 4) &&
			  !seqset_has(&s.done, 5);
		resume_release(&s);
	}
	ok(all, "every job of a good log is done, however it is split");
	ok(okonly, "only_ok: only Exitval 0 and Signal 0 count");
}

static void test_empty_and_torn(void)
{
	struct resume s;
	char host[1100];

	ok(scan(&s, ROW("2", "0", "0", "a") ROW("1", "0", "0", "b"), 1, false) &&
	   seqset_has(&s.done, 1) && seqset_has(&s.done, 2),
	   "a log without its header: line 1 is a job");
	resume_release(&s);
	memset(host, 'h', sizeof host);
	memcpy(host, "1\t", 2);
	host[sizeof host - 1] = '\0';
	ok(!scan(&s, host, 0, false) && s.nread == 2 + 1024 + 1 &&
	   strcmp(s.why, "bad Host 'hhhhhhhhhhhhhhhhhhhh...'") == 0,
	   "a Host of 1025 bytes is refused at once");
	resume_release(&s);

	ok(scan(&s, "", 0, false) && s.end_ok == 0 && s.done.n == 0,
	   "an empty log: nothing done");
	resume_release(&s);
	ok(scan(&s, HDR, 0, false) && s.end_ok == strlen(HDR) &&
	   s.done.n == 0, "a header only: nothing done");
	resume_release(&s);
	ok(scan(&s, "Seq\tHo", 1, false) && s.end_ok == 0 && s.nread == 6,
	   "a header cut short: nothing whole");
	resume_release(&s);
	ok(scan(&s, HDR ROW("1", "0", "0", "a") "2\t:\t17000", 1, false) &&
	   seqset_has(&s.done, 1) && !seqset_has(&s.done, 2) &&
	   s.end_ok == strlen(HDR ROW("1", "0", "0", "a")),
	   "a last line cut short is left out");
	resume_release(&s);
	ok(scan(&s, HDR ROW("1", "0", "0", "a") "2\t:\t1\t1\t0\t0\t0\t0\tech",
		0, false) && !seqset_has(&s.done, 2),
	   "also when only its Command is cut short");
	resume_release(&s);
}

/* /dev/zero or /dev/full: refused at the first byte, not read forever. */
static void test_zeros(void)
{
	static const char zeros[4096];
	struct resume s;

	resume_init(&s, false);
	ok(!resume_feed(&s, zeros, sizeof zeros) && s.nread == 32 &&
	   s.line == 1 &&
	   strcmp(s.why, "bad Seq '????????????????????...'") == 0,
	   "NUL bytes: refused once too long for a Seq");
	resume_release(&s);
}

int main(void)
{
	test_good();
	test_empty_and_torn();
	test_zeros();
	refused("\x7f" "ELF\t", 1, "bad Seq '?ELF'");
	refused("Seq\tHost\tStart\n", 1, "not a job log header");
	refused("Seq\tHost\n", 1, "not a job log header");
	refused(HDR "garbage\n", 2, "bad Seq 'garbage'");
	refused(HDR ROW("1", "0", "0", "a") ROW("-1", "0", "0", "a"), 3,
		"bad Seq '-1'");
	refused(HDR ROW("0", "0", "0", "a"), 2, "bad Seq '0'");
	refused(HDR ROW("9223372036854775808", "0", "0", "a"), 2,
		"bad Seq '9223372036854775808'");
	refused(HDR ROW("18446744073709551616", "0", "0", "a"), 2,
		"bad Seq '18446744073709551616'");
	refused(HDR ROW("+1", "0", "0", "a"), 2, "bad Seq '+1'");
	refused(HDR ROW(" 1", "0", "0", "a"), 2, "bad Seq ' 1'");
	refused(HDR "1234567890123456789012345678901234567890", 2,
		"bad Seq '12345678901234567890...'");
	refused(HDR "1\t\t1.0\t1.0\t0\t0\t0\t0\ta\n", 2, "bad Host ''");
	refused(HDR "1\t:\tnow\t1.0\t0\t0\t0\t0\ta\n", 2, "bad Starttime 'now'");
	refused(HDR "1\t:\t1.\t1.0\t0\t0\t0\t0\ta\n", 2, "bad Starttime '1.'");
	refused(HDR "1\t:\t1\t1e3\t0\t0\t0\t0\ta\n", 2, "bad JobRuntime '1e3'");
	refused(HDR "1\t:\t1\t1\t-1\t0\t0\t0\ta\n", 2, "bad Send '-1'");
	refused(HDR "1\t:\t1\t1\t0\tx\t0\t0\ta\n", 2, "bad Receive 'x'");
	refused(HDR ROW("1", "256", "0", "a"), 2, "bad Exitval '256'");
	refused(HDR ROW("1", "-256", "0", "a"), 2, "bad Exitval '-256'");
	refused(HDR ROW("1", "0", "128", "a"), 2, "bad Signal '128'");
	refused(HDR ROW("1", "0", "-1", "a"), 2, "bad Signal '-1'");
	refused(HDR ROW("1", "0\x01", "0", "a"), 2, "bad Exitval '0?'");
	refused(HDR "\n", 2, "empty line");
	refused(HDR "7\n", 2, "1 column instead of 9");
	refused(HDR "7\t:\t1\t1\t0\t0\t0\t0\n", 2, "8 columns instead of 9");
	refused(HDR HDR, 2, "bad Seq 'Seq'");
	return tap_done();
}
