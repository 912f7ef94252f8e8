/*
 * test_fanin.c - the fan-in on synthetic chunks, no processes.
 *
 * fanin writes to fds 1 and 2; each case points them at temp files for the
 * duration (TAP goes out only after they are restored) and reads back what
 * was written, also midway, to see when bytes come out: the -k order, the
 * head streaming live and a job turning head while it runs, skips far ahead
 * of the ring, spilling under a tiny budget, --line-buffer and --tag
 * framing, retries, the order at fanin_finish, write errors, and a
 * multi-threaded -k run checked byte for byte (meant for TSan too).
 */
#define _GNU_SOURCE
#include "fanin.h"
#include "tap.h"
#include "util.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int saved[3];
static FILE *capf[3];

/* Point fds 1 and 2 at fresh temp files. */
static void cap_start(void)
{
	fflush(stdout);
	for (int fd = 1; fd <= 2; fd++) {
		capf[fd] = tmpfile();
		saved[fd] = dup(fd);
		dup2(fileno(capf[fd]), fd);
	}
}

/* What has been written to FD (1 or 2) so far, NUL-terminated. */
static char *cap_read(int fd, size_t *lenp)
{
	struct stat st;
	char *buf;
	size_t n;

	fstat(fileno(capf[fd]), &st);
	n = (size_t)st.st_size;
	buf = xmalloc(n + 1);
	if (pread(fileno(capf[fd]), buf, n, 0) != (ssize_t)n)
		n = 0;
	buf[n] = '\0';
	if (lenp)
		*lenp = n;
	return buf;
}

/* Is what FD holds now exactly WANT? */
static bool cap_is(int fd, const char *want)
{
	char *got = cap_read(fd, NULL);
	bool same = strcmp(got, want) == 0;

	free(got);
	return same;
}

static void cap_end(void)
{
	for (int fd = 1; fd <= 2; fd++) {
		dup2(saved[fd], fd);
		close(saved[fd]);
		fclose(capf[fd]);
	}
}

static int errors_seen;

static void on_error(void *arg)
{
	(void)arg;
	errors_seen++;
}

static void setup(struct fanin *f, struct fanin_conf *c, bool k,
		  enum fanin_mode m, size_t budget)
{
	memset(c, 0, sizeof *c);
	c->keep_order = k;
	c->mode = m;
	c->buffer_size = budget;
	c->on_error = on_error;
	errors_seen = 0;
	fanin_init(f, c);
}

static void put(struct fanin *f, struct jobout *j, int which, const char *s)
{
	fanin_data(f, j, which, s, strlen(s));
}

static void test_order(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *j[6];
	bool held, all;
	int order[] = { 3, 5, 4, 1, 2 };

	setup(&f, &o, true, FANIN_GROUPED, 1 << 20);
	cap_start();
	for (int i = 1; i <= 5; i++)
		j[i] = fanin_begin(&f, (uint64_t)i, NULL, 0);
	for (int i = 5; i >= 1; i--) {
		char b[32];

		snprintf(b, sizeof b, "out%d\n", i);
		put(&f, j[i], 0, b);
		snprintf(b, sizeof b, "err%d\n", i);
		put(&f, j[i], 1, b);
	}
	for (int i = 0; i < 3; i++)
		fanin_end(&f, j[order[i]]);
	/* Job 1 is the head and streams its stdout; its stderr waits. */
	held = cap_is(1, "out1\n") && cap_is(2, "");
	fanin_end(&f, j[1]);
	fanin_end(&f, j[2]);
	all = cap_is(1, "out1\nout2\nout3\nout4\nout5\n") &&
	      cap_is(2, "err1\nerr2\nerr3\nerr4\nerr5\n");
	fanin_finish(&f);
	cap_end();
	ok(held, "-k: only the head's stdout is out while it runs");
	ok(all, "-k: ends 3 5 4 1 2 come out as 1 2 3 4 5, stdout and stderr");
	is_int(fanin_error(&f), FANIN_OK, "no error");
}

static void test_head_moves(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *a, *b, *c;
	bool s1, s2, s3, s4;

	setup(&f, &o, true, FANIN_GROUPED, 1 << 20);
	cap_start();
	a = fanin_begin(&f, 1, NULL, 0);
	b = fanin_begin(&f, 2, NULL, 0);
	c = fanin_begin(&f, 3, NULL, 0);
	put(&f, b, 0, "b-held ");
	put(&f, c, 0, "c ");
	fanin_end(&f, c);
	put(&f, a, 0, "a-live ");
	s1 = cap_is(1, "a-live ");
	/* The head ends while job 2 runs: job 2's held bytes go out now. */
	fanin_end(&f, a);
	s2 = cap_is(1, "a-live b-held ");
	put(&f, b, 0, "b-live ");
	s3 = cap_is(1, "a-live b-held b-live ");
	fanin_end(&f, b);
	s4 = cap_is(1, "a-live b-held b-live c ");
	fanin_finish(&f);
	cap_end();
	ok(s1, "the head writes as it reads");
	ok(s2, "a job that turns head while running shows its held bytes at once");
	ok(s3, "then writes live");
	ok(s4, "and a finished successor follows only after it ends");
}

static void test_skips(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *a, *z, *m;
	bool before, after;
	uint64_t next;

	/* Window 0: a ring of 64; seqs far past it must grow it, skips too. */
	setup(&f, &o, true, FANIN_GROUPED, 1 << 20);
	cap_start();
	a = fanin_begin(&f, 1, NULL, 0);
	z = fanin_begin(&f, 5000, NULL, 0);
	put(&f, z, 0, "5000\n");
	fanin_end(&f, z);
	for (uint64_t s = 4999; s >= 2; s--)
		if (s != 70)
			fanin_skip(&f, s);
	m = fanin_begin(&f, 70, NULL, 0);
	put(&f, m, 0, "70\n");
	fanin_end(&f, m);
	fanin_skip(&f, 5001);
	fanin_skip(&f, 5003);
	put(&f, a, 0, "1\n");
	before = cap_is(1, "1\n");
	fanin_end(&f, a);
	after = cap_is(1, "1\n70\n5000\n");
	next = reorder_head(&f.order);
	fanin_finish(&f);
	cap_end();
	is_int(next, 5002, "the head passes skips, stops at a gap");
	ok(before, "nothing behind the head comes out before it ends");
	ok(after, "skips in any order, far past the ring, keep the order");
}

static void test_spill(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *a, *b;
	char *big = xmalloc(300000), *got, *want;
	size_t n, maxused = 0;
	char dir[] = "/tmp/test_fanin.XXXXXX";
	bool same;

	for (size_t i = 0; i < 300000; i++)
		big[i] = (char)('a' + (i * 7 + i / 1000) % 26);
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	setenv("TMPDIR", dir, 1);
	setup(&f, &o, true, FANIN_GROUPED, 16384);
	cap_start();
	a = fanin_begin(&f, 1, NULL, 0);
	b = fanin_begin(&f, 2, NULL, 0);
	for (size_t off = 0; off < 300000; off += 7000) {
		size_t k = 300000 - off < 7000 ? 300000 - off : 7000;

		fanin_data(&f, b, 0, big + off, k);
		fanin_data(&f, b, 1, big + off, k / 3);
		if (atomic_load(&f.store.used) > maxused)
			maxused = atomic_load(&f.store.used);
	}
	put(&f, a, 0, "head\n");
	fanin_end(&f, b);
	fanin_end(&f, a);
	got = cap_read(1, &n);
	want = xmalloc(300000 + 6);
	memcpy(want, "head\n", 5);
	memcpy(want + 5, big, 300000);
	same = n == 300005 && memcmp(got, want, n) == 0;
	free(got);
	fanin_finish(&f);
	unsetenv("TMPDIR");
	cap_end();
	ok(rmdir(dir) == 0, "the temp directory is left empty");
	ok(same, "300000 bytes through a 16 KiB budget come back exactly");
	ok(maxused <= 16384, "memory held stays within the budget (%zu)", maxused);
	is_int(atomic_load(&f.store.used), 0, "and all of it is given back");
	free(big);
	free(want);
}

static void test_lines(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *a, *b;
	bool s1, s2, s3;

	setup(&f, &o, false, FANIN_LINES, 1 << 20);
	cap_start();
	a = fanin_begin(&f, 1, "A", 1);
	b = fanin_begin(&f, 2, "B", 1);
	put(&f, a, 0, "a1");
	put(&f, b, 0, "b1\nb2");
	s1 = cap_is(1, "B\tb1\n");
	put(&f, a, 0, "-x\na");
	put(&f, a, 0, "2-");
	s2 = cap_is(1, "B\tb1\nA\ta1-x\n");
	fanin_end(&f, b);
	fanin_end(&f, a);
	s3 = cap_is(1, "B\tb1\nA\ta1-x\nB\tb2\nA\ta2-\n");
	fanin_finish(&f);
	cap_end();
	ok(s1, "--line-buffer --tag: a whole line passes, a part waits");
	ok(s2, "a line split over three chunks comes out whole, tagged once");
	ok(s3, "last lines without a newline get one at the end");
}

static void test_tag_grouped(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *a;
	bool s;
	char tag[8] = "rec";

	setup(&f, &o, true, FANIN_GROUPED, 1 << 20);
	cap_start();
	fanin_skip(&f, 1);
	a = fanin_begin(&f, 3, tag, 3);
	strcpy(tag, "XXX");     /* the record may go away: fanin copies it */
	put(&f, a, 0, "ab");
	put(&f, a, 0, "c\nd");
	put(&f, a, 0, "e\n\nf");
	fanin_end(&f, a);
	fanin_skip(&f, 2);
	s = cap_is(1, "rec\tabc\nrec\tde\nrec\t\nrec\tf");
	fanin_finish(&f);
	cap_end();
	ok(s, "--tag: each line tagged once, chunks or not, empty lines too");
}

static void test_discard_finish(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *a, *b, *c;
	bool s1, s2;

	setup(&f, &o, true, FANIN_GROUPED, 1 << 20);
	cap_start();
	a = fanin_begin(&f, 2, NULL, 0);
	put(&f, a, 0, "first try\n");
	fanin_discard(&f, a);
	a = fanin_begin(&f, 2, NULL, 0);
	put(&f, a, 0, "second try\n");
	b = fanin_begin(&f, 3, NULL, 0);
	put(&f, b, 0, "three\n");
	fanin_end(&f, b);
	fanin_end(&f, a);
	c = fanin_begin(&f, 5, NULL, 0);
	put(&f, c, 0, "five\n");
	fanin_end(&f, c);
	/* Job 1 never ran (cancelled): all waits behind it until the end. */
	s1 = cap_is(1, "");
	fanin_finish(&f);
	s2 = cap_is(1, "second try\nthree\nfive\n");
	cap_end();
	ok(s1, "-k: nothing passes a job that never ends");
	ok(s2, "fanin_finish writes what is left in order; a retry shows only "
	   "its last attempt");
}

static void test_write_errors(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct jobout *a, *b;
	int p[2], full;
	char *err;
	enum fanin_error e1, e2;
	int seen1, seen2;

	signal(SIGPIPE, SIG_IGN);
	setup(&f, &o, false, FANIN_GROUPED, 1 << 20);
	cap_start();
	if (pipe(p) == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
	}
	a = fanin_begin(&f, 1, NULL, 0);
	put(&f, a, 0, "x\n");
	fanin_end(&f, a);
	b = fanin_begin(&f, 2, NULL, 0);
	put(&f, b, 0, "y\n");
	put(&f, b, 1, "still here\n");
	fanin_end(&f, b);
	e1 = fanin_error(&f);
	seen1 = errors_seen;
	err = cap_read(2, NULL);
	fanin_finish(&f);

	setup(&f, &o, false, FANIN_GROUPED, 1 << 20);
	full = open("/dev/full", O_WRONLY);
	if (full >= 0) {
		dup2(full, 1);
		close(full);
	}
	a = fanin_begin(&f, 7, NULL, 0);
	put(&f, a, 0, "lost\n");
	fanin_end(&f, a);
	e2 = fanin_error(&f);
	seen2 = errors_seen;
	free(err);
	err = cap_read(2, NULL);
	fanin_finish(&f);
	cap_end();
	is_int(e1, FANIN_CLOSED, "closed pipe: FANIN_CLOSED");
	is_int(seen1, 1, "on_error runs once");
	ok(strstr(err, "still here") != NULL, "stderr goes on when stdout closed");
	is_int(e2, FANIN_FATAL, "/dev/full: FANIN_FATAL");
	is_int(seen2, 1, "on_error runs once");
	ok(strstr(err, "fanout: job 7: cannot write its output to stdout (the "
		   "rest is lost): No space left on device\n") != NULL,
	   "the message names the job and stream");
	free(err);
}

/* Many workers, random chunks, -k: the output is every job in order. */

#define STRESS_JOBS 1500
#define STRESS_THREADS 4

struct stress {
	struct fanin *f;
	_Atomic uint64_t next;
};

/* Job SEQ's stream WHICH: its length and its byte I. */
static size_t job_len(uint64_t seq, int which)
{
	uint64_t h = (seq * 2654435761u + (uint64_t)which * 40503u) >> 7;

	if (which)
		return h % 7 == 0 ? h % 3000 : 0;
	return h % (seq % 10 == 0 ? 40000 : 600);
}

static char job_byte(uint64_t seq, int which, size_t i)
{
	return (char)((which ? 'A' : 'a') + (seq * 31 + i * 7 + i / 97) % 26);
}

static void *stress_worker(void *arg)
{
	struct stress *st = arg;
	unsigned rng = (unsigned)(uintptr_t)&rng;
	char buf[5000];
	uint64_t seq;

	while ((seq = atomic_fetch_add(&st->next, 1)) <= STRESS_JOBS) {
		size_t len[2] = { job_len(seq, 0), job_len(seq, 1) };
		size_t off[2] = { 0, 0 };
		struct jobout *o;

		if (seq % 97 == 0) {
			fanin_skip(st->f, seq);
			continue;
		}
		o = fanin_begin(st->f, seq, NULL, 0);
		while (off[0] < len[0] || off[1] < len[1]) {
			int w;
			size_t k;

			rng = rng * 1103515245u + 12345u;
			w = off[0] >= len[0] ? 1 : off[1] >= len[1] ? 0
			    : (rng >> 20) % 4 == 0;
			k = 1 + (rng >> 8) % sizeof buf;
			if (k > len[w] - off[w])
				k = len[w] - off[w];
			for (size_t i = 0; i < k; i++)
				buf[i] = job_byte(seq, w, off[w] + i);
			fanin_data(st->f, o, w, buf, k);
			off[w] += k;
			if ((rng >> 12) % 50 == 0)
				usleep(100);
		}
		fanin_end(st->f, o);
	}
	return NULL;
}

static void test_stress(void)
{
	struct fanin f;
	struct fanin_conf o;
	struct stress st = { &f, 1 };
	pthread_t t[STRESS_THREADS];
	char *got[2];
	size_t n[2], pos[2] = { 0, 0 };
	bool good = true;

	setup(&f, &o, true, FANIN_GROUPED, 64 * 1024);
	cap_start();
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_create(&t[i], NULL, stress_worker, &st);
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	fanin_finish(&f);
	got[0] = cap_read(1, &n[0]);
	got[1] = cap_read(2, &n[1]);
	cap_end();

	for (uint64_t seq = 1; seq <= STRESS_JOBS && good; seq++) {
		if (seq % 97 == 0)
			continue;
		for (int w = 0; w < 2; w++)
			for (size_t i = 0; i < job_len(seq, w) && good; i++)
				good = pos[w] < n[w] &&
				       got[w][pos[w]++] == job_byte(seq, w, i);
	}
	ok(good && pos[0] == n[0] && pos[1] == n[1],
	   "%d threads, %d jobs, random chunks under a 64 KiB budget: every "
	   "byte in order (%zu + %zu bytes)", STRESS_THREADS, STRESS_JOBS,
	   n[0], n[1]);
	is_int(atomic_load(&f.store.used), 0, "all memory given back");
	free(got[0]);
	free(got[1]);
}

int main(void)
{
	test_order();
	test_head_moves();
	test_skips();
	test_spill();
	test_lines();
	test_tag_grouped();
	test_discard_finish();
	test_write_errors();
	test_stress();
	return tap_done();
}
