/*
 * test_deque.c - tests of the Chase-Lev deque (src/deque.c); prints TAP.
 *
 * The single-thread tests pin down the sequential behaviour, including a
 * long random run checked against a trivial model of the ring.  The stress
 * test follows GHC's testsuite/tests/rts/testwsdeque.c: one owner pushes
 * and pops pointers into a zeroed array of counters while three thieves
 * steal; every consumer increments the counter of what it got, and at the
 * end each must be exactly 1.  Each item also has a plain (non-atomic)
 * payload written before the push and read by the consumer, so a missing
 * release/acquire pair shows up as a ThreadSanitizer race.
 *
 * FANOUT_DEQUE_N sets the number of items of the stress test.
 */
#include "deque.h"
#include "tap.h"
#include "util.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#define NTHIEVES 3
#define NVALS 256

static int vals[NVALS];

static void test_init(void)
{
	struct deque d;
	static const struct {
		size_t cap;
		long want;
	} caps[] = { { 1, 1 }, { 2, 2 }, { 3, 4 }, { 5, 8 }, { 64, 64 },
	    { 65, 128 } };
	size_t i;

	is_int(deque_init(&d, 0), -1, "init: capacity 0 is refused");
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		is_int(deque_init(&d, caps[i].cap), 0, "init: capacity %zu",
		    caps[i].cap);
		is_int(d.mask + 1, caps[i].want,
		    "init: capacity %zu rounds up to %ld", caps[i].cap,
		    caps[i].want);
		deque_release(&d);
	}
}

static void test_empty(void)
{
	struct deque d;

	deque_init(&d, 4);
	ok(deque_pop(&d) == NULL, "empty: pop returns NULL");
	ok(deque_steal(&d) == NULL, "empty: steal returns NULL");
	ok(deque_pop(&d) == NULL, "empty: pop again returns NULL");
	is_int(deque_size(&d), 0, "empty: size 0 after failed pops");
	ok(deque_push(&d, &vals[0]), "empty: push after failed pops");
	is_int(deque_size(&d), 1, "empty: size 1 after one push");
	ok(deque_pop(&d) == &vals[0], "empty: pop gets the one item");
	ok(deque_pop(&d) == NULL && deque_steal(&d) == NULL,
	    "empty: NULL again once drained");
	deque_release(&d);
}

static void test_order(void)
{
	struct deque d;
	int i, lifo = 1, fifo = 1;

	deque_init(&d, 8);
	for (i = 0; i < 8; i++)
		deque_push(&d, &vals[i]);
	is_int(deque_size(&d), 8, "order: size 8 after 8 pushes");
	for (i = 7; i >= 0; i--)
		if (deque_pop(&d) != &vals[i])
			lifo = 0;
	ok(lifo, "order: pop is LIFO");
	ok(deque_pop(&d) == NULL, "order: pop NULL after draining");

	for (i = 0; i < 8; i++)
		deque_push(&d, &vals[i]);
	for (i = 0; i < 8; i++)
		if (deque_steal(&d) != &vals[i])
			fifo = 0;
	ok(fifo, "order: steal is FIFO");
	ok(deque_steal(&d) == NULL, "order: steal NULL after draining");

	deque_push(&d, &vals[0]);
	deque_push(&d, &vals[1]);
	deque_push(&d, &vals[2]);
	ok(deque_steal(&d) == &vals[0] && deque_pop(&d) == &vals[2] &&
	    deque_steal(&d) == &vals[1] && deque_pop(&d) == NULL,
	    "order: steal takes the oldest, pop the newest");
	deque_release(&d);
}

static void test_full(void)
{
	struct deque d;
	int i, pushed = 1;

	deque_init(&d, 3);	/* rounds up to 4 */
	for (i = 0; i < 4; i++)
		pushed &= deque_push(&d, &vals[i]);
	ok(pushed, "full: 4 pushes fit in capacity 3 rounded to 4");
	ok(!deque_push(&d, &vals[4]), "full: 5th push returns false");
	is_int(deque_size(&d), 4, "full: size stays 4");
	ok(deque_pop(&d) == &vals[3], "full: pop gets the newest");
	ok(deque_push(&d, &vals[4]), "full: push succeeds after a pop");
	ok(!deque_push(&d, &vals[5]), "full: and is full again");
	ok(deque_steal(&d) == &vals[0], "full: steal gets the oldest");
	ok(deque_push(&d, &vals[5]), "full: push succeeds after a steal");
	ok(!deque_push(&d, &vals[6]), "full: and is full again");
	deque_release(&d);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Random pushes, pops and steals on a capacity-4 deque, checked step by
 * step against a plain ring buffer; the indices wrap around many times.
 */
static void test_wrap(void)
{
	enum { CAP = 4, STEPS = 100000 };
	struct deque d;
	void *model[CAP];
	long head = 0, len = 0, bad = 0, pushes = 0, i;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	deque_init(&d, CAP);
	for (i = 0; i < STEPS; i++) {
		unsigned op = xorshift(&seed) % 3;
		void *got, *want;

		if (op == 0) {
			void *item = &vals[pushes % NVALS];
			bool ok_ = deque_push(&d, item);

			if (ok_ != (len < CAP))
				bad++;
			if (len < CAP) {
				model[(head + len) % CAP] = item;
				len++;
				pushes++;
			}
		} else if (op == 1) {
			got = deque_pop(&d);
			want = NULL;
			if (len > 0)
				want = model[(head + --len) % CAP];
			if (got != want)
				bad++;
		} else {
			got = deque_steal(&d);
			want = NULL;
			if (len > 0) {
				want = model[head];
				head = (head + 1) % CAP;
				len--;
			}
			if (got != want)
				bad++;
		}
		if (deque_size(&d) != len)
			bad++;
	}
	is_int(bad, 0, "wrap: %d random push/pop/steal match a model", STEPS);
	ok(atomic_load(&d.top) > 100 * CAP,
	    "wrap: the ring wrapped many times (top %ld)",
	    atomic_load(&d.top));
	deque_release(&d);
}

struct stress {
	struct deque d;
	long n;
	_Atomic int *claimed;	/* how often item i was taken */
	long *payload;		/* plain data published by the push */
	atomic_int ready;
	atomic_bool done;
	atomic_long bad;
	atomic_long nstolen;
};

struct thief {
	struct stress *s;
	pthread_t tid;
	long stolen;
};

static void consume(struct stress *s, void *item)
{
	long i = (_Atomic int *)item - s->claimed;

	if (i < 0 || i >= s->n || s->payload[i] != 2 * i + 1) {
		atomic_fetch_add_explicit(&s->bad, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&s->claimed[i], 1, memory_order_relaxed);
}

static void *thief_main(void *arg)
{
	struct thief *t = arg;
	struct stress *s = t->s;
	unsigned misses = 0;
	void *item;

	atomic_fetch_add_explicit(&s->ready, 1, memory_order_relaxed);
	for (;;) {
		if ((item = deque_steal(&s->d)) != NULL) {
			consume(s, item);
			t->stolen++;
			atomic_fetch_add_explicit(&s->nstolen, 1,
			    memory_order_relaxed);
			misses = 0;
			continue;
		}
		/* The owner drains the deque before it sets done. */
		if (atomic_load_explicit(&s->done, memory_order_acquire))
			break;
		/* Let the owner run on a small, loaded machine. */
		if (++misses % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static void stress(size_t cap, long n, int pop_every)
{
	struct stress s;
	struct thief th[NTHIEVES];
	long i, popped = 0, full = 0, stolen = 0, lost = 0, dup = 0;
	int started = 0;
	int64_t yield_until, deadline;
	void *item;

	s.n = n;
	s.claimed = xmalloc(n * sizeof(*s.claimed));
	s.payload = xmalloc(n * sizeof(*s.payload));
	for (i = 0; i < n; i++) {
		atomic_init(&s.claimed[i], 0);
		s.payload[i] = 0;
	}
	atomic_init(&s.ready, 0);
	atomic_init(&s.done, false);
	atomic_init(&s.bad, 0);
	atomic_init(&s.nstolen, 0);
	if (deque_init(&s.d, cap) == -1)
		die(EXIT_FATAL, "deque_init failed");

	for (i = 0; i < NTHIEVES; i++) {
		th[i].s = &s;
		th[i].stolen = 0;
		if (pthread_create(&th[i].tid, NULL, thief_main, &th[i]) != 0)
			break;
		started++;
	}
	ok(started == NTHIEVES, "stress cap %zu: started %d thieves", cap,
	    NTHIEVES);
	/* Start only once the thieves are all stealing. */
	while (atomic_load_explicit(&s.ready, memory_order_relaxed) < started)
		sched_yield();

	yield_until = now_ns() + NS_PER_SEC / 2;
	for (i = 0; i < n; i++) {
		s.payload[i] = 2 * i + 1;
		/*
		 * Full: let the thieves in (on a small machine they may only
		 * run when we yield), but for at most half a second, since on
		 * a busy machine each yield can cost another process's whole
		 * time slice.  After that, take one back ourselves.
		 */
		while (!deque_push(&s.d, &s.claimed[i])) {
			if (full++ % 2 == 0 && now_ns() < yield_until)
				sched_yield();
			else if ((item = deque_pop(&s.d)) != NULL) {
				consume(&s, item);
				popped++;
			}
		}
		if (i % pop_every == pop_every - 1 &&
		    (item = deque_pop(&s.d)) != NULL) {
			consume(&s, item);
			popped++;
		}
	}
	/* Should the thieves have had no CPU at all, give them a chance. */
	deadline = now_ns() + 2 * NS_PER_SEC;
	while (atomic_load_explicit(&s.nstolen, memory_order_relaxed) == 0 &&
	    deque_size(&s.d) > 0 && now_ns() < deadline)
		sched_yield();
	/* NULL from pop means empty: only we could have added more. */
	while ((item = deque_pop(&s.d)) != NULL) {
		consume(&s, item);
		popped++;
	}
	atomic_store_explicit(&s.done, true, memory_order_release);
	for (i = 0; i < started; i++) {
		pthread_join(th[i].tid, NULL);
		stolen += th[i].stolen;
	}

	for (i = 0; i < n; i++) {
		int c = atomic_load_explicit(&s.claimed[i], memory_order_relaxed);

		if (c == 0)
			lost++;
		else if (c > 1)
			dup++;
	}
	is_int(lost, 0, "stress cap %zu: no item lost", cap);
	is_int(dup, 0, "stress cap %zu: no item taken twice", cap);
	is_int(atomic_load(&s.bad), 0,
	    "stress cap %zu: every item and its payload was intact", cap);
	is_int(popped + stolen, n, "stress cap %zu: pops + steals = %ld items",
	    cap, n);
	ok(stolen > 0, "stress cap %zu: thieves stole something", cap);
	is_int(deque_size(&s.d), 0, "stress cap %zu: deque empty at the end",
	    cap);
	printf("# cap %zu: %ld items, %ld stolen, %ld popped, push full %ld "
	    "times\n", cap, n, stolen, popped, full);

	deque_release(&s.d);
	free(s.claimed);
	free(s.payload);
}

int main(void)
{
	const char *env = getenv("FANOUT_DEQUE_N");
	long n = 200000;

	if (env != NULL) {
		const char *errstr;

		n = parse_num(env, 1, 100000000, &errstr);
		if (errstr != NULL)
			die(EXIT_USAGE, "FANOUT_DEQUE_N '%s': %s", env, errstr);
	}

	test_init();
	test_empty();
	test_order();
	test_full();
	test_wrap();
	/* Roomy ring, owner pops now and then and when full (GHC's test). */
	stress(64, n, 4);
	/* Tiny ring, owner pops after every push: hammers the last-item race. */
	stress(2, n / 2 > 0 ? n / 2 : 1, 2);
	return tap_done();
}
